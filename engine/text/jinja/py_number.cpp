#include "engine/text/jinja/py_number.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/text/jinja/error.h"
#include "engine/text/jinja/py_str.h"

namespace gauntlet::engine::jinja::py {
namespace {

std::string strip_spaces(std::string_view text) { return strip(text, std::nullopt, true, true); }

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view text, int base) {
  std::string s = strip_spaces(text);
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  auto has_prefix = [&](char letter) {
    return i + 1 < s.size() && s[i] == '0' && (s[i + 1] == letter || s[i + 1] == letter - 32);
  };
  bool prefixed = false;
  if (base == 0) {
    if (has_prefix('x')) base = 16, prefixed = true;
    else if (has_prefix('o')) base = 8, prefixed = true;
    else if (has_prefix('b')) base = 2, prefixed = true;
    else base = 10;
    if (!prefixed) {
      // Base 0 refuses leading zeros on a non-zero decimal.
      std::size_t j = i;
      bool all_zero = true, leading_zero = j < s.size() && s[j] == '0';
      for (; j < s.size(); ++j)
        if (s[j] != '0' && s[j] != '_') all_zero = false;
      if (leading_zero && !all_zero) return std::nullopt;
    }
  } else if ((base == 16 && has_prefix('x')) || (base == 8 && has_prefix('o')) || (base == 2 && has_prefix('b'))) {
    prefixed = true;
  }
  if (prefixed) i += 2;
  if (base < 2 || base > 36) return std::nullopt;
  unsigned __int128 v = 0;
  const unsigned __int128 limit = static_cast<unsigned __int128>(1) << 63;
  bool any = false, need_digit = true;
  if (prefixed && i < s.size() && s[i] == '_') ++i;  // "0x_1" is allowed
  for (; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (need_digit) return std::nullopt;
      need_digit = true;
      continue;
    }
    int d = digit_value(s[i]);
    if (d >= base) return std::nullopt;
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (v > limit) throw TemplateError(ErrorKind::kUnsupported, "integer " + s + " does not fit in 64 bits");
    any = true;
    need_digit = false;
  }
  if (!any || need_digit) return std::nullopt;
  if (v == limit) {
    if (negative) return INT64_MIN;
    throw TemplateError(ErrorKind::kUnsupported, "integer " + s + " does not fit in 64 bits");
  }
  const auto mag = static_cast<std::int64_t>(v);
  return negative ? -mag : mag;
}

std::optional<double> parse_float(std::string_view text) {
  std::string s = strip_spaces(text);
  std::string lower;
  for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  std::size_t i = 0;
  std::string sign;
  if (i < lower.size() && (lower[i] == '+' || lower[i] == '-')) sign = lower[i++];
  std::string rest = lower.substr(i);
  if (rest == "inf" || rest == "infinity") return sign == "-" ? -INFINITY : INFINITY;
  if (rest == "nan") return sign == "-" ? -NAN : NAN;
  // digits with single underscores between digits, optional fraction and exponent
  std::string clean;
  bool digits_before = false, digits_after = false;
  std::size_t p = 0;
  auto digit_run = [&](bool& seen) {
    bool prev_digit = false;
    while (p < rest.size()) {
      if (rest[p] >= '0' && rest[p] <= '9') {
        clean += rest[p++];
        prev_digit = seen = true;
      } else if (rest[p] == '_' && prev_digit && p + 1 < rest.size() && rest[p + 1] >= '0' && rest[p + 1] <= '9') {
        ++p;
        prev_digit = false;
      } else {
        break;
      }
    }
  };
  digit_run(digits_before);
  if (p < rest.size() && rest[p] == '.') {
    clean += rest[p++];
    digit_run(digits_after);
  }
  if (!digits_before && !digits_after) return std::nullopt;
  if (p < rest.size() && rest[p] == 'e') {
    clean += rest[p++];
    if (p < rest.size() && (rest[p] == '+' || rest[p] == '-')) clean += rest[p++];
    bool exp_digits = false;
    digit_run(exp_digits);
    if (!exp_digits) return std::nullopt;
  }
  if (p != rest.size()) return std::nullopt;
  errno = 0;
  return std::strtod((sign + clean).c_str(), nullptr);
}

double round_float(double x, int ndigits) {
  if (!std::isfinite(x) || x == 0) return x;
  if (ndigits > 22) return x;
  if (ndigits >= 0) {
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.*f", ndigits, x);
    double r = std::strtod(buf, nullptr);
    return r == 0 ? std::copysign(0.0, x) : r;
  }
  if (ndigits < -308) return std::copysign(0.0, x);
  const double pow10 = std::pow(10.0, -ndigits);
  const double y = x / pow10;
  double z = std::nearbyint(y);  // ties to even
  if (std::fabs(y - std::trunc(y)) == 0.5) z = 2.0 * std::nearbyint(y / 2.0);
  double r = z * pow10;
  return r == 0 ? std::copysign(0.0, x) : r;
}

}  // namespace gauntlet::engine::jinja::py
