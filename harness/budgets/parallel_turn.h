#pragma once
// One request under the `parallel` policy: n samples submitted at once to `inner` (a client that
// applies the inner policy; the engine batches them), each a copy of the request with n = 1,
// self_certainty asked for, and seed s·n + i for sample i, where s is the request's seed (its
// sample_index when unset), so repeats never share a seed. When the last sample is back, the
// successful ones are summarised (answer: ExtractOptions on the final text, normalised by the math
// normaliser; self-certainty: the sample's budget record "self_certainty"; check: the request's
// answer_check on the final text, when the runner set one) and one is chosen
// (budgets/sample_selection.h). The result is the chosen sample's, with usage summed over all
// samples, the group's wall time as latency, and a budget record: policy, params, n, select,
// decided_by, chosen, votes, samples [{index, seed, text, answer, self_certainty, check?,
// finish_reason, completion_tokens, reasoning_tokens, record | error}], thinking_tokens and
// answer_tokens (summed over every sample: the group's cost). Fails only when every
// sample failed (with the first sample's error).
#include "harness/budgets/parallel_policy.h"
#include "harness/clients/model_client.h"

namespace gauntlet::harness {

// `inner` must outlive the callback; `done` runs once, on the thread of the last sample's callback.
void run_parallel(ModelClient& inner, const ParallelPolicy& policy, ChatRequest request, ModelClient::Callback done);

// The normalised answer of a final text under `options` (nullopt when none is found).
std::optional<std::string> final_answer_key(const std::string& text, const ExtractOptions& options);

}  // namespace gauntlet::harness
