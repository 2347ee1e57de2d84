#include "harness/report/chart_parts.h"

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#7f7f7f"};
constexpr std::size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

}  // namespace

const char* chart_color(std::size_t index) { return kPalette[index % kPaletteSize]; }

std::string svg_value_gridline(double left, double right, double y, double value) {
  return fmt::format("<line class=\"grid\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", left, y, right,
                     y) +
         fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" dominant-baseline=\"middle\">{:.2f}</text>\n",
                     left - 6.0, y, value);
}

std::string svg_axes(double left, double top, double width, double height, const std::string& x_title,
                     const std::string& y_title) {
  std::string out;
  out += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", left, top,
                     top + height);
  out += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{1:.1f}\" y2=\"{2:.1f}\"/>\n", left,
                     left + width, top + height);
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + width / 2.0,
                     top + height + 34.0, x_title);
  out += fmt::format("<text x=\"14\" y=\"{0:.1f}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {0:.1f})\">"
                     "{1}</text>\n",
                     top + height / 2.0, y_title);
  return out;
}

}  // namespace gauntlet::harness
