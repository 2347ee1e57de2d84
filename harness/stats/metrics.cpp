#include "harness/stats/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

namespace gauntlet::harness {

// Uniform index in [0, n) from the generator by rejection sampling, so results depend only on
// std::mt19937_64's (standardised) output and not on the library's distribution implementation.
std::size_t uniform_index(std::mt19937_64& rng, std::size_t n) {
  const std::uint64_t range = static_cast<std::uint64_t>(n);
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              (std::numeric_limits<std::uint64_t>::max() % range + 1) % range;
  std::uint64_t draw = rng();
  while (draw > limit) draw = rng();
  return static_cast<std::size_t>(draw % range);
}

// Linear-interpolated quantile of sorted values (the usual "type 7" definition), q in [0, 1].
double sorted_quantile(const std::vector<double>& sorted, double q) {
  double position = q * static_cast<double>(sorted.size() - 1);
  auto lower = static_cast<std::size_t>(std::floor(position));
  std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  double fraction = position - static_cast<double>(lower);
  return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
}


std::pair<double, double> wilson_interval(std::int64_t correct, std::int64_t n, double z) {
  if (n < 0 || correct < 0 || correct > n) {
    throw std::invalid_argument("wilson_interval: need 0 <= correct <= n, got correct=" + std::to_string(correct) +
                                " n=" + std::to_string(n));
  }
  if (n == 0) return {0.0, 0.0};
  return wilson_interval_p(static_cast<double>(correct) / static_cast<double>(n), static_cast<double>(n), z);
}

std::pair<double, double> wilson_interval_p(double p, double trials, double z) {
  if (!(trials > 0) || !(p >= 0 && p <= 1))
    throw std::invalid_argument("wilson_interval_p: need 0 <= p <= 1 and n > 0, got p=" + std::to_string(p) +
                                " n=" + std::to_string(trials));
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / trials;
  const double center = (p + z2 / (2.0 * trials)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / trials + z2 / (4.0 * trials * trials)) / denominator;
  return {std::clamp(center - half, 0.0, 1.0), std::clamp(center + half, 0.0, 1.0)};
}

std::pair<double, double> bootstrap_interval(const std::vector<double>& item_scores, int iterations,
                                             std::uint64_t seed, double confidence) {
  if (item_scores.empty()) return {0.0, 0.0};
  if (iterations < 1) {
    throw std::invalid_argument("bootstrap_interval: iterations must be >= 1, got " + std::to_string(iterations));
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("bootstrap_interval: confidence must be in (0, 1), got " + std::to_string(confidence));
  }
  std::mt19937_64 rng(seed);
  const std::size_t n = item_scores.size();
  std::vector<double> means;
  means.reserve(static_cast<std::size_t>(iterations));
  for (int it = 0; it < iterations; ++it) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += item_scores[uniform_index(rng, n)];
    means.push_back(sum / static_cast<double>(n));
  }
  std::sort(means.begin(), means.end());
  const double tail = (1.0 - confidence) / 2.0;
  return {sorted_quantile(means, tail), sorted_quantile(means, 1.0 - tail)};
}

double pass_at_k(int n, int c, int k) {
  if (n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw std::invalid_argument("pass_at_k: need 0 <= c <= n and 1 <= k <= n, got n=" + std::to_string(n) +
                                " c=" + std::to_string(c) + " k=" + std::to_string(k));
  }
  if (n - c < k) return 1.0;
  // 1 - C(n-c, k) / C(n, k) = 1 - prod_{i=n-c+1}^{n} (1 - k / i)
  double product = 1.0;
  for (int i = n - c + 1; i <= n; ++i) product *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
  return 1.0 - product;
}

double mean_pass_at_k(const std::vector<std::pair<int, int>>& items, int k) {
  if (k < 1) throw std::invalid_argument("mean_pass_at_k: k must be >= 1, got " + std::to_string(k));
  double sum = 0.0;
  int counted = 0;
  for (const auto& [n, c] : items) {
    if (n < k) continue;
    sum += pass_at_k(n, c, k);
    ++counted;
  }
  if (counted == 0) return std::numeric_limits<double>::quiet_NaN();
  return sum / counted;
}

}  // namespace gauntlet::harness
