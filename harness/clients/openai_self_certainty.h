#pragma once
// Self-certainty over HTTP, approximated from a token's top logprobs (budgets.md §1.3:
// SC = -1/V * sum_j log(V * p_j) per token). The server shows only the k most likely tokens (and the
// sampled one); the mass they leave, r = 1 - sum_k p, is taken as spread evenly over the V - k
// tokens not shown. The exact per-token value, from the full distribution, is the engine's
// (engine/sampler.h) and harness/budgets/self_certainty.h's; this one stays with the provider that
// needs it (clients/ never includes budgets/).
#include <cstdint>

#include "harness/clients/chat.h"

namespace gauntlet::harness {

// One token's approximate self-certainty:
//   -log V - (1/V) * ( sum_{shown j} logprob_j + (V - k) * log(r / (V - k)) )
// over the distinct tokens shown (the top alternatives plus the sampled token when it is not among
// them), k of them. r is clamped below at 2^-52 (the shown mass rounds to 1: the rest is below what
// a double can tell). NaN when vocab_size <= 0 (unknown), when nothing is shown, or when k > V.
double approximate_self_certainty(const TokenLogprob& token, std::int64_t vocab_size);

}  // namespace gauntlet::harness
