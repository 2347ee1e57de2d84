#pragma once
// debate_judgement checks (Debate): the judge panel scores both sides' statements on the rubric;
// each side's total is the sum of the judges' weighted totals. Statements are labelled by side and
// stage only (never by player), "for" first as spoken; the tournament's paired match swaps the
// players' seats, so a judge's position bias cancels over the pair.
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/judges/judge.h"
#include "harness/judges/rubric.h"
#include "harness/referee/referee.h"

namespace gauntlet::harness {

// input {"topic", "statements": [{"side", "stage", "text"}]} -> result {"totals": {"for", "against"},
// "judges": [...]}; details: every judge's scores, totals and reasoning. Throws JudgeError.
RefereeAnswer judge_debate(const nlohmann::json& input, const std::vector<Judge*>& judges, const Rubric& rubric,
                           int replay);

}  // namespace gauntlet::harness
