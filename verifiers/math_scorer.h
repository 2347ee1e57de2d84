#pragma once
// `math` scorer: extracts the final answer of a worked solution (math_extraction.h) and judges it
// against the reference's answer with the MathVerifier (math_verifier.h): normalised LaTeX,
// numbers with a tolerance, tuples, intervals and sets, and SymPy in the sandbox for the rest.
#include <string>

#include "verifiers/math_extraction.h"
#include "verifiers/math_verifier.h"
#include "verifiers/scorer.h"

namespace gauntlet::verifiers {

class MathScorer : public Scorer {
 public:
  // Options: tolerance (non-negative number, default 1e-6), fallback = "none" | "last_number",
  // symbolic = "true" | "false" (default true), symbolic_timeout_ms (positive integer, default 5000).
  // The symbolic checks use SymbolicChecker::shared(), started the first time an answer needs one.
  explicit MathScorer(const ScorerOptions& options);
  // The same with another checker (tests; a harness that owns its pool). Null: no symbolic checks.
  MathScorer(const ScorerOptions& options, SymbolicChecker* checker);
  // Throws ScorerError when an answer needs the symbolic check and its sandbox cannot start.
  Verdict score(const std::string& completion, const std::string& reference) const override;
  std::string name() const override { return "math"; }

 private:
  MathFallback fallback_ = MathFallback::kNone;
  MathVerifier verifier_;
};

}  // namespace gauntlet::verifiers
