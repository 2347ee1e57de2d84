// Reward and advantage arithmetic of self-play, on hand-computed cases.
#include "harness/selfplay/rewards.h"

#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

TEST(SelfPlayRewards, LearnabilityIsOneMinusAccuracyAndZeroAtTheExtremes) {
  EXPECT_DOUBLE_EQ(learnability(0.0), 0.0);  // never solved: too hard
  EXPECT_DOUBLE_EQ(learnability(1.0), 0.0);  // always solved: too easy
  EXPECT_DOUBLE_EQ(learnability(0.25), 0.75);
  EXPECT_DOUBLE_EQ(learnability(3.0 / 8.0), 0.625);
  EXPECT_DOUBLE_EQ(learnability(7.0 / 8.0), 0.125);
  EXPECT_THROW(learnability(-0.1), std::invalid_argument);
  EXPECT_THROW(learnability(1.5), std::invalid_argument);
  EXPECT_THROW(learnability(std::nan("")), std::invalid_argument);
}

TEST(SelfPlayRewards, SolverGetsOneZeroOrTheFormatPenalty) {
  RewardRules paper;  // format_error -1, well_formed_zero 0
  EXPECT_DOUBLE_EQ(solver_reward(true, true, paper), 1.0);
  EXPECT_DOUBLE_EQ(solver_reward(true, false, paper), 0.0);
  EXPECT_DOUBLE_EQ(solver_reward(false, false, paper), -1.0);
  EXPECT_DOUBLE_EQ(solver_reward(false, true, paper), -1.0);  // a right answer out of format is still a format error
  RewardRules azr_code{-1.0, -0.5};
  EXPECT_DOUBLE_EQ(solver_reward(true, false, azr_code), -0.5);
  EXPECT_DOUBLE_EQ(solver_reward(true, true, azr_code), 1.0);
}

TEST(SelfPlayRewards, ProposerGetsLearnabilityOrTheFormatPenalty) {
  RewardRules paper;
  EXPECT_DOUBLE_EQ(proposer_reward(true, true, 0.5, paper), 0.5);
  EXPECT_DOUBLE_EQ(proposer_reward(true, true, 0.125, paper), 0.875);
  EXPECT_DOUBLE_EQ(proposer_reward(true, true, 1.0, paper), 0.0);
  EXPECT_DOUBLE_EQ(proposer_reward(true, true, 0.0, paper), 0.0);
  EXPECT_DOUBLE_EQ(proposer_reward(true, false, std::nullopt, paper), -1.0);  // failed validation
  EXPECT_DOUBLE_EQ(proposer_reward(false, false, std::nullopt, paper), -1.0);
  EXPECT_DOUBLE_EQ(proposer_reward(false, true, 0.5, paper), -1.0);
  RewardRules azr_code{-1.0, -0.5};
  EXPECT_DOUBLE_EQ(proposer_reward(true, true, 1.0, azr_code), -0.5);
  EXPECT_DOUBLE_EQ(proposer_reward(true, true, 0.0, azr_code), -0.5);
  EXPECT_DOUBLE_EQ(proposer_reward(true, true, 0.75, azr_code), 0.25);
  EXPECT_THROW(proposer_reward(true, true, std::nullopt, paper), std::invalid_argument);
}

TEST(SelfPlayAdvantages, GroupNormalisedWithSampleStandardDeviation) {
  AdvantageOptions o;
  // mean 0.5, sample variance (4 * 0.25) / 3 = 1/3, std 0.57735: +-0.5 / 0.57735 = +-0.866025.
  auto a = group_advantages({1, 0, 0, 1}, o);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_NEAR(a[0], 0.866025, 1e-5);
  EXPECT_NEAR(a[1], -0.866025, 1e-5);
  EXPECT_NEAR(a[2], -0.866025, 1e-5);
  EXPECT_NEAR(a[3], 0.866025, 1e-5);
  // mean 0, sample variance (1 + 1 + 0) / 2 = 1.
  auto b = group_advantages({1, -1, 0}, o);
  EXPECT_NEAR(b[0], 1.0, 1e-5);
  EXPECT_NEAR(b[1], -1.0, 1e-5);
  EXPECT_NEAR(b[2], 0.0, 1e-12);
  // Rewards of a proposer group: -1 (invalid), 0.75, 0.25, -1. Mean -0.25; deviations
  // -0.75, 1, 0.5, -0.75; squares sum 0.5625 + 1 + 0.25 + 0.5625 = 2.375; variance 2.375 / 3.
  const double sd = std::sqrt(2.375 / 3.0);
  auto c = group_advantages({-1, 0.75, 0.25, -1}, o);
  EXPECT_NEAR(c[0], -0.75 / sd, 1e-5);
  EXPECT_NEAR(c[1], 1.0 / sd, 1e-5);
  EXPECT_NEAR(c[2], 0.5 / sd, 1e-5);
  EXPECT_NEAR(c[3], -0.75 / sd, 1e-5);
}

TEST(SelfPlayAdvantages, EqualRewardsGiveZeroAndSinglesKeepTheirReward) {
  AdvantageOptions o;
  for (double a : group_advantages({-1, -1, -1}, o)) EXPECT_DOUBLE_EQ(a, 0.0);
  auto one = group_advantages({0.7}, o);  // verl's convention for a group of one: mean 0, std 1
  EXPECT_NEAR(one[0], 0.7, 1e-5);
  EXPECT_TRUE(group_advantages({}, o).empty());
}

TEST(SelfPlayAdvantages, WithoutStdNormalisationOnlyTheMeanIsRemoved) {
  AdvantageOptions o;
  o.normalize_std = false;
  auto a = group_advantages({0.25, 0.5}, o);
  EXPECT_DOUBLE_EQ(a[0], -0.125);
  EXPECT_DOUBLE_EQ(a[1], 0.125);
  auto b = group_advantages({1, 0, 0, 0}, o);
  EXPECT_DOUBLE_EQ(b[0], 0.75);
  EXPECT_DOUBLE_EQ(b[1], -0.25);
}

}  // namespace
}  // namespace gauntlet::harness
