#pragma once
// SymbolicChecker: decides whether pairs of math expressions are equal with SymPy, run in a
// sandbox pool (sandbox/sandbox.h) whose workers expose only the sympy and mpmath packages, have
// imported SymPy and loaded the checking program (sympy_check_program.h) before their first job.
// The pool starts on the first compare() that needs it, so configurations that never need a
// symbolic check never pay for it. Thread-safe.
//
// Where the sandbox cannot start (no namespaces, SymPy not installed), compare() reports it in the
// batch (unavailable, with the sandbox's message) instead of throwing, and does not retry.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "verifiers/lazy_sandbox.h"
#include "verifiers/math_expression.h"

namespace gauntlet::sandbox {
class Sandbox;
}

namespace gauntlet::verifiers {

struct SymbolicCheckerOptions {
  int lanes = 0;                              // 0: up to two, never more than the cores
  bool allow_insecure_no_isolation = false;   // passed to the sandbox (UNSAFE; see sandbox.h)
  std::string python = "/usr/bin/python3";
};

enum class SymbolicResult { kEqual, kDifferent, kUnknown };

struct SymbolicBatch {
  std::vector<SymbolicResult> results;  // one per pair, in order; all kUnknown when the check did not run
  std::vector<std::string> details;     // per pair: why SymPy could not decide, or ""
  std::string error;                    // set when the check did not run or did not finish (timeout, ...)
  bool unavailable = false;             // the sandbox could not be started: a setup problem, not the answer's
  bool isolated = true;                 // false: ran with allow_insecure_no_isolation and no namespaces
  double wall_ms = 0;                   // time of the sandbox job
};

class SymbolicChecker {
 public:
  explicit SymbolicChecker(SymbolicCheckerOptions options = {});
  ~SymbolicChecker();
  SymbolicChecker(const SymbolicChecker&) = delete;
  SymbolicChecker& operator=(const SymbolicChecker&) = delete;

  // Compares each (gold, pred) pair in one sandbox job limited to `timeout_ms` of CPU time.
  SymbolicBatch compare(const std::vector<std::pair<MathExpr, MathExpr>>& pairs, int timeout_ms);

  // Whether the started pool has namespaces; nullopt while it has not been started (or could not be).
  std::optional<bool> isolated();

  // The process-wide checker the `math` scorer uses (isolated, default lanes), started on first use.
  static SymbolicChecker& shared();

 private:
  sandbox::Sandbox* pool(std::string& error);

  SymbolicCheckerOptions options_;
  LazySandbox pool_;  // SymPy-ready workers, started by the first check that needs them
};

}  // namespace gauntlet::verifiers
