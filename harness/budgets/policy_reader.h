#pragma once
// Reading a model entry's `budget:` block into a BudgetPolicy: either a policy name
// (`budget: nothinking`) or a mapping (`budget: {policy: nothinking, prefill: "..."}`). Every problem
// is a ConfigError naming file:line and the key path (e.g. "models[0].budget.prefill").
#include <string>

#include "harness/budgets/policy.h"
#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {

// Absent or null: BudgetKind::kNone.
BudgetPolicy read_budget_block(MapReader& parent, const std::string& key);

}  // namespace gauntlet::harness
