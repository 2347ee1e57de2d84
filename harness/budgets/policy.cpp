#include "harness/budgets/policy.h"

namespace gauntlet::harness {

const char* BudgetPolicy::name() const {
  switch (kind) {
    case BudgetKind::kNoThinking: return "nothinking";
    case BudgetKind::kEmptyThink: return "empty_think";
    case BudgetKind::kNone: break;
  }
  return "none";
}

nlohmann::json BudgetPolicy::fingerprint_json() const {
  switch (kind) {
    case BudgetKind::kNone: return nullptr;
    case BudgetKind::kNoThinking: return {{"policy", name()}, {"prefill", prefill}};
    case BudgetKind::kEmptyThink: return {{"policy", name()}};
  }
  return nullptr;
}

}  // namespace gauntlet::harness
