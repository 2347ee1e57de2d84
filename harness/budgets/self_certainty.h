#pragma once
// Self-certainty (Kang et al. 2025; budgets.md §1.3): how far a sample's next-token distributions
// are from uniform, averaged over its n tokens, V the vocabulary size:
//   SC(y) = -1/(n·V) · Σ_i Σ_j log(V · p_ij)
// The engine computes each token's inner sum Σ_j log(V · p_ij) = V·log V + Σ_j log p_ij from the
// full distribution while decoding (engine/sampler.h, SampledToken::log_v_p_sum); providers carry
// the per-token values -1/V · Σ_j log(V · p_ij) summed over a segment (SegmentResult::
// self_certainty_sum), so SC = (sum of those sums) / n. Higher means more certain; SC >= 0, with
// equality exactly for uniform distributions.
#include <cstdint>
#include <span>

namespace gauntlet::harness {

// -1/V · Σ_j log(V · p_j) for one token, from log-probabilities over the whole vocabulary.
double token_self_certainty(std::span<const double> log_probs);
// SC of a sample from the summed per-token values and the token count; NaN when n <= 0.
double self_certainty(double token_sum, std::int64_t n);

}  // namespace gauntlet::harness
