#pragma once
// MathVerifier: is a predicted math answer equivalent to the gold one? Both are normalised
// (math_normalizer.h), parsed into their shape (math_answer.h) and compared part by part with the
// cheapest check that can decide:
//   exact    - the normalised texts are identical; or text / shapes that cannot match (a tuple
//              against a number, an interval with other brackets, a different number of items)
//   numeric  - both sides are constants: integers compare exactly; otherwise relative `tolerance`
//              when either side was written with a decimal, else 1e-10 (exact forms such as
//              \frac{\sqrt{3}}{2}); a percentage matches its number and its fraction (50% = 50 = 0.5)
//   symbolic - SymPy in the sandbox (symbolic_checker.h), for expressions with variables, exact
//              forms of 1e15 or more (beyond double precision), equations, or constants that do not
//              evaluate to a real number (complex, undefined); all
//              the pairs one answer needs go in one sandbox job
//   none     - nothing decided: no answer, or the symbolic check was needed but is off, could not
//              start, timed out or was inconclusive (`note` says which). The verdict is then false.
// Tuples compare in order; sets ("1, 2", "\{1, 2\}", "a \pm b", unions of intervals) as a
// matching in any order. A verdict's method is the costliest check its deciding parts used.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "verifiers/symbolic_checker.h"

namespace gauntlet::verifiers {

enum class MathMethod { kExact, kNumeric, kSymbolic, kNone };
const char* to_string(MathMethod method);

struct MathVerifierOptions {
  double tolerance = 1e-6;        // relative, for numbers written with decimals
  bool symbolic = true;           // use SymPy when the cheaper checks cannot decide
  int symbolic_timeout_ms = 5000;  // CPU time of the one SymPy job per verification
};

struct MathVerdict {
  bool equivalent = false;
  std::string gold_norm;
  std::string pred_norm;
  MathMethod method = MathMethod::kNone;
  std::string note;          // with method "none": why nothing decided ("" when there was simply no match)
  bool unavailable = false;  // the symbolic check was needed but its sandbox could not start

  // {"equivalent", "gold_norm", "pred_norm", "method"} in that order, and "note" when there is one.
  nlohmann::ordered_json to_json() const;
};

class MathVerifier {
 public:
  // `checker` runs the symbolic checks; null means none (as with options.symbolic = false).
  explicit MathVerifier(MathVerifierOptions options = {}, SymbolicChecker* checker = nullptr);

  // Compares two answers (already extracted from their solutions; see math_extraction.h).
  MathVerdict verify(std::string_view gold, std::string_view pred) const;

 private:
  MathVerifierOptions options_;
  SymbolicChecker* checker_;
};

}  // namespace gauntlet::verifiers
