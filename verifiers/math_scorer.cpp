#include "verifiers/math_scorer.h"

#include "verifiers/scorer_options.h"

namespace gauntlet::verifiers {

namespace {

MathVerifierOptions verifier_options(const ScorerOptions& options) {
  MathVerifierOptions v;
  v.tolerance = option_non_negative_double(options, "math", "tolerance", v.tolerance);
  v.symbolic = option_bool(options, "math", "symbolic", v.symbolic);
  v.symbolic_timeout_ms = option_positive_int(options, "math", "symbolic_timeout_ms", v.symbolic_timeout_ms);
  return v;
}

}  // namespace

MathScorer::MathScorer(const ScorerOptions& options) : MathScorer(options, &SymbolicChecker::shared()) {}

MathScorer::MathScorer(const ScorerOptions& options, SymbolicChecker* checker)
    : fallback_(option_enum(options, "math", "fallback", {"none", "last_number"}, "none") == "last_number"
                    ? MathFallback::kLastNumber
                    : MathFallback::kNone),
      verifier_(verifier_options(options), checker) {}

Verdict MathScorer::score(const std::string& completion, const std::string& reference) const {
  Verdict verdict;
  verdict.extracted = extract_math_answer(completion, fallback_);
  if (!verdict.extracted) return verdict;
  MathVerdict judged = verifier_.verify(math_reference_answer(reference), *verdict.extracted);
  if (judged.unavailable) {
    throw ScorerError("math scorer: this answer needs a symbolic check, but " + judged.note +
                      " (scorer option symbolic: false scores without SymPy)");
  }
  verdict.correct = judged.equivalent;
  verdict.score = verdict.correct ? 1.0 : 0.0;
  return verdict;
}

}  // namespace gauntlet::verifiers
