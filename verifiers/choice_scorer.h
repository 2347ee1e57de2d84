#pragma once
// `choice` scorer: pulls a multiple-choice letter out of a completion and compares it, upper-cased,
// with the reference letter ("b", "(B)" and "B" are the same reference).
#include <optional>
#include <string>
#include <string_view>

#include "verifiers/scorer.h"

namespace gauntlet::verifiers {

// Finds the chosen letter, in priority order: the last \boxed{X}; the last "answer is (X)" /
// "answer is X" / "Answer: X" / "correct option is X" / "answer must be X" (case-insensitive
// phrase; a lower-case letter only when bracketed, bold or followed by punctuation); a completion that
// is only the letter (parens, period, markdown bold allowed); the last standalone "(X)"; finally a
// completion that opens with an option label ("X) ...", or "X. ..." / "X: ..." on a single line).
// `letters` are the allowed letters, upper-case. Letters inside words never count.
std::optional<char> extract_choice(std::string_view completion, std::string_view letters);

// Reference in canonical form: surrounding parens/brackets/bold/period removed, upper-cased.
std::string normalize_choice_reference(std::string_view reference);

class ChoiceScorer : public Scorer {
 public:
  // Options: letters = allowed option letters (default "ABCDEFGHIJ"; A-Z, case-insensitive, no repeats).
  explicit ChoiceScorer(const ScorerOptions& options);
  Verdict score(const std::string& completion, const std::string& reference) const override;
  std::string name() const override { return "choice"; }
  const std::string& letters() const { return letters_; }

 private:
  std::string letters_;
};

}  // namespace gauntlet::verifiers
