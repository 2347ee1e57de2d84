#pragma once
// CodeOutputVerifier: whether two Python value reprs denote equal values, decided in the sandbox by
// a job that runs only this verifier's own code; the texts travel as data on stdin and are never
// executed. Each text is read by a restricted evaluator over the syntax tree: literals, tuples,
// lists, sets, dicts, signs and complex literals, plus `inf`, `nan` and the constructors whose
// reprs are not literals (set, frozenset, tuple, list, dict, Counter, OrderedDict, deque, Decimal,
// Fraction, range, float, complex, bytes, bytearray). Equal means Python `==` (so 1 == 1.0 == True,
// as AZR's eval(gold) == eval(pred)), or the same type and repr (nan). When the gold text is no
// such value (a repr like "<object at 0x…>" or "defaultdict(<class 'int'>, …)") the two texts must
// match exactly after trimming; when only the prediction is none, they differ.
//
// Many pairs go in one job; if that job fails (a prediction that exhausts memory or time), each
// pair is retried alone so one bad prediction never sinks the others, and a pair whose own job
// fails is unequal.
#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/sandbox.h"

namespace gauntlet::verifiers {

class CodeOutputVerifier {
 public:
  explicit CodeOutputVerifier(sandbox::Sandbox& sandbox, int timeout_ms = 5000);

  bool equal(const std::string& gold, const std::string& predicted);
  // One verdict per (gold, predicted) pair, in order.
  std::vector<bool> equal(const std::vector<std::pair<std::string, std::string>>& pairs);

  // For each input text, "" when `f(<text>)` is exactly one call of f whose arguments are plain
  // literals (what ast.literal_eval reads), otherwise why not. Guards the abduction check against
  // inputs such as "0) or (1" that would turn the call into another expression.
  std::vector<std::string> literal_arguments(const std::vector<std::string>& inputs);

  long executions() const { return executions_.load(); }

 private:
  // Runs the helper in `mode` over items (JSON values); one JSON result per item, or nullopt for
  // an item whose job failed even alone.
  std::vector<std::optional<nlohmann::json>> run_helper(const std::string& mode,
                                                        const std::vector<nlohmann::json>& items);

  sandbox::Sandbox& sandbox_;
  int timeout_ms_;
  std::atomic<long> executions_{0};
};

}  // namespace gauntlet::verifiers
