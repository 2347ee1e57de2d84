#include "harness/budgets/policy.h"

namespace gauntlet::harness {

const char* BudgetPolicy::name() const {
  switch (kind) {
    case BudgetKind::kNoThinking: return "nothinking";
    case BudgetKind::kEmptyThink: return "empty_think";
    case BudgetKind::kBudget: return "budget";
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
  }
  return nullptr;
}

}  // namespace gauntlet::harness
