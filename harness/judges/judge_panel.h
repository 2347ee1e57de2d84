#pragma once
// JudgePanel: several judges on one task, asked in parallel. Scores: every judge's judgement and,
// per candidate, the sum of the judges' weighted totals (ZeroSumEval's aggregation). Verdicts:
// yes when more than half of the judges say yes. Any judge failing fails the panel (JudgeError
// naming it): a panel never reports a judgement some of its judges did not make.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/judges/judge.h"

namespace gauntlet::harness {

struct PanelScores {
  std::vector<RubricJudgement> judgements;  // in panel order
  std::map<std::string, double> totals;     // candidate -> sum over judges

  nlohmann::json to_json() const;
};

struct PanelVerdict {
  std::vector<VerdictJudgement> judgements;
  int yes_votes = 0;
  bool yes = false;

  nlohmann::json to_json() const;
};

// Throws JudgeError (and std::invalid_argument for an empty panel).
PanelScores panel_score(const std::vector<Judge*>& judges, const RubricTask& task);
PanelVerdict panel_decide(const std::vector<Judge*>& judges, const VerdictTask& task);

}  // namespace gauntlet::harness
