#include "harness/eval/judge_scorer.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/judges/judge_error.h"

namespace gauntlet::harness {
namespace {

const JudgeScoring& scoring_of(const TaskConfig& task) {
  if (!task.judge) throw std::invalid_argument("task '" + task.name + "' has no judge settings");
  return *task.judge;
}

// The aggregate's place on the scale, in [0, 1].
double unit_score(const Grade& grade, const GradePattern& pattern) {
  const auto& spec = pattern.spec();
  double lo = spec.min, hi = spec.max;
  if (!spec.choices.empty()) {
    lo = hi = spec.choices.front().second;
    for (const auto& [label, value] : spec.choices) {
      lo = std::min(lo, value);
      hi = std::max(hi, value);
    }
  }
  if (hi <= lo) return grade.passed ? 1.0 : 0.0;
  return std::clamp((grade.value - lo) / (hi - lo), 0.0, 1.0);
}

// A judgement as stored: without the messages sent (the prompt is the task's, filled from the row).
nlohmann::json stored(const PanelGrade& panel) {
  nlohmann::json j = panel.to_json();
  for (auto& judgement : j["judges"])
    if (judgement.contains("trace")) judgement["trace"].erase("messages");
  return j;
}

}  // namespace

JudgeScorer::JudgeScorer(const TaskConfig& task, std::vector<Judge*> judges, int concurrency)
    : question_(task.prompt),
      prompt_(scoring_of(task).prompt),
      system_(scoring_of(task).system),
      has_system_(!scoring_of(task).system.empty()),
      pattern_(GradePattern::from_json(scoring_of(task).grade)),
      aggregation_(aggregation_from_string(scoring_of(task).aggregate)),
      reply_format_(scoring_of(task).reply_format),
      judges_(std::move(judges)),
      concurrency_(std::max(1, concurrency)) {
  if (reply_format_.empty())
    reply_format_ = fmt::format("your grade ({}) written as the prompt asks, so that it matches {}", pattern_.describe(),
                                pattern_.spec().pattern);
}

verifiers::Verdict JudgeScorer::score(const std::string&, const std::string&) const {
  throw verifiers::ScorerError("judge scorer: grading needs the item (score_item)");
}

nlohmann::json JudgeScorer::fields(const std::string& completion, const std::string& reference,
                                   const nlohmann::json& item) const {
  nlohmann::json row = nlohmann::json::object();
  if (item.is_object()) {
    for (const auto& [key, value] : item.items()) {
      row[key] = value;
      row["item." + key] = value;
    }
  }
  row["question"] = question_.render(item);
  row["reference"] = reference;
  row["answer"] = completion;
  return row;
}

std::string JudgeScorer::check_item(const nlohmann::json& item) const {
  try {
    auto row = fields("", "", item);
    prompt_.render(row);
    if (has_system_) system_.render(row);
    return "";
  } catch (const std::out_of_range& e) {
    return std::string("judge prompt: ") + e.what();
  }
}

verifiers::Verdict JudgeScorer::score_item(const verifiers::ScoringInput& input) const {
  if (judges_.empty()) throw verifiers::ScorerError("judge scorer: no judges");
  GradeTask task{{}, pattern_, reply_format_, input.replay};
  try {
    auto row = fields(input.completion, input.reference, input.item);
    if (has_system_) task.messages.push_back({"system", system_.render(row)});
    task.messages.push_back({"user", prompt_.render(row)});
  } catch (const std::out_of_range& e) {
    throw verifiers::ScorerError(std::string("judge prompt: ") + e.what());
  }
  PanelGrade panel;
  try {
    panel = panel_grade(judges_, task, aggregation_);
  } catch (const JudgeError& e) {
    throw verifiers::ScorerError(e.what());
  }
  verifiers::Verdict v;
  v.extracted = panel.grade.label;
  v.correct = panel.grade.passed;
  v.score = unit_score(panel.grade, pattern_);
  v.details = stored(panel);
  return v;
}

}  // namespace gauntlet::harness
