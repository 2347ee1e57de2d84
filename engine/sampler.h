#pragma once
// Sampler: picks the next token from logits for one request. Filters apply in the order of HF
// transformers / vLLM: temperature, top-k, top-p, min-p; then a draw from the renormalised
// distribution. temperature <= 0 is greedy (argmax, ties to the lower id; uses no randomness).
// Each request owns its Sampler and its std::mt19937_64 seeded from the request seed, so a
// request's tokens depend only on its seed and logits, never on the rest of the batch.
// Reported log-probabilities are the log-softmax of the raw logits (before temperature / filters)
// over the ids the request may choose from: ids past `choose_from` (a checkpoint's vocabulary padded
// past its tokenizer's) are dropped before anything else, as vLLM drops padded vocabulary, so they
// are never sampled, never listed in `top`, and take no mass; greedy's token is always top[0].
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

namespace gauntlet::engine {

struct SamplingParams {
  double temperature = 1.0;  // <= 0: greedy
  int top_k = 0;             // <= 0: off
  double top_p = 1.0;        // >= 1: off
  double min_p = 0.0;        // <= 0: off; keeps p >= min_p · p_max
  std::uint64_t seed = 0;
  int top_logprobs = 0;      // alternatives reported per token (0: none)
  // Fill SampledToken::self_certainty (one more pass over the logits per token; off: no cost).
  bool self_certainty = false;
};

struct TokenLogprob {
  int id = 0;
  float logprob = 0;
};

struct SampledToken {
  int id = 0;
  float logprob = 0;               // of the chosen token
  std::vector<TokenLogprob> top;   // the top_logprobs most likely tokens, highest first
  // With SamplingParams::self_certainty: -1/V · Σ_j log(V · p_j) over the V ids the request may
  // choose from (ids whose logit is -inf, banned, not counted), p = the temperature-1 softmax of the raw logits (the model's own distribution,
  // the one the logprobs report, whatever the sampling filters), computed exactly in one pass as
  // -(Σ_j logit_j - V·logsumexp(logits))/V - log V; a sample's self-certainty (Kang et al. 2025)
  // is the mean of these over its tokens. NaN when not asked for.
  double self_certainty = std::numeric_limits<double>::quiet_NaN();
};

class Sampler {
 public:
  explicit Sampler(const SamplingParams& params);

  // Chooses among ids [0, choose_from) (all when <= 0 or beyond the logits: checkpoints pad their
  // vocabulary past the tokenizer's); log-probabilities and alternatives are over those ids only.
  SampledToken sample(std::span<const float> logits, int choose_from = 0);
  const SamplingParams& params() const { return params_; }

 private:
  int choose(std::span<const float> logits);

  SamplingParams params_;
  std::mt19937_64 rng_;
  std::vector<int> order_;     // scratch: candidate ids
  std::vector<double> weights_;  // scratch: per id, p / p_max after temperature
};

// log-softmax(logits)[id] for every id, in double for accuracy, returned as f32.
std::vector<float> log_softmax(std::span<const float> logits);

}  // namespace gauntlet::engine
