#include "verifiers/choice_scorer.h"

#include <re2/re2.h>

#include <string_view>

#include "verifiers/answer_normalizer.h"
#include "verifiers/scorer_options.h"

namespace gauntlet::verifiers {

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool allowed(char upper, std::string_view letters) {
  return upper >= 'A' && upper <= 'Z' && letters.find(upper) != std::string_view::npos;
}

// Removes decoration around a bare label: whitespace, markdown stars, brackets, a trailing period/colon.
std::string strip_decoration(std::string_view text) {
  std::string_view s = text;
  auto strip_front = [&](std::string_view chars) {
    while (!s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  };
  auto strip_back = [&](std::string_view chars) {
    while (!s.empty() && chars.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  };
  strip_front(" \t\r\n*_([");
  strip_back(" \t\r\n*_)].:");
  return std::string(s);
}

// Unwraps \text{..}, \textbf{..}, \mathrm{..}, \mathbf{..} when the wrapper spans the whole string.
std::string unwrap_latex_text(std::string text) {
  for (bool changed = true; changed;) {
    changed = false;
    std::string trimmed = trim(text);
    for (std::string_view command : {"\\textbf", "\\text", "\\mathrm", "\\mathbf"}) {
      if (trimmed.rfind(command, 0) != 0) continue;
      std::size_t end = 0;
      auto inner = read_latex_argument(trimmed, command.size(), end);
      if (inner && trimmed[command.size()] == '{' && end == trimmed.size()) {
        text = *inner;
        changed = true;
        break;
      }
    }
  }
  return text;
}

std::optional<char> single_letter(std::string_view text, std::string_view letters) {
  std::string bare = strip_decoration(text);
  if (bare.size() != 1) return std::nullopt;
  char upper = to_upper(bare[0]);
  if (!allowed(upper, letters)) return std::nullopt;
  return upper;
}

// "B) text", and on a single line "B. text" / "B: text"; also with parens/bold around the label.
std::optional<char> leading_label(std::string_view text, std::string_view letters, bool single_line) {
  std::string s = trim(text);
  std::size_t i = 0;
  while (i < s.size() && (s[i] == '*' || s[i] == '(')) ++i;
  bool opened = i > 0 && s[i - 1] == '(';
  if (i >= s.size() || !allowed(s[i], letters)) return std::nullopt;
  char letter = s[i];
  std::size_t j = i + 1;
  while (j < s.size() && s[j] == '*') ++j;
  if (j >= s.size()) return std::nullopt;
  bool followed_by_space = j + 1 >= s.size() || s[j + 1] == ' ' || s[j + 1] == '\t' || s[j + 1] == '*';
  if (s[j] == ')') return letter;
  if (!opened && single_line && (s[j] == '.' || s[j] == ':') && followed_by_space) return letter;
  return std::nullopt;
}

}  // namespace

std::optional<char> extract_choice(std::string_view completion, std::string_view letters) {
  // 1. The last \boxed{X} (or \boxed{\text{X}}, \boxed{(X)}, \boxed{X) label text}).
  auto boxed = find_boxed_contents(completion);
  for (auto it = boxed.rbegin(); it != boxed.rend(); ++it) {
    std::string inner = unwrap_latex_text(*it);
    if (auto letter = single_letter(inner, letters)) return letter;
    if (auto letter = leading_label(inner, letters, true)) return letter;
  }

  // 2. The last answer phrase: "answer is (X)", "answer is X", "Answer: X", "correct option is X".
  static const RE2 phrase(
      R"((?i)\b(?:answer|option|choice)\s*(?:is\s*:?|:|(?:must|would|should|will)\s+be))"
      R"((?:\s+(?:clearly|definitely|likely|probably))?)"
      R"(\s*(?:option\s+|choice\s+|letter\s+)?([\s\*\(\[]*(?:\\textbf\{|\\text\{)?[\s\*\(\[]*))"
      R"(([a-z])([^A-Za-z0-9_]|$))");
  {
    re2::StringPiece input(completion.data(), completion.size());
    re2::StringPiece wrapper, letter_piece, follow;
    std::optional<char> found;
    while (RE2::FindAndConsume(&input, phrase, &wrapper, &letter_piece, &follow)) {
      char raw = letter_piece[0];
      char upper = to_upper(raw);
      if (!allowed(upper, letters)) continue;
      if (raw != upper) {
        // A lower-case letter is only a label when set off: bracketed/bold, or directly followed by
        // punctuation or the end ("the answer is a number" must not read as A).
        bool wrapped = std::string_view(wrapper.data(), wrapper.size()).find_first_of("*([{") != std::string_view::npos;
        bool ends = follow.empty() || std::string_view(".,;:!?)]*").find(follow[0]) != std::string_view::npos;
        if (!wrapped && !ends) continue;
      }
      found = upper;
      if (follow.empty()) break;
    }
    if (found) return found;
  }

  // 3. The whole completion is the letter, e.g. "B", "(b)", "**C.**".
  if (auto letter = single_letter(completion, letters)) return letter;

  // 4. The last standalone "(X)".
  std::optional<char> last_paren;
  for (std::size_t i = 0; i + 2 < completion.size(); ++i) {
    if (completion[i] != '(' || completion[i + 2] != ')') continue;
    if (i > 0 && is_word_char(completion[i - 1])) continue;
    if (allowed(completion[i + 1], letters)) last_paren = completion[i + 1];
  }
  if (last_paren) return last_paren;

  // 5. The completion opens with an option label.
  bool single_line = trim(completion).find('\n') == std::string::npos;
  return leading_label(completion, letters, single_line);
}

std::string normalize_choice_reference(std::string_view reference) {
  std::string bare = strip_decoration(reference);
  if (bare.empty()) bare = trim(reference);
  for (char& c : bare) c = to_upper(c);
  return bare;
}

ChoiceScorer::ChoiceScorer(const ScorerOptions& options) {
  std::string raw = option_value(options, "letters").value_or("ABCDEFGHIJ");
  for (char c : raw) {
    char upper = to_upper(c);
    if (upper < 'A' || upper > 'Z' || letters_.find(upper) != std::string::npos) {
      throw ScorerConfigError("scorer 'choice': option 'letters' must be distinct letters A-Z, got \"" + raw + "\"");
    }
    letters_.push_back(upper);
  }
  if (letters_.empty()) {
    throw ScorerConfigError("scorer 'choice': option 'letters' must not be empty");
  }
}

Verdict ChoiceScorer::score(const std::string& completion, const std::string& reference) const {
  Verdict verdict;
  auto letter = extract_choice(completion, letters_);
  if (!letter) return verdict;
  verdict.extracted = std::string(1, *letter);
  verdict.correct = *verdict.extracted == normalize_choice_reference(reference);
  verdict.score = verdict.correct ? 1.0 : 0.0;
  return verdict;
}

}  // namespace gauntlet::verifiers
