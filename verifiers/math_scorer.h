#pragma once
// `math` scorer: extracts the final answer of a worked solution (\boxed{...}, "Final Answer: X",
// "#### X", ...) and compares it with the reference after LaTeX normalisation, numerically
// (relative tolerance) when both sides parse as numbers, else as whitespace-free strings.
#include <optional>
#include <string>
#include <string_view>

#include "verifiers/scorer.h"

namespace gauntlet::verifiers {

enum class MathFallback { kNone, kLastNumber };

// The answer in a completion, trimmed, or nullopt. Priority: the last \boxed{...} / \fbox{...}
// (balanced braces); else the last "final answer is X" / "Final Answer: X" / "answer: X" / "#### X"
// (rest of that line, up to a sentence end, trailing period and `$` stripped); else the last
// "the answer is X"; else, with kLastNumber, the last number in the text.
std::optional<std::string> extract_math_answer(std::string_view completion,
                                               MathFallback fallback = MathFallback::kNone);

// The answer inside a reference: the last \boxed{...} if it has one, the text after the last
// "####" if it has one (GSM8K solutions), else the reference itself.
std::string math_reference_answer(std::string_view reference);

// Strips `$`, \left, \right, \!, \, \; \: \displaystyle, ^\circ / ^{\circ}, a leading "+", a trailing
// period, a leading "x =" and surrounding spaces; unwraps \text{..}, \textbf{..}, \mathrm{..},
// \mathbf{..}, \mbox{..}; \dfrac/\tfrac -> \frac, \frac12 -> \frac{1}{2}, \sqrt2 -> \sqrt{2},
// \% -> %; removes thousands separators ("1,234,567", "1{,}234") when the groups are exactly three
// digits (plain commas are kept inside a bracketed tuple or interval such as "(1,000)").
std::string normalize_math_answer(std::string_view answer);

struct MathNumber {
  double value = 0.0;
  bool percent = false;  // written with a % sign; value is the number before the sign
};

// Parses a normalised answer as a number: integer, decimal, scientific ("1e-3", "2\times10^{3}"),
// negative, \frac{a}{b}, \frac ab, a/b, -\frac{1}{2}, optionally followed by % (or \%).
std::optional<MathNumber> parse_math_number(std::string_view normalized);

// Numeric comparison with relative `tolerance` (absolute 1e-9 near zero) when both normalised
// sides parse (a percentage matches both its number and its fraction: 50% == 50 == 0.5); else
// equality of the normalised strings with all whitespace removed.
bool math_answers_equal(std::string_view answer, std::string_view reference, double tolerance = 1e-6);

class MathScorer : public Scorer {
 public:
  // Options: tolerance (non-negative number, default 1e-6), fallback = "none" | "last_number".
  explicit MathScorer(const ScorerOptions& options);
  Verdict score(const std::string& completion, const std::string& reference) const override;
  std::string name() const override { return "math"; }

 private:
  double tolerance_ = 1e-6;
  MathFallback fallback_ = MathFallback::kNone;
};

}  // namespace gauntlet::verifiers
