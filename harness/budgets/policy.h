#pragma once
// BudgetPolicy: how a model's thinking is shaped, as a model entry's `budget:` block configures it
// (plain data; the reader is budgets/policy_reader.h, the decorator budgets/budget_client.h).
// `none` leaves requests as they are and adds nothing to the model's fingerprint.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

enum class BudgetKind {
  kNone,        // requests pass through unchanged
  kNoThinking,  // the assistant turn starts with `prefill` (a closed, near-empty think block)
  kEmptyThink,  // the chat template's own switch: chat_template_kwargs.enable_thinking = false
  kTrimR,       // thinking cut by TrimR's rules (budgets/trimr_policy.h)
  kParallel,    // n samples under an inner policy, one chosen (budgets/parallel_policy.h)
};

inline constexpr const char* kNoThinkingPrefill = "<think>\nOkay, I think I have finished thinking.\n</think>\n\n";

struct TrimRPolicy;
struct ParallelPolicy;

struct BudgetPolicy {
  BudgetKind kind = BudgetKind::kNone;
  std::string prefill = kNoThinkingPrefill;  // kNoThinking
  std::shared_ptr<const TrimRPolicy> trimr;        // kTrimR
  std::shared_ptr<const ParallelPolicy> parallel;  // kParallel

  const char* name() const;  // "none" | "nothinking" | "empty_think" | "trimr" | "parallel"
  // The policy and its parameters; null for kNone (so a model without a policy keeps its fingerprint).
  nlohmann::json fingerprint_json() const;
};

}  // namespace gauntlet::harness
