#pragma once
// `exact` scorer: the completion is correct when it equals the reference after normalize_exact
// (trim, collapse whitespace, case-fold unless case_sensitive, strip one trailing period).
#include "verifiers/scorer.h"

namespace gauntlet::verifiers {

class ExactScorer : public Scorer {
 public:
  // Options: case_sensitive = "true" | "false" (default "false").
  explicit ExactScorer(const ScorerOptions& options);
  Verdict score(const std::string& completion, const std::string& reference) const override;
  std::string name() const override { return "exact"; }

 private:
  bool case_sensitive_ = false;
};

}  // namespace gauntlet::verifiers
