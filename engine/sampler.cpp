#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace gauntlet::engine {

namespace {

// A uniform double in [0, 1) from the top 53 bits (same on every standard library).
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

int argmax(std::span<const float> logits) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < logits.size(); ++i)
    if (logits[i] > logits[best]) best = i;
  return static_cast<int>(best);
}

}  // namespace

std::vector<float> log_softmax(std::span<const float> logits) {
  double mx = -INFINITY;
  for (float l : logits) mx = std::max(mx, double(l));
  double sum = 0;
  for (float l : logits) sum += std::exp(double(l) - mx);
  const double log_z = mx + std::log(sum);
  std::vector<float> out(logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) out[i] = static_cast<float>(double(logits[i]) - log_z);
  return out;
}

Sampler::Sampler(const SamplingParams& params) : params_(params), rng_(params.seed) {}

SampledToken Sampler::sample(std::span<const float> all_logits, int choose_from) {
  if (all_logits.empty()) throw std::invalid_argument("Sampler::sample: empty logits");
  // Ids at or past choose_from (padding rows of the embedding) do not exist for this request: they
  // are never chosen, never listed, and take no probability mass, so the reported top-1 is the
  // greedy choice and the logprobs are those of the distribution sampled from.
  const std::size_t n =
      choose_from > 0 ? std::min(all_logits.size(), static_cast<std::size_t>(choose_from)) : all_logits.size();
  const std::span<const float> logits = all_logits.first(n);
  SampledToken out;
  out.id = choose(logits);
  // log p(id) = logit - log Σ exp(logits): one pass, then only the ids reported.
  const float mx = logits[static_cast<std::size_t>(argmax(logits))];
  double sum = 0;
  for (float l : logits) sum += std::exp(l - mx);  // f32 exp (fast), f64 sum
  const double log_z = double(mx) + std::log(sum);
  auto logprob = [&](int id) { return static_cast<float>(double(logits[static_cast<std::size_t>(id)]) - log_z); };
  out.logprob = logprob(out.id);
  if (params_.self_certainty) {
    // Eight partial sums (a fixed order, so the same logits give the same bits in any batch).
    double part[8] = {};
    const std::size_t n8 = logits.size() / 8 * 8;
    for (std::size_t i = 0; i < n8; i += 8)
      for (std::size_t k = 0; k < 8; ++k) part[k] += double(logits[i + k]);
    double logit_sum = 0;
    for (double s : part) logit_sum += s;
    for (std::size_t i = n8; i < logits.size(); ++i) logit_sum += double(logits[i]);
    std::size_t finite = logits.size();
    if (!std::isfinite(logit_sum)) {
      // Ids with a logit of -inf (a ban) are outside the distribution: V counts the others.
      logit_sum = 0;
      finite = 0;
      for (float l : logits) {
        if (std::isinf(l)) continue;
        logit_sum += double(l);
        ++finite;
      }
    }
    const double v = static_cast<double>(finite);
    // Σ_j log(V·p_j) = Σ_j logit_j - V·log_z + V·log V
    out.self_certainty = -(logit_sum - v * log_z) / v - std::log(v);
  }
  const int top = std::min<int>(params_.top_logprobs, static_cast<int>(logits.size()));
  if (top > 0) {
    std::vector<int> ids(logits.size());
    std::iota(ids.begin(), ids.end(), 0);
    std::partial_sort(ids.begin(), ids.begin() + top, ids.end(), [&](int a, int b) {
      return logits[static_cast<std::size_t>(a)] > logits[static_cast<std::size_t>(b)] ||
             (logits[static_cast<std::size_t>(a)] == logits[static_cast<std::size_t>(b)] && a < b);
    });
    for (int i = 0; i < top; ++i) out.top.push_back({ids[static_cast<std::size_t>(i)], logprob(ids[static_cast<std::size_t>(i)])});
  }
  return out;
}

int Sampler::choose(std::span<const float> logits) {
  if (params_.temperature <= 0) return argmax(logits);
  const int V = static_cast<int>(logits.size());
  const double inv_t = 1.0 / params_.temperature;
  const double mx = logits[static_cast<std::size_t>(argmax(logits))] * inv_t;
  // weights_[id] = p(id) / p_max after temperature (unnormalised), one exp per id.
  weights_.resize(static_cast<std::size_t>(V));
  for (int id = 0; id < V; ++id)
    weights_[static_cast<std::size_t>(id)] =
        std::exp(static_cast<float>(double(logits[static_cast<std::size_t>(id)]) * inv_t - mx));
  auto w = [&](int id) { return weights_[static_cast<std::size_t>(id)]; };
  auto higher = [&](int a, int b) { return w(a) > w(b) || (w(a) == w(b) && a < b); };

  // Candidates: every id in id order (no list needed), or, when something filters, the list order_:
  // the top_k (sorted, highest first), then cut by top-p / min-p.
  const bool filtered = (params_.top_k > 0 && params_.top_k < V) || params_.top_p < 1.0 || params_.min_p > 0.0;
  auto id_at = [&](int i) { return filtered ? order_[static_cast<std::size_t>(i)] : i; };
  int n = V;
  bool sorted = false;
  if (filtered) {
    order_.resize(static_cast<std::size_t>(V));
    std::iota(order_.begin(), order_.end(), 0);
  }
  if (params_.top_k > 0 && params_.top_k < V) {
    n = params_.top_k;
    std::partial_sort(order_.begin(), order_.begin() + n, order_.end(), higher);
    order_.resize(static_cast<std::size_t>(n));
    sorted = true;
  }
  double total = 0;
  for (int i = 0; i < n; ++i) total += w(id_at(i));

  if (params_.top_p < 1.0 || params_.min_p > 0.0) {
    // Both keep a prefix of the candidates sorted by probability: top-p the shortest prefix whose
    // mass reaches top_p, min-p those with p >= min_p · p_max. Vocabularies are large, so only a
    // growing prefix is sorted (selection + sort of the prefix), as far as needed.
    int keep = n;
    for (int m = std::min(n, 64);; m = std::min(n, m * 4)) {
      if (!sorted) {
        if (m < n) std::nth_element(order_.begin(), order_.begin() + m, order_.end(), higher);
        std::sort(order_.begin(), order_.begin() + m, higher);
      }
      double cum = 0;
      int cut = -1;
      for (int i = 0; i < m && cut < 0; ++i) {
        const double wi = w(order_[static_cast<std::size_t>(i)]);
        if (params_.min_p > 0.0 && wi < params_.min_p) cut = i;
        else if (params_.top_p < 1.0 && (cum += wi) >= params_.top_p * total) cut = i + 1;
      }
      if (cut >= 0) { keep = std::max(cut, 1); break; }
      if (m == n) break;
    }
    n = keep;
    order_.resize(static_cast<std::size_t>(n));
    total = 0;
    for (int i = 0; i < n; ++i) total += w(order_[static_cast<std::size_t>(i)]);
  }

  const double u = uniform01(rng_) * total;
  double cum = 0;
  for (int i = 0; i < n; ++i) {
    cum += w(id_at(i));
    if (u < cum) return id_at(i);
  }
  return id_at(n - 1);  // rounding at the top end
}

}  // namespace gauntlet::engine
