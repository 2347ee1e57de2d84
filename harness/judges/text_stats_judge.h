#pragma once
// TextStatsJudge: the built-in offline judge (a tournament's `bot: heuristic` judge), so judged
// games run without a model. It scores each candidate's own passages from surface statistics, one
// statistic per aspect of ZeroSumEval's rubric (sentence length for clarity, connectives for
// coherence, word overlap with the shared material for relevance and with the other candidates'
// for responsiveness, numbers and "for example" for evidence, distinct words for originality,
// ordinal markers for organization, ...), each mapped to the rubric's scale; an aspect it has no
// statistic for gets the mean of the others. Deterministic. It cannot grade.
// A crude stand-in for demos and tests, not a measure of quality.
#include "harness/judges/judge.h"

namespace gauntlet::harness {

class TextStatsJudge : public Judge {
 public:
  explicit TextStatsJudge(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  RubricJudgement score(const RubricTask& task) override;
  GradeJudgement grade(const GradeTask& task) override;  // throws JudgeError
  bool grades() const override { return false; }

 private:
  std::string name_;
};

}  // namespace gauntlet::harness
