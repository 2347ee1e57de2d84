#pragma once
// Escapes text for HTML and SVG content and attribute values (& < > " ').
#include <string>

namespace gauntlet::harness {

std::string html_escape(const std::string& text);

}  // namespace gauntlet::harness
