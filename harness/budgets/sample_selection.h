#pragma once
// Choosing one of N parallel samples (the `parallel` policy; budgets.md §1.3). Each sample has an
// answer key (its extracted final answer, normalised; none when nothing was found), its
// self-certainty (NaN when unknown) and, when the task can check an answer without its reference,
// that check's verdict. Methods, each deterministic:
//   self_certainty  the highest SC; ties (and NaN, which ranks below every number) to the lower index.
//   borda           samples ranked by SC (rank 1 = highest, ties and NaN as above); rank r weighs
//                   (N - r + 1)^p; weights summed per distinct answer (samples without an answer
//                   take their rank but give their weight to nobody); the answer with the largest
//                   sum wins, ties to the answer holding the better-ranked sample; the chosen sample
//                   is that answer's best-ranked one.
//   majority        the most frequent answer; ties to the answer that occurs first (lowest index);
//                   the chosen sample is its first occurrence.
//   verifier        the first sample (by index) whose check passed; when no check passed, or there
//                   are no checks, the fallback method decides.
// Whenever no sample has an answer, borda and majority choose by self_certainty.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

enum class SelectMethod { kVerifier, kSelfCertainty, kBorda, kMajority };
const char* to_string(SelectMethod method);   // "verifier" | "self_certainty" | "borda" | "majority"
std::optional<SelectMethod> select_method_named(const std::string& name);

struct SampleSummary {
  std::optional<std::string> answer;
  double self_certainty = 0.0;
  std::optional<bool> check;  // the task's own check of the sample's text, when it has one
};

struct Selection {
  int chosen = 0;
  SelectMethod decided_by = SelectMethod::kSelfCertainty;  // the method that actually chose
  nlohmann::json votes;  // borda: {answer: weight}, majority: {answer: count}; null otherwise
};

// `samples` non-empty; p: Borda's exponent.
Selection select_sample(const std::vector<SampleSummary>& samples, SelectMethod method, double borda_p = 1.0,
                        SelectMethod fallback = SelectMethod::kBorda);
// Ranks by self-certainty: order[0] is the best sample's index.
std::vector<int> rank_by_self_certainty(const std::vector<SampleSummary>& samples);

}  // namespace gauntlet::harness
