#pragma once
// JudgePanel: several judges on one task, asked in parallel. Scores: every judge's judgement and,
// per candidate, the sum of the judges' weighted totals (ZeroSumEval's aggregation). Grades:
// every judge's grade and one aggregate, by
//   majority  the grade most judges gave (a tie goes to the lowest value among the tied: with
//             yes = 1 / no = 0, one yes and one no is no);
//   mean      the mean of the values (its label the number).
// The aggregate passes when its value reaches the pattern's pass mark. Any judge failing fails the
// panel (JudgeError naming it): a panel never reports a judgement some of its judges did not make.
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

enum class Aggregation { kMajority, kMean };
// "majority" | "mean"; throws std::invalid_argument.
Aggregation aggregation_from_string(const std::string& name);
const char* to_string(Aggregation aggregation);

struct PanelGrade {
  std::vector<GradeJudgement> judgements;  // in panel order
  Aggregation aggregation = Aggregation::kMajority;
  Grade grade;                              // the aggregate
  int passed_votes = 0;                     // judges whose own grade passed

  nlohmann::json to_json() const;
};

// The aggregate of grades on `pattern`'s scale (non-empty `grades`).
Grade aggregate_grades(const std::vector<Grade>& grades, const GradePattern& pattern, Aggregation aggregation);

// Throw JudgeError (and std::invalid_argument for an empty panel).
PanelScores panel_score(const std::vector<Judge*>& judges, const RubricTask& task);
PanelGrade panel_grade(const std::vector<Judge*>& judges, const GradeTask& task, Aggregation aggregation);

}  // namespace gauntlet::harness
