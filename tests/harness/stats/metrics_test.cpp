// Wilson intervals, the seeded bootstrap and unbiased pass@k.
#include "harness/stats/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace gauntlet::harness {
namespace {

// ---- Wilson ----

TEST(WilsonInterval, KnownValues) {
  auto [lo, hi] = wilson_interval(8, 10);
  EXPECT_NEAR(lo, 0.4902, 5e-4);
  EXPECT_NEAR(hi, 0.9433, 5e-4);

  auto [lo50, hi50] = wilson_interval(50, 100);
  EXPECT_NEAR(lo50, 0.4038, 5e-4);
  EXPECT_NEAR(hi50, 0.5962, 5e-4);
  EXPECT_NEAR(lo50 + hi50, 1.0, 1e-12);  // symmetric at p = 0.5
}

TEST(WilsonInterval, Extremes) {
  auto [lo0, hi0] = wilson_interval(0, 10);
  EXPECT_DOUBLE_EQ(lo0, 0.0);
  EXPECT_NEAR(hi0, 0.2775, 5e-4);

  auto [lo1, hi1] = wilson_interval(10, 10);
  EXPECT_NEAR(lo1, 0.7225, 5e-4);
  EXPECT_DOUBLE_EQ(hi1, 1.0);

  auto [lo, hi] = wilson_interval(0, 0);
  EXPECT_DOUBLE_EQ(lo, 0.0);
  EXPECT_DOUBLE_EQ(hi, 0.0);
}

TEST(WilsonInterval, StaysInUnitIntervalAndNarrowsWithN) {
  for (std::int64_t n : {1, 2, 5, 37, 1000}) {
    for (std::int64_t c = 0; c <= n; c += std::max<std::int64_t>(1, n / 7)) {
      auto [lo, hi] = wilson_interval(c, n);
      EXPECT_GE(lo, 0.0);
      EXPECT_LE(hi, 1.0);
      EXPECT_LE(lo, static_cast<double>(c) / n + 1e-12);
      EXPECT_GE(hi, static_cast<double>(c) / n - 1e-12);
    }
  }
  auto small = wilson_interval(8, 10);
  auto large = wilson_interval(800, 1000);
  EXPECT_LT(large.second - large.first, small.second - small.first);
}

TEST(WilsonInterval, CustomZ) {
  // z = 1 gives a narrower (about 68%) interval.
  auto [lo, hi] = wilson_interval(8, 10, 1.0);
  EXPECT_NEAR(lo, 0.6491, 5e-4);
  EXPECT_NEAR(hi, 0.8964, 5e-4);
}

TEST(WilsonInterval, RejectsInvalidCounts) {
  EXPECT_THROW(wilson_interval(11, 10), std::invalid_argument);
  EXPECT_THROW(wilson_interval(-1, 10), std::invalid_argument);
  EXPECT_THROW(wilson_interval(0, -1), std::invalid_argument);
}

// ---- bootstrap ----

std::vector<double> half_correct(int n) {
  std::vector<double> scores;
  for (int i = 0; i < n; ++i) scores.push_back(i % 2 == 0 ? 1.0 : 0.0);
  return scores;
}

TEST(BootstrapInterval, EmptyInputIsZero) {
  auto [lo, hi] = bootstrap_interval({}, 1000, 7);
  EXPECT_DOUBLE_EQ(lo, 0.0);
  EXPECT_DOUBLE_EQ(hi, 0.0);
}

const std::vector<double> kIrregular = {0.137, 0.942, 0.518, 0.003, 0.771, 0.265,
                                        0.689, 0.404, 0.851, 0.322, 0.097};

TEST(BootstrapInterval, DeterministicForSeed) {
  auto a = bootstrap_interval(kIrregular, 2000, 1234);
  auto b = bootstrap_interval(kIrregular, 2000, 1234);
  EXPECT_EQ(a, b);
  auto c = bootstrap_interval(kIrregular, 2000, 4321);
  EXPECT_NE(a, c);
  double mean = 0;
  for (double x : kIrregular) mean += x / kIrregular.size();
  EXPECT_LT(a.first, mean);
  EXPECT_GT(a.second, mean);
}

TEST(BootstrapInterval, PinnedValuesForSeed) {
  // std::mt19937_64's output is fixed by the standard and the index mapping (rejection sampling,
  // then modulo) and the quantile rule (linear interpolation) are our own, so these values are the
  // same on every platform. They were computed by an independent Python implementation of the
  // same procedure.
  auto [lo, hi] = bootstrap_interval(kIrregular, 500, 2024);
  EXPECT_NEAR(lo, 0.2700340909090909, 1e-12);
  EXPECT_NEAR(hi, 0.6362204545454545, 1e-12);
  auto [lo50, hi50] = bootstrap_interval(kIrregular, 500, 2024, 0.5);
  EXPECT_NEAR(lo50, 0.4050909090909091, 1e-12);
  EXPECT_NEAR(hi50, 0.5196590909090909, 1e-12);

  std::vector<double> binary = {1, 0, 1, 1, 0, 1, 0, 1, 1, 1};
  auto [blo, bhi] = bootstrap_interval(binary, 1000, 42);
  EXPECT_NEAR(blo, 0.4, 1e-12);
  EXPECT_NEAR(bhi, 1.0, 1e-12);
}

TEST(BootstrapInterval, ConstantScoresGiveAPoint) {
  auto [lo, hi] = bootstrap_interval(std::vector<double>(25, 0.75), 500, 3);
  EXPECT_DOUBLE_EQ(lo, 0.75);
  EXPECT_DOUBLE_EQ(hi, 0.75);
}

TEST(BootstrapInterval, AgreesWithNormalApproximation) {
  // 400 items at p = 0.5: standard error 0.025, so the 95% CI is about 0.5 +- 0.049.
  auto [lo, hi] = bootstrap_interval(half_correct(400), 4000, 99);
  EXPECT_NEAR(lo, 0.451, 0.01);
  EXPECT_NEAR(hi, 0.549, 0.01);
  // A lower confidence gives a narrower interval.
  auto [lo80, hi80] = bootstrap_interval(half_correct(400), 4000, 99, 0.80);
  EXPECT_GT(lo80, lo);
  EXPECT_LT(hi80, hi);
  EXPECT_NEAR(hi80 - lo80, 2 * 1.2816 * 0.025, 0.01);
}

TEST(BootstrapInterval, RejectsBadParameters) {
  EXPECT_THROW(bootstrap_interval({1.0, 0.0}, 0, 1), std::invalid_argument);
  EXPECT_THROW(bootstrap_interval({1.0, 0.0}, 100, 1, 1.0), std::invalid_argument);
  EXPECT_THROW(bootstrap_interval({1.0, 0.0}, 100, 1, 0.0), std::invalid_argument);
}

// ---- pass@k ----

TEST(PassAtK, KnownValues) {
  EXPECT_NEAR(pass_at_k(5, 2, 1), 0.4, 1e-12);
  EXPECT_NEAR(pass_at_k(5, 2, 2), 0.7, 1e-12);  // 1 - C(3,2)/C(5,2) = 1 - 3/10
  EXPECT_NEAR(pass_at_k(10, 3, 5), 1.0 - 21.0 / 252.0, 1e-12);  // 1 - C(7,5)/C(10,5)
  EXPECT_NEAR(pass_at_k(200, 10, 100), 0.9992289739372822, 1e-12);  // 1 - C(190,100)/C(200,100)
  EXPECT_DOUBLE_EQ(pass_at_k(5, 0, 3), 0.0);
  EXPECT_DOUBLE_EQ(pass_at_k(5, 5, 5), 1.0);
}

TEST(PassAtK, OneWhenFewerWrongThanK) {
  EXPECT_DOUBLE_EQ(pass_at_k(5, 4, 2), 1.0);  // n - c = 1 < 2
  EXPECT_DOUBLE_EQ(pass_at_k(3, 1, 3), 1.0);
  EXPECT_LT(pass_at_k(5, 3, 2), 1.0);  // n - c = 2 == k
}

TEST(PassAtK, PassAt1IsTheFraction) {
  for (int n : {1, 4, 16, 100}) {
    for (int c = 0; c <= n; ++c) EXPECT_NEAR(pass_at_k(n, c, 1), static_cast<double>(c) / n, 1e-12);
  }
}

TEST(PassAtK, LargeNIsStable) {
  double value = pass_at_k(100000, 1, 1);
  EXPECT_NEAR(value, 1e-5, 1e-15);
  double big = pass_at_k(100000, 50000, 1000);
  EXPECT_TRUE(std::isfinite(big));
  EXPECT_DOUBLE_EQ(big, 1.0);
}

TEST(PassAtK, RejectsInvalidArguments) {
  EXPECT_THROW(pass_at_k(5, 6, 1), std::invalid_argument);
  EXPECT_THROW(pass_at_k(5, -1, 1), std::invalid_argument);
  EXPECT_THROW(pass_at_k(5, 2, 0), std::invalid_argument);
  EXPECT_THROW(pass_at_k(5, 2, 6), std::invalid_argument);
  EXPECT_THROW(pass_at_k(0, 0, 1), std::invalid_argument);
}

TEST(MeanPassAtK, AveragesItemsWithEnoughSamples) {
  EXPECT_NEAR(mean_pass_at_k({{5, 2}, {5, 5}, {5, 0}}, 2), (0.7 + 1.0 + 0.0) / 3.0, 1e-12);
  // The item with n = 1 < k = 2 is skipped.
  EXPECT_NEAR(mean_pass_at_k({{5, 2}, {1, 1}}, 2), 0.7, 1e-12);
  EXPECT_NEAR(mean_pass_at_k({{5, 2}, {1, 1}}, 1), (0.4 + 1.0) / 2.0, 1e-12);
}

TEST(MeanPassAtK, NaNWhenNoItemQualifies) {
  EXPECT_TRUE(std::isnan(mean_pass_at_k({}, 1)));
  EXPECT_TRUE(std::isnan(mean_pass_at_k({{1, 1}, {2, 0}}, 3)));
  EXPECT_THROW(mean_pass_at_k({{5, 2}}, 0), std::invalid_argument);
  EXPECT_THROW(mean_pass_at_k({{5, 7}}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace gauntlet::harness
