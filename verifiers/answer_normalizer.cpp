#include "verifiers/answer_normalizer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace gauntlet::verifiers {

std::string normalize_exact(std::string_view text, bool case_sensitive) {
  std::string out = collapse_whitespace(text);
  if (!case_sensitive) out = ascii_lower(out);
  if (!out.empty() && out.back() == '.') {
    out.pop_back();
    while (!out.empty() && out.back() == ' ') out.pop_back();
  }
  return out;
}

std::optional<double> parse_plain_number(std::string_view raw) {
  const std::string text = trim(raw);
  std::string digits;  // the number with separators removed, in strtod syntax
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) {
    if (text[i] == '-') digits.push_back('-');
    ++i;
  }
  // Integer part, with optional comma grouping (first group 1-3 digits, then groups of exactly 3).
  std::size_t int_start = i;
  while (i < n && is_digit(text[i])) digits.push_back(text[i++]);
  std::size_t first_group = i - int_start;
  if (i < n && text[i] == ',') {
    if (first_group == 0 || first_group > 3) return std::nullopt;
    while (i < n && text[i] == ',') {
      std::size_t group_start = ++i;
      while (i < n && is_digit(text[i])) digits.push_back(text[i++]);
      if (i - group_start != 3) return std::nullopt;
    }
  }
  bool has_int_digits = i > int_start;
  bool has_frac_digits = false;
  if (i < n && text[i] == '.') {
    digits.push_back('.');
    ++i;
    while (i < n && is_digit(text[i])) {
      digits.push_back(text[i++]);
      has_frac_digits = true;
    }
  }
  if (!has_int_digits && !has_frac_digits) return std::nullopt;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    digits.push_back('e');
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) digits.push_back(text[i++]);
    std::size_t exp_start = i;
    while (i < n && is_digit(text[i])) digits.push_back(text[i++]);
    if (i == exp_start) return std::nullopt;
  }
  if (i != n) return std::nullopt;
  char* parse_end = nullptr;
  double value = std::strtod(digits.c_str(), &parse_end);
  if (parse_end != digits.c_str() + digits.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool numbers_close(double a, double b, double rel_tolerance, double abs_tolerance) {
  if (a == b) return true;
  if (std::isinf(a) || std::isinf(b)) return false;  // an infinity is close only to itself
  double diff = std::fabs(a - b);
  if (diff <= abs_tolerance) return true;
  return diff <= rel_tolerance * std::max(std::fabs(a), std::fabs(b));
}

std::optional<std::string> read_latex_argument(std::string_view text, std::size_t pos, std::size_t& end) {
  std::size_t i = pos;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i >= text.size()) return std::nullopt;
  if (text[i] == '{') {
    int depth = 0;
    for (std::size_t j = i; j < text.size(); ++j) {
      char c = text[j];
      if (c == '\\' && j + 1 < text.size()) {
        ++j;  // escaped character such as \{ or \} does not count
        continue;
      }
      if (c == '{') {
        ++depth;
      } else if (c == '}') {
        if (--depth == 0) {
          end = j + 1;
          return std::string(text.substr(i + 1, j - i - 1));
        }
      }
    }
    return std::nullopt;  // unbalanced
  }
  if (i == pos) return std::nullopt;  // "\boxedfoo" is another command, not "\boxed foo"
  std::size_t j = i;
  while (j < text.size() && !is_space(text[j]) && text[j] != '$' && text[j] != '}') ++j;
  if (j == i) return std::nullopt;
  end = j;
  return std::string(text.substr(i, j - i));
}

std::vector<std::string> find_boxed_contents(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t hit = text.find('\\', i);
    if (hit == std::string_view::npos) break;
    std::size_t after = std::string_view::npos;
    for (std::string_view command : {std::string_view("\\boxed"), std::string_view("\\fbox")}) {
      if (text.substr(hit, command.size()) == command) {
        std::size_t next = hit + command.size();
        if (next >= text.size() || !is_alpha(text[next])) after = next;
      }
    }
    if (after == std::string_view::npos) {
      i = hit + 1;
      continue;
    }
    std::size_t end = after;
    if (auto content = read_latex_argument(text, after, end)) {
      out.push_back(std::move(*content));
      i = end;
    } else {
      i = after;
    }
  }
  return out;
}

}  // namespace gauntlet::verifiers
