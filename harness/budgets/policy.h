#pragma once
// BudgetPolicy: how a model's thinking is shaped, as a model entry's `budget:` block configures it
// (plain data; the reader is budgets/policy_reader.h, the decorator budgets/budget_client.h).
// `none` leaves requests as they are and adds nothing to the model's fingerprint.
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

enum class BudgetKind {
  kNone,        // requests pass through unchanged
  kNoThinking,  // the assistant turn starts with `prefill` (a closed, near-empty think block)
  kEmptyThink,  // the chat template's own switch: chat_template_kwargs.enable_thinking = false
  kBudget,      // s1 budget forcing: cap thinking at thinking_tokens, then close (+ cue) and answer;
                // extend a too-early close with `extend` (budgets/budget_forcing.h)
  kTrimR,       // thinking cut by TrimR's rules (budgets/trimr_policy.h)
  kParallel,    // n samples under an inner policy, one chosen (budgets/parallel_policy.h)
};

inline constexpr const char* kNoThinkingPrefill = "<think>\nOkay, I think I have finished thinking.\n</think>\n\n";
inline constexpr const char* kBudgetClose = "\n</think>\n\n";
inline constexpr int kDefaultAnswerTokens = 512;  // kBudget without answer_tokens or a request max_tokens

struct TrimRPolicy;
struct ParallelPolicy;

struct BudgetPolicy {
  BudgetKind kind = BudgetKind::kNone;
  std::string prefill = kNoThinkingPrefill;  // kNoThinking
  std::shared_ptr<const TrimRPolicy> trimr;        // kTrimR
  std::shared_ptr<const ParallelPolicy> parallel;  // kParallel

  // kBudget (every field in the fingerprint):
  int thinking_tokens = 0;          // N: generated thinking tokens at most (> 0)
  std::optional<int> answer_tokens; // the answer's limit; unset: the request's max_tokens, else kDefaultAnswerTokens
  std::string cue;                  // appended after `close` when the cap cuts thinking (e.g. "Final Answer:")
  std::string close = kBudgetClose; // appended at the cap
  int min_thinking_tokens = 0;      // a close before this many thinking tokens is replaced by `extend`
  std::string extend = "Wait";
  int max_extensions = 0;           // extensions at most (the reader's default: 1 when min_thinking_tokens > 0)

  const char* name() const;  // "none" | "nothinking" | "empty_think" | "budget" | "trimr" | "parallel"
  // The policy and its parameters; null for kNone (so a model without a policy keeps its fingerprint).
  nlohmann::json fingerprint_json() const;
};

}  // namespace gauntlet::harness
