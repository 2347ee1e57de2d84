// The seeded choices of self-play: reproducible, without replacement, newest tasks first.
#include "harness/selfplay/sampling.h"

#include <set>

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

TEST(SelfPlaySampling, SameKeySameChoicesOtherKeyOtherChoices) {
  SeededRng a("1/references/3/deduction/0"), b("1/references/3/deduction/0"), c("1/references/3/deduction/1");
  auto x = sample_without_replacement(100, 6, a);
  EXPECT_EQ(x, sample_without_replacement(100, 6, b));
  EXPECT_NE(x, sample_without_replacement(100, 6, c));
  EXPECT_EQ(stable_hash("abc"), stable_hash("abc"));
  EXPECT_NE(stable_hash("abc"), stable_hash("abd"));
}

TEST(SelfPlaySampling, WithoutReplacementAndAllWhenFewer) {
  SeededRng rng("k");
  auto six = sample_without_replacement(10, 6, rng);
  EXPECT_EQ(six.size(), 6u);
  EXPECT_EQ(std::set<std::size_t>(six.begin(), six.end()).size(), 6u);
  for (auto i : six) EXPECT_LT(i, 10u);
  auto all = sample_without_replacement(3, 6, rng);
  EXPECT_EQ(std::set<std::size_t>(all.begin(), all.end()), (std::set<std::size_t>{0, 1, 2}));
  EXPECT_TRUE(sample_without_replacement(0, 6, rng).empty());
}

TEST(SelfPlaySampling, UniformEnough) {
  // 6000 draws of 1 from 6: each index within 20% of 1000.
  SeededRng rng("uniform");
  std::vector<int> counts(6);
  for (int i = 0; i < 6000; ++i) ++counts[sample_without_replacement(6, 1, rng)[0]];
  for (int n : counts) EXPECT_NEAR(n, 1000, 200);
}

TEST(SelfPlaySampling, SolverBatchTakesTheNewestFirstThenUniform) {
  // Entries: seed (-1), steps 0, 0, 1, 2, 2 (current step 2).
  std::vector<int> steps = {-1, 0, 0, 1, 2, 2};
  SeededRng rng("batch");
  auto window1 = select_solver_batch(steps, 2, 1, 4, rng);
  ASSERT_EQ(window1.size(), 4u);
  EXPECT_EQ(window1[0], 4u);
  EXPECT_EQ(window1[1], 5u);
  std::set<std::size_t> rest(window1.begin() + 2, window1.end());
  EXPECT_EQ(rest.size(), 2u);
  for (auto i : rest) EXPECT_LT(i, 4u);  // from the older entries
  // A window of two steps: step 2 first, then step 1, then older ones.
  auto window2 = select_solver_batch(steps, 2, 2, 4, rng);
  EXPECT_EQ(window2[0], 4u);
  EXPECT_EQ(window2[1], 5u);
  EXPECT_EQ(window2[2], 3u);
  // More new entries than the batch: the first ones in buffer order.
  auto capped = select_solver_batch({2, 2, 2}, 2, 1, 2, rng);
  EXPECT_EQ(capped, (std::vector<std::size_t>{0, 1}));
  // Fewer entries than the batch: all of them.
  EXPECT_EQ(select_solver_batch({-1}, 0, 1, 4, rng), (std::vector<std::size_t>{0}));
}

}  // namespace
}  // namespace gauntlet::harness
