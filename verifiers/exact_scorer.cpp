#include "verifiers/exact_scorer.h"

#include "verifiers/answer_normalizer.h"
#include "verifiers/scorer_options.h"

namespace gauntlet::verifiers {

ExactScorer::ExactScorer(const ScorerOptions& options)
    : case_sensitive_(option_bool(options, "exact", "case_sensitive", false)) {}

Verdict ExactScorer::score(const std::string& completion, const std::string& reference) const {
  Verdict verdict;
  std::string answer = normalize_exact(completion, case_sensitive_);
  if (answer.empty()) return verdict;
  verdict.correct = answer == normalize_exact(reference, case_sensitive_);
  verdict.score = verdict.correct ? 1.0 : 0.0;
  verdict.extracted = std::move(answer);
  return verdict;
}

}  // namespace gauntlet::verifiers
