#include "verifiers/output_match.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "verifiers/text.h"

namespace gauntlet::verifiers {
namespace {

// The next whitespace-separated token at or after `pos` (empty at the end).
std::string_view next_token(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && is_space(s[pos])) ++pos;
  std::size_t start = pos;
  while (pos < s.size() && !is_space(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

std::optional<double> number(std::string_view token) {
  if (token.empty()) return std::nullopt;
  std::string_view body = token.front() == '+' ? token.substr(1) : token;  // from_chars takes no '+'
  double v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || end != body.data() + body.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

OutputComparison output_comparison_from_string(const std::string& name) {
  if (name == "exact") return OutputComparison::kExact;
  if (name == "whitespace") return OutputComparison::kWhitespace;
  if (name == "float") return OutputComparison::kFloat;
  throw std::invalid_argument("unknown output comparison '" + name + "' (valid: exact, whitespace, float)");
}

bool output_matches(std::string_view actual, std::string_view expected, OutputComparison how, double tolerance) {
  if (how == OutputComparison::kExact) return actual == expected;
  std::size_t a = 0, e = 0;
  for (;;) {
    std::string_view x = next_token(actual, a);
    std::string_view y = next_token(expected, e);
    if (x.empty() || y.empty()) return x.empty() && y.empty();
    if (x == y) continue;
    if (how != OutputComparison::kFloat) return false;
    auto u = number(x), v = number(y);
    if (!u || !v || std::fabs(*u - *v) > tolerance * std::max(1.0, std::fabs(*v))) return false;
  }
}

}  // namespace gauntlet::verifiers
