#pragma once
// math_answer checks (MathQuiz): the final answer of a free-text reply (the last \boxed{}, an
// "answer is" line, else the last number) against the integer target, with the math verifier
// (numeric comparison; no symbolic step is needed for an integer target).
#include <nlohmann/json.hpp>

#include "harness/referee/referee.h"

namespace gauntlet::harness {

// input {"answer", "target"} -> result {"correct", "extracted"}; details: the verdict.
RefereeAnswer check_math_answer(const nlohmann::json& input);

}  // namespace gauntlet::harness
