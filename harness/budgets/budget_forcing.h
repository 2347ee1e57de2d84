#pragma once
// Budget forcing (s1, budgets.md §2), policy `budget`: one assistant turn in segments on a
// ContinuableClient (clients/continuation.h).
//  - Thinking: segments with stop_at_think_close and max_tokens = thinking_tokens minus the thinking
//    tokens generated so far.
//  - The model closes thinking before min_thinking_tokens with extensions left: its close is not
//    committed; `extend` is appended verbatim (no separator added) and thinking goes on.
//  - The model closes thinking otherwise: its own delimiter (`close` without surrounding whitespace,
//    "</think>") is appended, as if committed, and the answer follows (no cue).
//  - The cap (thinking_tokens generated, the block still open): `close` then `cue` are appended
//    (cut_reason "cap", cut_position = thinking tokens at the cut) and the answer follows.
//  - Answer: one segment of answer_tokens (the policy's, else the request's max_tokens, else
//    kDefaultAnswerTokens); finish_reason is its finish.
//  - A turn that is not thinking (the provider says no think block is open when the first segment
//    reaches the cap, e.g. a template with thinking off): nothing is appended; the text so far is
//    answer and continues as the answer segment with the rest of the answer limit. A turn that ends
//    inside thinking (eos, a stop string, the context) has no answer segment.
// The Choice: reasoning = the text before the appended close (extension text included), text = what
// follows it (the cue included), split as the engine client splits (reasoning trimmed, answer's
// leading whitespace dropped); token_ids = every generated id in order (appended ids excluded);
// usage: completion_tokens = generated tokens, reasoning_tokens = generated thinking tokens.
// Choice::budget = {policy, params, thinking_tokens, answer_tokens, cut_reason "cap"|"none",
// cut_position (null unless cap), extensions, method, segments: [{mode, appended_tokens, tokens, finish}]}.
// n > 1: n turns one after another, turn i seeded seed + i (as the engine seeds choice i).
#include <atomic>

#include "harness/budgets/policy.h"
#include "harness/clients/chat.h"
#include "harness/clients/continuation.h"

namespace gauntlet::harness {

// Runs the request under `policy` (kind kBudget). Failures come back in the ChatResult (error,
// failure), never thrown; `cancelled` set before a segment starts ends the request as kCancelled.
ChatResult run_budget_forcing(ContinuableClient& client, const ChatRequest& request, const BudgetPolicy& policy,
                              const std::atomic<bool>* cancelled = nullptr);

}  // namespace gauntlet::harness
