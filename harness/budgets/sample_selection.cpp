#include "harness/budgets/sample_selection.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

namespace gauntlet::harness {

const char* to_string(SelectMethod method) {
  switch (method) {
    case SelectMethod::kVerifier: return "verifier";
    case SelectMethod::kBorda: return "borda";
    case SelectMethod::kMajority: return "majority";
    case SelectMethod::kSelfCertainty: break;
  }
  return "self_certainty";
}

std::optional<SelectMethod> select_method_named(const std::string& name) {
  for (auto m : {SelectMethod::kVerifier, SelectMethod::kSelfCertainty, SelectMethod::kBorda, SelectMethod::kMajority})
    if (name == to_string(m)) return m;
  return std::nullopt;
}

std::vector<int> rank_by_self_certainty(const std::vector<SampleSummary>& samples) {
  std::vector<int> order(samples.size());
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](int i) {
    const double sc = samples[static_cast<std::size_t>(i)].self_certainty;
    return std::isnan(sc) ? -INFINITY : sc;
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) > key(b); });
  return order;
}

namespace {

bool any_answer(const std::vector<SampleSummary>& samples) {
  return std::any_of(samples.begin(), samples.end(), [](const SampleSummary& s) { return s.answer.has_value(); });
}

Selection highest(const std::vector<SampleSummary>& samples) {
  Selection s;
  s.chosen = rank_by_self_certainty(samples).front();
  s.decided_by = SelectMethod::kSelfCertainty;
  return s;
}

Selection borda(const std::vector<SampleSummary>& samples, double p) {
  if (!any_answer(samples)) return highest(samples);
  const auto order = rank_by_self_certainty(samples);
  const double n = static_cast<double>(samples.size());
  std::map<std::string, double> weight;
  std::map<std::string, int> best_rank;  // 0-based rank of the answer's best sample
  for (std::size_t r = 0; r < order.size(); ++r) {
    const auto& answer = samples[static_cast<std::size_t>(order[r])].answer;
    if (!answer) continue;
    weight[*answer] += std::pow(n - static_cast<double>(r), p);  // rank r+1 weighs (N - (r+1) + 1)^p
    best_rank.emplace(*answer, static_cast<int>(r));
  }
  const std::string* win = nullptr;
  for (const auto& [answer, w] : weight) {
    if (win == nullptr || w > weight[*win] || (w == weight[*win] && best_rank[answer] < best_rank[*win])) win = &answer;
  }
  Selection s;
  s.chosen = order[static_cast<std::size_t>(best_rank[*win])];
  s.decided_by = SelectMethod::kBorda;
  s.votes = nlohmann::json::object();
  for (const auto& [answer, w] : weight) s.votes[answer] = w;
  return s;
}

Selection majority(const std::vector<SampleSummary>& samples) {
  if (!any_answer(samples)) return highest(samples);
  std::map<std::string, int> count;
  std::map<std::string, int> first;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!samples[i].answer) continue;
    ++count[*samples[i].answer];
    first.emplace(*samples[i].answer, static_cast<int>(i));
  }
  const std::string* win = nullptr;
  for (const auto& [answer, c] : count)
    if (win == nullptr || c > count[*win] || (c == count[*win] && first[answer] < first[*win])) win = &answer;
  Selection s;
  s.chosen = first[*win];
  s.decided_by = SelectMethod::kMajority;
  s.votes = nlohmann::json::object();
  for (const auto& [answer, c] : count) s.votes[answer] = c;
  return s;
}

}  // namespace

Selection select_sample(const std::vector<SampleSummary>& samples, SelectMethod method, double borda_p,
                        SelectMethod fallback) {
  if (samples.empty()) throw std::invalid_argument("select_sample: no samples");
  switch (method) {
    case SelectMethod::kVerifier: {
      for (std::size_t i = 0; i < samples.size(); ++i) {
        if (samples[i].check.value_or(false)) {
          Selection s;
          s.chosen = static_cast<int>(i);
          s.decided_by = SelectMethod::kVerifier;
          return s;
        }
      }
      if (fallback == SelectMethod::kVerifier) fallback = SelectMethod::kBorda;
      return select_sample(samples, fallback, borda_p, fallback);
    }
    case SelectMethod::kBorda: return borda(samples, borda_p);
    case SelectMethod::kMajority: return majority(samples);
    case SelectMethod::kSelfCertainty: break;
  }
  return highest(samples);
}

}  // namespace gauntlet::harness
