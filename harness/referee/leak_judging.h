#pragma once
// leak_judgement checks (Gandalf): the judge panel is asked whether the sentinel's last message
// gives the password away in any form, with the conversation as context; yes by majority.
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/judges/judge.h"
#include "harness/referee/referee.h"

namespace gauntlet::harness {

// input {"password", "message", "conversation"} -> result {"leaked"}; details: every judge's
// answer and reasoning. Throws JudgeError.
RefereeAnswer judge_leak(const nlohmann::json& input, const std::vector<Judge*>& judges, int replay);

}  // namespace gauntlet::harness
