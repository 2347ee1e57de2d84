#include "harness/report/text_table.h"

#include <algorithm>
#include <cstddef>

namespace gauntlet::harness {
namespace {

std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (unsigned char ch : s) {
    if ((ch & 0xC0U) != 0x80U) ++width;
  }
  return width;
}

std::string pad(const std::string& s, std::size_t width, bool right_align) {
  const std::size_t w = display_width(s);
  if (w >= width) return s;
  const std::string fill(width - w, ' ');
  return right_align ? fill + s : s + fill;
}

}  // namespace

std::string render_text_table(const std::vector<std::string>& header, const std::vector<bool>& right,
                              const std::vector<std::vector<std::string>>& rows, bool rule) {
  std::vector<std::size_t> widths(header.size(), 0);
  for (std::size_t i = 0; i < header.size(); ++i) widths[i] = display_width(header[i]);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }

  auto emit = [&](const std::vector<std::string>& row, std::string& out) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      line += pad(row[i], widths[i], right[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };

  std::string out;
  emit(header, out);
  if (rule) {
    std::size_t total = 0;
    for (std::size_t w : widths) total += w;
    total += 2 * (widths.size() - 1);
    out += std::string(total, '-');
    out += '\n';
  }
  for (const auto& row : rows) emit(row, out);
  return out;
}

}  // namespace gauntlet::harness
