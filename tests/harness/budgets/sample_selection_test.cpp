// Self-certainty against a hand computation on a 4-token vocabulary, and the selection methods
// (highest SC, Borda with its exponent, majority, verifier with its fallback) on hand cases.
#include <gtest/gtest.h>

#include <cmath>

#include "harness/budgets/sample_selection.h"
#include "harness/budgets/self_certainty.h"

namespace {

using namespace gauntlet::harness;

TEST(SelfCertainty, HandComputationOnASmallVocabulary) {
  // p = (0.7, 0.1, 0.1, 0.1): Σ log(4p) = log 2.8 + 3 log 0.4 = 1.0296194 - 2.7488722 = -1.7192528.
  const std::vector<double> peaked = {std::log(0.7), std::log(0.1), std::log(0.1), std::log(0.1)};
  const std::vector<double> uniform(4, std::log(0.25));
  const double t1 = token_self_certainty(peaked);
  const double t2 = token_self_certainty(uniform);
  EXPECT_NEAR(t1, 1.7192528 / 4, 1e-7);
  EXPECT_NEAR(t2, 0.0, 1e-12);
  // SC(y) = -1/(n·V) Σ_i Σ_j log(V p_ij) over the n = 2 tokens.
  EXPECT_NEAR(self_certainty(t1 + t2, 2), 1.7192528 / 8, 1e-7);
  EXPECT_TRUE(std::isnan(self_certainty(0.0, 0)));
}

std::vector<SampleSummary> samples(const std::vector<std::optional<std::string>>& answers, const std::vector<double>& sc) {
  std::vector<SampleSummary> out;
  for (std::size_t i = 0; i < answers.size(); ++i) out.push_back({answers[i], sc[i], std::nullopt});
  return out;
}

// SC ranks: #0 (0.9) 1st, #2 (0.7) 2nd, #1 (0.5) 3rd, #4 (0.3) 4th, #3 (0.1) 5th.
const auto kFive = samples({"A", "B", "B", "A", "C"}, {0.9, 0.5, 0.7, 0.1, 0.3});

TEST(SampleSelection, HighestSelfCertainty) {
  const auto s = select_sample(kFive, SelectMethod::kSelfCertainty);
  EXPECT_EQ(s.chosen, 0);
  EXPECT_EQ(s.decided_by, SelectMethod::kSelfCertainty);
  // Ties go to the lower index; NaN ranks last.
  EXPECT_EQ(select_sample(samples({"A", "B", "C"}, {NAN, 0.4, 0.4}), SelectMethod::kSelfCertainty).chosen, 1);
  EXPECT_EQ(rank_by_self_certainty(kFive), (std::vector<int>{0, 2, 1, 4, 3}));
}

TEST(SampleSelection, BordaWeighsRanksPerAnswer) {
  // p = 1: weights 5 4 3 2 1 by rank. A = 5 + 1 = 6, B = 4 + 3 = 7, C = 2: B wins, its best sample is #2.
  auto s = select_sample(kFive, SelectMethod::kBorda, 1.0);
  EXPECT_EQ(s.chosen, 2);
  EXPECT_EQ(s.decided_by, SelectMethod::kBorda);
  EXPECT_EQ(s.votes, (nlohmann::json{{"A", 6.0}, {"B", 7.0}, {"C", 2.0}}));
  // p = 2: A = 25 + 1 = 26, B = 16 + 9 = 25: A wins with #0.
  s = select_sample(kFive, SelectMethod::kBorda, 2.0);
  EXPECT_EQ(s.chosen, 0);
  EXPECT_EQ(s.votes["A"], 26.0);
  // A tie on weight goes to the answer holding the better-ranked sample: ranks 1..4 -> 4 3 2 1;
  // X = 4 + 1 = 5 (ranks 1, 4), Y = 3 + 2 = 5 (ranks 2, 3): X.
  const auto tie = samples({"Y", "X", "Y", "X"}, {0.8, 0.9, 0.7, 0.1});
  EXPECT_EQ(select_sample(tie, SelectMethod::kBorda).chosen, 1);
  // Samples without an answer take a rank but vote for nobody.
  const auto gaps = samples({std::nullopt, "B", "A"}, {0.9, 0.5, 0.7});
  s = select_sample(gaps, SelectMethod::kBorda);
  EXPECT_EQ(s.chosen, 2);  // A = 2 (rank 2), B = 1 (rank 3)
  EXPECT_EQ(s.votes.size(), 2u);
}

TEST(SampleSelection, MajorityWithTiesToTheFirstAnswer) {
  // A 2, B 2, C 1: tie between A and B, A occurs first (#0).
  auto s = select_sample(kFive, SelectMethod::kMajority);
  EXPECT_EQ(s.chosen, 0);
  EXPECT_EQ(s.votes, (nlohmann::json{{"A", 2}, {"B", 2}, {"C", 1}}));
  s = select_sample(samples({"C", "B", "B", "A"}, {1, 1, 1, 1}), SelectMethod::kMajority);
  EXPECT_EQ(s.chosen, 1);  // B twice; its first occurrence is #1
  // No answers at all: highest self-certainty.
  s = select_sample(samples({std::nullopt, std::nullopt}, {0.1, 0.2}), SelectMethod::kMajority);
  EXPECT_EQ(s.chosen, 1);
  EXPECT_EQ(s.decided_by, SelectMethod::kSelfCertainty);
}

TEST(SampleSelection, VerifierTakesTheFirstPassingSampleElseTheFallback) {
  auto v = kFive;
  v[1].check = false;
  v[3].check = true;
  v[4].check = true;
  auto s = select_sample(v, SelectMethod::kVerifier);
  EXPECT_EQ(s.chosen, 3);
  EXPECT_EQ(s.decided_by, SelectMethod::kVerifier);
  v[3].check = false;
  v[4].check = false;
  s = select_sample(v, SelectMethod::kVerifier);  // none passed: Borda
  EXPECT_EQ(s.chosen, 2);
  EXPECT_EQ(s.decided_by, SelectMethod::kBorda);
  s = select_sample(kFive, SelectMethod::kVerifier, 1.0, SelectMethod::kMajority);  // no checks: the fallback
  EXPECT_EQ(s.decided_by, SelectMethod::kMajority);
  EXPECT_THROW(select_sample({}, SelectMethod::kBorda), std::invalid_argument);
}

TEST(SampleSelection, MethodNames) {
  for (auto m : {SelectMethod::kVerifier, SelectMethod::kSelfCertainty, SelectMethod::kBorda, SelectMethod::kMajority})
    EXPECT_EQ(select_method_named(to_string(m)), m);
  EXPECT_EQ(select_method_named("best"), std::nullopt);
}

}  // namespace
