#include "verifiers/math_scorer.h"

#include <re2/re2.h>

#include <cmath>
#include <utility>
#include <vector>

#include "verifiers/answer_normalizer.h"
#include "verifiers/scorer_options.h"

namespace gauntlet::verifiers {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

// Removes a letter-named command unless it is the prefix of a longer name (\left, not \leftarrow).
void remove_command(std::string& s, std::string_view command) {
  std::size_t pos = 0;
  while ((pos = s.find(command, pos)) != std::string::npos) {
    std::size_t after = pos + command.size();
    if (after < s.size() && is_alpha(s[after])) {
      pos = after;
      continue;
    }
    s.erase(pos, command.size());
  }
}

// Replaces \command{content} by content wherever it occurs.
void unwrap_command(std::string& s, std::string_view command) {
  std::size_t pos = 0;
  while ((pos = s.find(command, pos)) != std::string::npos) {
    std::size_t after = pos + command.size();
    std::size_t brace = after;
    while (brace < s.size() && s[brace] == ' ') ++brace;
    if (after < s.size() && is_alpha(s[after])) {
      pos = after;
      continue;
    }
    std::size_t end = 0;
    std::optional<std::string> inner;
    if (brace < s.size() && s[brace] == '{') inner = read_latex_argument(s, brace, end);
    if (!inner) {
      pos = after;
      continue;
    }
    s.replace(pos, end - pos, *inner);
  }
}

// Reads one argument of \frac or \sqrt at `pos`: a balanced group (returned with its braces
// stripped) or a single plain character. Sets `end`. nullopt for anything else (e.g. a command).
std::optional<std::string> read_short_argument(const std::string& s, std::size_t pos, std::size_t& end) {
  std::size_t i = pos;
  while (i < s.size() && s[i] == ' ') ++i;
  if (i >= s.size()) return std::nullopt;
  if (s[i] == '{') return read_latex_argument(s, i, end);
  if (is_digit(s[i]) || is_alpha(s[i])) {
    end = i + 1;
    return std::string(1, s[i]);
  }
  return std::nullopt;
}

// \frac12 -> \frac{1}{2}, \frac a b -> \frac{a}{b}, \sqrt2 -> \sqrt{2}.
void brace_short_arguments(std::string& s, std::string_view command, int arity) {
  std::size_t pos = 0;
  while ((pos = s.find(command, pos)) != std::string::npos) {
    std::size_t after = pos + command.size();
    // A letter right after the name makes it another command (\fracture) unless a space separates.
    if (after < s.size() && is_alpha(s[after])) {
      pos = after;
      continue;
    }
    std::string rebuilt(command);
    std::size_t cursor = after;
    bool ok = true;
    for (int k = 0; k < arity && ok; ++k) {
      std::size_t end = 0;
      auto arg = read_short_argument(s, cursor, end);
      if (!arg) {
        ok = false;
        break;
      }
      rebuilt += "{" + *arg + "}";
      cursor = end;
    }
    if (!ok) {
      pos = after;
      continue;
    }
    s.replace(pos, cursor - pos, rebuilt);
    pos += command.size();  // re-scan the arguments for nested commands
  }
}

// Removes thousands separators ("," or "{,}") from digit groups 1-3 digits then exactly-3-digit groups.
std::string remove_thousands_separators(const std::string& s, bool allow_plain_comma) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    bool run_start = is_digit(s[i]) && (i == 0 || (!is_digit(s[i - 1]) && s[i - 1] != '.'));
    if (!run_start) {
      out.push_back(s[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    out.append(s, i, j - i);
    if (j - i <= 3) {
      for (;;) {
        std::size_t sep = 0;
        if (s.compare(j, 3, "{,}") == 0) {
          sep = 3;
        } else if (allow_plain_comma && j < s.size() && s[j] == ',') {
          sep = 1;
        } else {
          break;
        }
        std::size_t g = j + sep;
        std::size_t k = g;
        while (k < s.size() && is_digit(s[k])) ++k;
        if (k - g != 3) break;
        out.append(s, g, 3);
        j = k;
      }
    }
    i = j;
  }
  return out;
}

std::string remove_whitespace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!is_space(c)) out.push_back(c);
  }
  return out;
}

// Text after an answer phrase: the rest of that line (or the next non-empty line when the phrase
// ends its line), cut at a sentence end, with decoration ($, **, trailing period) stripped.
std::optional<std::string> answer_after_phrase(std::string_view text, std::size_t pos) {
  std::size_t i = pos;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '*' || text[i] == ':')) ++i;
  std::string line;
  while (i < text.size()) {
    std::size_t nl = text.find('\n', i);
    line = trim(text.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i));
    if (!line.empty() || nl == std::string_view::npos) break;
    i = nl + 1;
  }
  for (std::size_t k = 0; k + 1 < line.size(); ++k) {
    if (line[k] == '.' && is_space(line[k + 1])) {
      line.resize(k);
      break;
    }
  }
  std::string_view view = line;
  const std::string_view decoration = " \t*$.";
  while (!view.empty() && decoration.find(view.back()) != std::string_view::npos) view.remove_suffix(1);
  while (!view.empty() && std::string_view(" \t*$").find(view.front()) != std::string_view::npos) {
    view.remove_prefix(1);
  }
  if (view.empty()) return std::nullopt;
  return std::string(view);
}

// Answer after the last match of `phrase`, falling back to earlier matches whose answer is empty.
std::optional<std::string> last_phrase_answer(std::string_view text, const RE2& phrase) {
  std::vector<std::size_t> ends;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  std::size_t pos = 0;
  while (pos < text.size() && phrase.Match(input, pos, input.size(), RE2::UNANCHORED, &match, 1)) {
    std::size_t end = static_cast<std::size_t>(match.data() - input.data()) + match.size();
    ends.push_back(end);
    pos = match.empty() ? end + 1 : end;
  }
  for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
    if (auto answer = answer_after_phrase(text, *it)) return answer;
  }
  return std::nullopt;
}

std::optional<std::string> last_number(std::string_view text) {
  static const RE2 number(R"(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|-?\.\d+)");
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  std::optional<std::string> found;
  std::size_t pos = 0;
  while (pos < text.size() && number.Match(input, pos, input.size(), RE2::UNANCHORED, &match, 1)) {
    std::size_t start = static_cast<std::size_t>(match.data() - input.data());
    std::string value(match.data(), match.size());
    // "5-3" or "x-3": the dash is an operator, not a sign.
    if (value[0] == '-' && start > 0 && (is_digit(text[start - 1]) || is_alpha(text[start - 1]) ||
                                         text[start - 1] == ')' || text[start - 1] == '}')) {
      value.erase(0, 1);
    }
    found = value;
    pos = start + match.size();
  }
  return found;
}

// Parses "12", "3.5", "{-2}" (braces allowed around an argument) as a plain number.
std::optional<double> plain_argument(std::string_view s) {
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  if (s.empty() || s.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  return parse_plain_number(s);
}

std::optional<double> parse_fraction_body(std::string_view s) {
  if (starts_with(s, "\\frac")) {
    std::string text(s);
    std::size_t end1 = 0;
    auto numerator = read_short_argument(text, 5, end1);
    if (!numerator) return std::nullopt;
    std::size_t end2 = 0;
    auto denominator = read_short_argument(text, end1, end2);
    if (!denominator || end2 != text.size()) return std::nullopt;
    auto a = plain_argument(*numerator);
    auto b = plain_argument(*denominator);
    if (!a || !b || *b == 0) return std::nullopt;
    return *a / *b;
  }
  std::size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    auto a = plain_argument(s.substr(0, slash));
    auto b = plain_argument(s.substr(slash + 1));
    if (!a || !b || *b == 0) return std::nullopt;
    return *a / *b;
  }
  for (std::string_view times : {std::string_view("\\times10^"), std::string_view("\\cdot10^")}) {
    std::size_t at = s.find(times);
    if (at == std::string_view::npos) continue;
    auto mantissa = plain_argument(s.substr(0, at));
    std::string_view exponent_text = s.substr(at + times.size());
    if (exponent_text.size() >= 2 && exponent_text.front() == '{' && exponent_text.back() == '}') {
      exponent_text = exponent_text.substr(1, exponent_text.size() - 2);
    }
    bool integer_exponent = !exponent_text.empty() && exponent_text.find_first_of(".eE,") == std::string_view::npos;
    auto exponent = integer_exponent ? parse_plain_number(exponent_text) : std::nullopt;
    if (!mantissa || !exponent) return std::nullopt;
    double value = *mantissa * std::pow(10.0, *exponent);
    if (!std::isfinite(value)) return std::nullopt;
    return value;
  }
  return plain_argument(s);
}

}  // namespace

std::optional<std::string> extract_math_answer(std::string_view completion, MathFallback fallback) {
  auto boxed = find_boxed_contents(completion);
  for (auto it = boxed.rbegin(); it != boxed.rend(); ++it) {
    std::string answer = trim(*it);
    if (!answer.empty()) return answer;
  }
  static const RE2 final_phrase(R"((?i)\b(?:final\s+answer\s+is|answer\s*\**\s*:)|####)");
  if (auto answer = last_phrase_answer(completion, final_phrase)) return answer;
  static const RE2 plain_phrase(R"((?i)\banswer\s+is)");
  if (auto answer = last_phrase_answer(completion, plain_phrase)) return answer;
  if (fallback == MathFallback::kLastNumber) return last_number(completion);
  return std::nullopt;
}

std::string math_reference_answer(std::string_view reference) {
  auto boxed = find_boxed_contents(reference);
  if (!boxed.empty()) return trim(boxed.back());
  std::size_t hashes = reference.rfind("####");
  if (hashes != std::string_view::npos) return trim(reference.substr(hashes + 4));
  return trim(reference);
}

std::string normalize_math_answer(std::string_view answer) {
  std::string s = trim(answer);
  replace_all(s, "\\$", "");
  replace_all(s, "$", "");
  s = trim(s);
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"\\(", "\\)"}, {"\\[", "\\]"}}) {
    if (starts_with(s, open) && ends_with(s, close) && s.size() >= 4) s = trim(s.substr(2, s.size() - 4));
  }
  replace_all(s, "\\dfrac", "\\frac");
  replace_all(s, "\\tfrac", "\\frac");
  for (std::string_view command : {"\\textbf", "\\textrm", "\\textit", "\\text", "\\mathrm", "\\mathbf", "\\mbox"}) {
    unwrap_command(s, command);
  }
  remove_command(s, "\\left");
  remove_command(s, "\\right");
  remove_command(s, "\\displaystyle");
  for (std::string_view spacing : {"\\!", "\\,", "\\;", "\\:"}) replace_all(s, spacing, "");
  for (std::string_view degree : {"^{\\circ}", "^\\circ", "\xC2\xB0"}) replace_all(s, degree, "");
  replace_all(s, "\\%", "%");
  brace_short_arguments(s, "\\frac", 2);
  brace_short_arguments(s, "\\sqrt", 1);
  s = collapse_whitespace(s);

  // Commas inside a bracketed tuple or interval such as "(1,000)" separate items.
  bool bracketed = (starts_with(s, "(") || starts_with(s, "[") || starts_with(s, "\\{")) &&
                   (ends_with(s, ")") || ends_with(s, "]") || ends_with(s, "\\}"));
  s = remove_thousands_separators(s, !bracketed);

  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  // "x = 5" -> "5" (a single-letter variable and a single '=').
  if (s.size() >= 2 && is_alpha(s[0]) && s.find('=') != std::string::npos &&
      s.find('=') == s.rfind('=')) {
    std::size_t eq = s.find('=');
    if (trim(s.substr(1, eq - 1)).empty()) s = trim(s.substr(eq + 1));
  }
  s = trim(s);
  if (!s.empty() && s[0] == '+') s = trim(s.substr(1));
  return s;
}

std::optional<MathNumber> parse_math_number(std::string_view normalized) {
  std::string s = remove_whitespace(normalized);
  MathNumber number;
  if (ends_with(s, "\\%")) {
    s.resize(s.size() - 2);
    number.percent = true;
  } else if (ends_with(s, "%")) {
    s.pop_back();
    number.percent = true;
  }
  double sign = 1.0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    sign = s[0] == '-' ? -1.0 : 1.0;
    s.erase(0, 1);
  }
  if (s.empty() || s[0] == '-' || s[0] == '+') return std::nullopt;
  auto value = parse_fraction_body(s);
  if (!value) return std::nullopt;
  number.value = sign * *value;
  return number;
}

bool math_answers_equal(std::string_view answer, std::string_view reference, double tolerance) {
  std::string a = normalize_math_answer(answer);
  std::string b = normalize_math_answer(reference);
  auto na = parse_math_number(a);
  auto nb = parse_math_number(b);
  if (na && nb) {
    auto close = [&](double x, double y) { return numbers_close(x, y, tolerance, 1e-9); };
    if (na->percent == nb->percent) return close(na->value, nb->value);
    const MathNumber& pct = na->percent ? *na : *nb;
    const MathNumber& plain = na->percent ? *nb : *na;
    return close(pct.value, plain.value) || close(pct.value / 100.0, plain.value);
  }
  std::string sa = remove_whitespace(a);
  return !sa.empty() && sa == remove_whitespace(b);
}

MathScorer::MathScorer(const ScorerOptions& options)
    : tolerance_(option_non_negative_double(options, "math", "tolerance", 1e-6)),
      fallback_(option_enum(options, "math", "fallback", {"none", "last_number"}, "none") == "last_number"
                    ? MathFallback::kLastNumber
                    : MathFallback::kNone) {}

Verdict MathScorer::score(const std::string& completion, const std::string& reference) const {
  Verdict verdict;
  verdict.extracted = extract_math_answer(completion, fallback_);
  if (!verdict.extracted) return verdict;
  verdict.correct = math_answers_equal(*verdict.extracted, math_reference_answer(reference), tolerance_);
  verdict.score = verdict.correct ? 1.0 : 0.0;
  return verdict;
}

}  // namespace gauntlet::verifiers
