#pragma once
// Where the final answer of a worked math solution is: the last \boxed{...} / \fbox{...}, an answer
// line ("Final Answer: X", "#### X", "the answer is X"), optionally the last number.
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace gauntlet::verifiers
