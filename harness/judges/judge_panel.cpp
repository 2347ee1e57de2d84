#include "harness/judges/judge_panel.h"

#include <future>
#include <stdexcept>

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

nlohmann::json PanelVerdict::to_json() const {
  auto j = nlohmann::json::array();
  for (const auto& r : judgements) j.push_back(r.to_json());
  return {{"answer", yes}, {"yes_votes", yes_votes}, {"judges", j}};
}

PanelScores panel_score(const std::vector<Judge*>& judges, const RubricTask& task) {
  PanelScores out;
  out.judgements = ask_all<RubricJudgement>(judges, [&](Judge& j) { return j.score(task); });
  for (const auto& candidate : task.candidates) out.totals[candidate] = 0.0;
  for (const auto& r : out.judgements)
    for (const auto& [candidate, total] : r.totals) out.totals[candidate] += total;
  return out;
}

PanelVerdict panel_decide(const std::vector<Judge*>& judges, const VerdictTask& task) {
  PanelVerdict out;
  out.judgements = ask_all<VerdictJudgement>(judges, [&](Judge& j) { return j.decide(task); });
  for (const auto& r : out.judgements) out.yes_votes += r.yes;
  out.yes = 2 * out.yes_votes > static_cast<int>(out.judgements.size());
  return out;
}

}  // namespace gauntlet::harness
