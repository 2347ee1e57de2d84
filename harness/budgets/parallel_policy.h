#pragma once
// ParallelPolicy: the `parallel` budget policy's settings (plain data; read by
// budgets/policy_reader.cpp, run by budgets/parallel_turn.h): n independent samples, each under
// the inner policy `of`, one chosen by `select` (budgets/sample_selection.h).
#include <nlohmann/json.hpp>

#include "harness/budgets/policy.h"
#include "harness/budgets/sample_selection.h"
#include "harness/budgets/verifier_options.h"

namespace gauntlet::harness {

struct ParallelPolicy {
  int n = 4;
  BudgetPolicy of;  // each sample's policy (none, nothinking, empty_think, budget, trimr; not parallel)
  SelectMethod select = SelectMethod::kVerifier;
  SelectMethod fallback = SelectMethod::kBorda;  // when `verifier` has no check (or none passed)
  double borda_p = 1.0;
  ExtractOptions answer;  // a sample's answer (borda, majority): `pattern`, else the math extraction

  nlohmann::json fingerprint_json() const;
};

}  // namespace gauntlet::harness
