#include "verifiers/math_extraction.h"

#include <re2/re2.h>

#include <vector>

#include "verifiers/answer_normalizer.h"
#include "verifiers/text.h"

namespace gauntlet::verifiers {

namespace {


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

}  // namespace gauntlet::verifiers
