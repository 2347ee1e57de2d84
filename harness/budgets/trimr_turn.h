#pragma once
// One request under the `trimr` policy, on a provider that can continue a turn (blocking; run it
// on a worker thread). Segment 1 thinks under the cap (policy.rules.thinking_tokens) with
// stop_at_think_close, each token fed to a TrimRMonitor; how it ended decides what is appended
// before the answer segment (answer_tokens, the request's stop strings):
//   the monitor cut it (aborted)  the reason's prompt + close (converged: conclude_prompt,
//                                 underthinking: forceful_prompt, repetition: repetition_prompt)
//   the cap (length)              close alone; cut_reason "cap"
//   the model closed thinking     "</think>" (the token it emitted, which the segment held back); "none"
//   the model ended its turn, or the context is full: no answer segment.
// A converged cut with cut_at: boundary first rewinds the turn to the end of the thought that
// completed the run (Continuation::rewind; the bytes of a token that straddles it are appended
// again). The choice is the whole turn split at its think block (so the reasoning holds any
// injected prompt); its budget record: policy, params, thinking_tokens (kept), answer_tokens,
// cut_reason, cut_position (thinking tokens at the cut; the cap for "cap"; null for "none"),
// cut_at, rewound_tokens, injected, thoughts, thought_ends, verifier, verifier_calls, method,
// self_certainty. `cancelled` set before the answer segment ends the request as kCancelled.
#include <atomic>

#include "harness/budgets/thought_verifier.h"
#include "harness/budgets/trimr_policy.h"
#include "harness/clients/continuation.h"

namespace gauntlet::harness {

// The task as the user asked it: the request's last user message (its prompt when it has none).
std::string problem_text(const ChatRequest& request);

ChatResult run_trimr_turn(ContinuableClient& client, ThoughtVerifier& verifier, const TrimRPolicy& policy,
                          const ChatRequest& request, const std::atomic<bool>* cancelled = nullptr);

}  // namespace gauntlet::harness
