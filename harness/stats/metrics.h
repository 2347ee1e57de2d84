#pragma once
// Estimators for suite reports: accuracy confidence intervals and unbiased pass@k.
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace gauntlet::harness {

// 95% Wilson score interval for `correct` successes out of `n` trials. n == 0 -> {0, 0} (callers
// report "no interval"). For n > 0 it never collapses to a point: all-correct gives [n/(n+z²), 1].
std::pair<double, double> wilson_interval(std::int64_t correct, std::int64_t n, double z = 1.959963984540054);
// The same for a proportion `p` over `n` units (e.g. the mean score of n items): p in [0, 1], n > 0.
std::pair<double, double> wilson_interval_p(double p, double n, double z = 1.959963984540054);

// Percentile bootstrap CI of the mean of per-item scores (items resampled with replacement),
// deterministic for a given seed. When every item has the same score every resample is identical
// and the interval is a point: callers must not present that as certainty (see report.h).
std::pair<double, double> bootstrap_interval(const std::vector<double>& item_scores, int iterations,
                                             std::uint64_t seed, double confidence = 0.95);

// Unbiased pass@k for one item with n samples of which c are correct (Chen et al. 2021):
// 1 - C(n-c, k) / C(n, k), computed stably. Requires 0 <= c <= n and 1 <= k <= n.
double pass_at_k(int n, int c, int k);

// Mean of pass_at_k over items; each entry is {n, c}. Items with n < k are skipped;
// returns nullopt-like NaN when no item has n >= k.
double mean_pass_at_k(const std::vector<std::pair<int, int>>& items, int k);

// Uniform index in [0, n) by rejection sampling: depends only on mt19937_64's standardised output,
// never on the standard library's distribution code, so bootstraps agree across platforms.
std::size_t uniform_index(std::mt19937_64& rng, std::size_t n);

// Linear-interpolated ("type 7") quantile of already sorted, non-empty values; q in [0, 1].
double sorted_quantile(const std::vector<double>& sorted, double q);

}  // namespace gauntlet::harness
