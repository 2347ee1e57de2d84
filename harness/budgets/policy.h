#pragma once
// BudgetPolicy: how a model's thinking is shaped, as a model entry's `budget:` block configures it
// (plain data; the reader is budgets/policy_reader.h, the decorator budgets/budget_client.h).
// `none` leaves requests as they are and adds nothing to the model's fingerprint.
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

enum class BudgetKind {
  kNone,        // requests pass through unchanged
  kNoThinking,  // the assistant turn starts with `prefill` (a closed, near-empty think block)
  kEmptyThink,  // the chat template's own switch: chat_template_kwargs.enable_thinking = false
};

inline constexpr const char* kNoThinkingPrefill = "<think>\nOkay, I think I have finished thinking.\n</think>\n\n";

struct BudgetPolicy {
  BudgetKind kind = BudgetKind::kNone;
  std::string prefill = kNoThinkingPrefill;  // kNoThinking

  const char* name() const;  // "none" | "nothinking" | "empty_think"
  // The policy and its parameters; null for kNone (so a model without a policy keeps its fingerprint).
  nlohmann::json fingerprint_json() const;
};

}  // namespace gauntlet::harness
