#pragma once
// Fixed-width text tables for terminal reports: every column padded to its widest cell (UTF-8 code
// points), left- or right-aligned, two spaces apart, trailing spaces trimmed.
#include <string>
#include <vector>

namespace gauntlet::harness {

// `right[i]`: column i is right-aligned. `rule`: a line of '-' as wide as the table under the header.
std::string render_text_table(const std::vector<std::string>& header, const std::vector<bool>& right,
                              const std::vector<std::vector<std::string>>& rows, bool rule);

}  // namespace gauntlet::harness
