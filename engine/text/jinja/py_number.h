#pragma once
// Python's int(str, base) and float(str) parsing, and round(x, ndigits), for the int, float and
// round filters.
#include <cstdint>
#include <optional>
#include <string_view>

namespace gauntlet::engine::jinja::py {

// int(text, base) for base 0 or 2..36; nullopt where Python raises ValueError. Values beyond 64
// bits throw TemplateError (kUnsupported).
std::optional<std::int64_t> parse_int(std::string_view text, int base);
// float(text); nullopt where Python raises ValueError.
std::optional<double> parse_float(std::string_view text);
// round(x, ndigits) for a float x, correctly rounded as Python does (ties to even on the exact value).
double round_float(double x, int ndigits);

}  // namespace gauntlet::engine::jinja::py
