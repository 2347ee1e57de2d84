#include "harness/judges/judge_panel.h"

#include <future>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/judges/judge_error.h"

namespace gauntlet::harness {
namespace {

// Runs `ask` for every judge at once; rethrows the first failure (in panel order) once all ended.
template <typename Result, typename Ask>
std::vector<Result> ask_all(const std::vector<Judge*>& judges, Ask ask) {
  if (judges.empty()) throw std::invalid_argument("a judge panel needs at least one judge");
  std::vector<std::future<Result>> futures;
  for (Judge* j : judges) futures.push_back(std::async(std::launch::async, [j, &ask] { return ask(*j); }));
  std::vector<Result> out;
  std::exception_ptr failure;
  for (auto& f : futures) {
    try {
      out.push_back(f.get());
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace

nlohmann::json PanelScores::to_json() const {
  auto j = nlohmann::json::array();
  for (const auto& r : judgements) j.push_back(r.to_json());
  return {{"totals", totals}, {"judges", j}};
}

Aggregation aggregation_from_string(const std::string& name) {
  if (name == "majority") return Aggregation::kMajority;
  if (name == "mean") return Aggregation::kMean;
  throw std::invalid_argument(fmt::format("unknown aggregation '{}' (valid: majority, mean)", name));
}

const char* to_string(Aggregation aggregation) { return aggregation == Aggregation::kMean ? "mean" : "majority"; }

nlohmann::json PanelGrade::to_json() const {
  auto j = nlohmann::json::array();
  for (const auto& r : judgements) j.push_back(r.to_json());
  return {{"aggregation", to_string(aggregation)}, {"grade", grade.to_json()}, {"passed_votes", passed_votes},
          {"judges", j}};
}

Grade aggregate_grades(const std::vector<Grade>& grades, const GradePattern& pattern, Aggregation aggregation) {
  if (grades.empty()) throw std::invalid_argument("no grades to aggregate");
  Grade out;
  if (aggregation == Aggregation::kMean) {
    double sum = 0.0;
    for (const auto& g : grades) sum += g.value;
    out.value = sum / static_cast<double>(grades.size());
    out.label = fmt::format("{}", out.value);
  } else {
    // Votes per label; the most votes wins, ties to the lowest value.
    std::map<std::string, std::pair<int, double>> votes;
    for (const auto& g : grades) {
      auto& v = votes[g.label];
      ++v.first;
      v.second = g.value;
    }
    const std::pair<const std::string, std::pair<int, double>>* best = nullptr;
    for (const auto& entry : votes)
      if (!best || entry.second.first > best->second.first ||
          (entry.second.first == best->second.first && entry.second.second < best->second.second))
        best = &entry;
    out.label = best->first;
    out.value = best->second.second;
  }
  out.passed = out.value >= pattern.pass_at();
  return out;
}

PanelScores panel_score(const std::vector<Judge*>& judges, const RubricTask& task) {
  PanelScores out;
  out.judgements = ask_all<RubricJudgement>(judges, [&](Judge& j) { return j.score(task); });
  for (const auto& candidate : task.candidates) out.totals[candidate] = 0.0;
  for (const auto& r : out.judgements)
    for (const auto& [candidate, total] : r.totals) out.totals[candidate] += total;
  return out;
}

PanelGrade panel_grade(const std::vector<Judge*>& judges, const GradeTask& task, Aggregation aggregation) {
  PanelGrade out;
  out.aggregation = aggregation;
  out.judgements = ask_all<GradeJudgement>(judges, [&](Judge& j) { return j.grade(task); });
  std::vector<Grade> grades;
  for (const auto& r : out.judgements) {
    grades.push_back(r.grade);
    out.passed_votes += r.grade.passed;
  }
  out.grade = aggregate_grades(grades, task.pattern, aggregation);
  return out;
}

}  // namespace gauntlet::harness
