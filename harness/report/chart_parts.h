#pragma once
// Pieces the report's hand-written SVG charts share (report/html.cpp, report/curves_svg.cpp): the
// colour palette and the axes of a plot whose y axis runs 0..1. Text arguments are already escaped.
#include <cstddef>
#include <string>

namespace gauntlet::harness {

// The palette's colour for series `index` (cycling).
const char* chart_color(std::size_t index);

// A horizontal grid line from `left` to `right` at `y`, labelled `value` (two decimals) left of it.
std::string svg_value_gridline(double left, double right, double y, double value);

// The plot's y axis (at `left`) and x axis (at top + height), the x title centred under the plot and
// the y title rotated along its left edge.
std::string svg_axes(double left, double top, double width, double height, const std::string& x_title,
                     const std::string& y_title);

}  // namespace gauntlet::harness
