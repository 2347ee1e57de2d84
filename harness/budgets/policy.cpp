#include "harness/budgets/policy.h"

#include "harness/budgets/parallel_policy.h"
#include "harness/budgets/trimr_policy.h"

namespace gauntlet::harness {

const char* BudgetPolicy::name() const {
  switch (kind) {
    case BudgetKind::kNoThinking: return "nothinking";
    case BudgetKind::kEmptyThink: return "empty_think";
    case BudgetKind::kBudget: return "budget";
    case BudgetKind::kTrimR: return "trimr";
    case BudgetKind::kParallel: return "parallel";
    case BudgetKind::kNone: break;
  }
  return "none";
}

nlohmann::json BudgetPolicy::fingerprint_json() const {
  switch (kind) {
    case BudgetKind::kNone: return nullptr;
    case BudgetKind::kNoThinking: return {{"policy", name()}, {"prefill", prefill}};
    case BudgetKind::kEmptyThink: return {{"policy", name()}};
    case BudgetKind::kBudget: {
      nlohmann::json j = {{"policy", name()}, {"thinking_tokens", thinking_tokens}};
      j["answer_tokens"] = answer_tokens ? nlohmann::json(*answer_tokens) : nlohmann::json(nullptr);
      j["cue"] = cue;
      j["close"] = close;
      j["min_thinking_tokens"] = min_thinking_tokens;
      j["extend"] = extend;
      j["max_extensions"] = max_extensions;
      return j;
    }
    case BudgetKind::kTrimR: {
      nlohmann::json j = trimr->fingerprint_json();
      j["policy"] = name();
      return j;
    }
    case BudgetKind::kParallel: {
      nlohmann::json j = parallel->fingerprint_json();
      j["policy"] = name();
      return j;
    }
  }
  return nullptr;
}

}  // namespace gauntlet::harness
