#pragma once
// JudgeScorer: `scorer: judge` for suites, built on harness/judges/. Each answer goes to the task's
// judges with the task's judge prompt filled in: {question} (the task's prompt as the model got it),
// {reference}, {answer} (the model's final text) and every dataset field by its name or as
// {item.<name>}. Each judge's grade is read with the task's GradePattern (an unreadable reply is
// answered with the problem and asked again, up to the judge's attempts); the grades are aggregated
// (majority or mean). The sample is correct when the aggregate passes; its score is the aggregate's
// place on the scale, in [0, 1]. A judge that fails (its request, after the client's retries, or
// every reply unreadable) throws ScorerError: the sample is an error, never a wrong answer, and the
// next run asks again afresh (ScoringInput::replay) rather than from the cache of failed replies.
// Details stored with the sample: the aggregate grade and every judge's grade, replies and usage.
#include <string>
#include <vector>

#include "harness/eval/suite_config.h"
#include "harness/judges/grade_pattern.h"
#include "harness/judges/judge.h"
#include "harness/judges/judge_panel.h"
#include "harness/prompts/prompt_template.h"
#include "verifiers/scorer.h"

namespace gauntlet::harness {

class JudgeScorer : public verifiers::Scorer {
 public:
  // `task` must hold its JudgeScoring. `judges` in the task's order (they must outlive the scorer);
  // empty only for a scorer used to check rows (check_item). `concurrency`: samples worth judging at once.
  JudgeScorer(const TaskConfig& task, std::vector<Judge*> judges, int concurrency = 1);

  verifiers::Verdict score(const std::string& completion, const std::string& reference) const override;  // throws
  verifiers::Verdict score_item(const verifiers::ScoringInput& input) const override;
  // Whether the judge prompt's fields are all in the row (and the task's own prompt renders).
  std::string check_item(const nlohmann::json& item) const override;
  int concurrency() const override { return concurrency_; }
  std::string name() const override { return "judge"; }

  // The values the judge prompt is filled from.
  nlohmann::json fields(const std::string& completion, const std::string& reference, const nlohmann::json& item) const;

 private:
  PromptTemplate question_;
  PromptTemplate prompt_;
  PromptTemplate system_;
  bool has_system_ = false;
  GradePattern pattern_;
  Aggregation aggregation_;
  std::string reply_format_;
  std::vector<Judge*> judges_;
  int concurrency_ = 1;
};

}  // namespace gauntlet::harness
