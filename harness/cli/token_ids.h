#pragma once
// Token ids given on the command line (--prompt-ids, --ids): "1,2,3", each a non-negative decimal
// integer (spaces around an id allowed). Throws UsageError naming the flag and the offending item.
#include <string>
#include <vector>

namespace gauntlet::harness {

std::vector<int> parse_token_ids(const std::string& text, const std::string& flag);

}  // namespace gauntlet::harness
