// Sampler: greedy, temperature, top-k, top-p, min-p, per-request seeding, and the reported
// log-probabilities (log-softmax of the raw logits, top-N alternatives), padding ids excluded.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "engine/sampler.h"

namespace {

using namespace gauntlet::engine;

// Logits whose softmax is exactly `probs`.
std::vector<float> logits_of(const std::vector<double>& probs) {
  std::vector<float> l;
  for (double p : probs) l.push_back(static_cast<float>(std::log(p)));
  return l;
}

std::map<int, int> histogram(Sampler& s, const std::vector<float>& logits, int draws) {
  std::map<int, int> h;
  for (int i = 0; i < draws; ++i) ++h[s.sample(logits).id];
  return h;
}

TEST(SamplerTest, GreedyPicksArgmaxWithTiesToLowerIdAndReportsLogprob) {
  Sampler s({.temperature = 0});
  const std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
  const SampledToken t = s.sample(logits);
  EXPECT_EQ(t.id, 1);
  const double z = std::exp(0.5) + 2 * std::exp(2.0) + std::exp(-1.0);
  EXPECT_NEAR(t.logprob, 2.0 - std::log(z), 1e-6);
  EXPECT_TRUE(t.top.empty());
}

TEST(SamplerTest, IdsPastTheLimitAreNeitherChosenNorListedNorCounted) {
  const std::vector<float> logits = {1.0f, 0.0f, 5.0f, 4.0f};  // ids 2, 3: vocabulary padding
  const std::vector<float> real = {1.0f, 0.0f};
  Sampler greedy({.temperature = 0, .top_logprobs = 4});
  const SampledToken t = greedy.sample(logits, 2);
  EXPECT_EQ(t.id, 0);
  EXPECT_FLOAT_EQ(t.logprob, log_softmax(real)[0]);  // normalised over the real ids only
  ASSERT_EQ(t.top.size(), 2u);                         // padding never listed, even when asked for more
  EXPECT_EQ(t.top[0].id, t.id);                        // the reported top-1 is the greedy choice
  EXPECT_FLOAT_EQ(t.top[0].logprob, t.logprob);
  EXPECT_EQ(t.top[1].id, 1);
  EXPECT_NEAR(std::exp(double(t.top[0].logprob)) + std::exp(double(t.top[1].logprob)), 1.0, 1e-6);
  Sampler hot({.temperature = 2.0, .seed = 4, .top_logprobs = 3});
  for (int i = 0; i < 200; ++i) {
    const SampledToken h = hot.sample(logits, 2);
    EXPECT_LT(h.id, 2);
    for (const auto& alt : h.top) EXPECT_LT(alt.id, 2);
  }
  // choose_from <= 0 or past the logits: every id.
  EXPECT_EQ(Sampler({.temperature = 0}).sample(logits, 0).id, 2);
  EXPECT_EQ(Sampler({.temperature = 0}).sample(logits, 9).id, 2);
}

TEST(SamplerTest, LogSoftmaxIsNormalisedAndStable) {
  const std::vector<float> logits = {1000.0f, 999.0f, -1000.0f, 0.0f};
  const auto lp = log_softmax(logits);
  double sum = 0;
  for (float v : lp) sum += std::exp(double(v));
  EXPECT_NEAR(sum, 1.0, 1e-6);
  EXPECT_NEAR(lp[0] - lp[1], 1.0, 1e-4);
}

TEST(SamplerTest, TopLogprobsAreTheMostLikelyHighestFirstFromRawLogits) {
  // Temperature does not change reported log-probabilities.
  Sampler s({.temperature = 0.3, .seed = 1, .top_logprobs = 3});
  const std::vector<float> logits = {0.1f, 3.0f, 2.0f, 2.0f, -5.0f};
  const auto lp = log_softmax(logits);
  const SampledToken t = s.sample(logits);
  ASSERT_EQ(t.top.size(), 3u);
  EXPECT_EQ(t.top[0].id, 1);
  EXPECT_EQ(t.top[1].id, 2);  // tie with 3: lower id first
  EXPECT_EQ(t.top[2].id, 3);
  EXPECT_FLOAT_EQ(t.top[0].logprob, lp[1]);
  EXPECT_FLOAT_EQ(t.logprob, lp[static_cast<std::size_t>(t.id)]);
  Sampler many({.temperature = 0, .top_logprobs = 50});
  EXPECT_EQ(many.sample(logits).top.size(), logits.size());
}

TEST(SamplerTest, SameSeedSameTokensDifferentSeedDifferentTokens) {
  std::mt19937_64 rng(9);
  std::normal_distribution<float> normal(0, 1);
  std::vector<std::vector<float>> steps(200, std::vector<float>(50));
  for (auto& s : steps)
    for (auto& l : s) l = normal(rng);
  auto run = [&](std::uint64_t seed, Sampler* interleaved) {
    Sampler s({.temperature = 1.0, .top_p = 0.95, .seed = seed});
    std::vector<int> ids;
    for (const auto& l : steps) {
      ids.push_back(s.sample(l).id);
      if (interleaved) interleaved->sample(l);  // another request in the same batch
    }
    return ids;
  };
  Sampler other({.temperature = 0.7, .seed = 99});
  const auto a = run(1234, nullptr);
  EXPECT_EQ(a, run(1234, &other));
  EXPECT_NE(a, run(1235, nullptr));
}

TEST(SamplerTest, TemperatureSamplingFollowsTheScaledDistribution) {
  const std::vector<double> probs = {0.5, 0.3, 0.15, 0.05};
  const auto logits = logits_of(probs);
  for (double temp : {1.0, 0.5, 2.0}) {
    Sampler s({.temperature = temp, .seed = 7});
    const int draws = 40000;
    const auto h = histogram(s, logits, draws);
    double z = 0;
    for (double p : probs) z += std::pow(p, 1.0 / temp);
    for (int id = 0; id < 4; ++id) {
      const double want = std::pow(probs[static_cast<std::size_t>(id)], 1.0 / temp) / z;
      const double got = h.count(id) ? double(h.at(id)) / draws : 0.0;
      EXPECT_NEAR(got, want, 0.015) << "temperature " << temp << " id " << id;
    }
  }
}

TEST(SamplerTest, TopKKeepsOnlyTheKMostLikely) {
  const auto logits = logits_of({0.05, 0.3, 0.15, 0.5});
  Sampler one({.temperature = 5.0, .top_k = 1, .seed = 3});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(one.sample(logits).id, 3);
  Sampler two({.temperature = 1.0, .top_k = 2, .seed = 3});
  const auto h = histogram(two, logits, 20000);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_NEAR(double(h.at(3)) / 20000, 0.5 / 0.8, 0.02);
}

TEST(SamplerTest, TopPKeepsTheSmallestNucleus) {
  const auto logits = logits_of({0.3, 0.05, 0.5, 0.15});
  {
    Sampler s({.temperature = 1.0, .top_p = 0.7, .seed = 5});  // 0.5 + 0.3 >= 0.7
    const auto h = histogram(s, logits, 20000);
    EXPECT_EQ((std::set<int>{h.begin()->first, std::next(h.begin())->first}), (std::set<int>{0, 2}));
    EXPECT_EQ(h.size(), 2u);
    EXPECT_NEAR(double(h.at(2)) / 20000, 0.5 / 0.8, 0.02);
  }
  {
    Sampler s({.temperature = 1.0, .top_p = 0.85, .seed = 5});  // needs 0.15 too
    EXPECT_EQ(histogram(s, logits, 5000).size(), 3u);
  }
  {
    Sampler s({.temperature = 1.0, .top_p = 0.01, .seed = 5});  // always keeps at least one
    EXPECT_EQ(histogram(s, logits, 100).size(), 1u);
  }
}

TEST(SamplerTest, MinPKeepsTokensAboveAFractionOfTheBest) {
  const auto logits = logits_of({0.3, 0.05, 0.5, 0.15});
  Sampler s({.temperature = 1.0, .min_p = 0.5, .seed = 8});  // keeps p >= 0.25
  const auto h = histogram(s, logits, 10000);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_TRUE(h.count(0) && h.count(2));
  Sampler loose({.temperature = 1.0, .min_p = 0.2, .seed = 8});  // keeps p >= 0.1
  EXPECT_EQ(histogram(loose, logits, 10000).size(), 3u);
}

TEST(SamplerTest, TopPOnALargeVocabularyMatchesABruteForceNucleus) {
  const int V = 50000;
  std::mt19937_64 rng(4);
  std::normal_distribution<float> normal(0, 3);
  std::vector<float> logits(V);
  for (auto& l : logits) l = normal(rng);
  // Brute force: sort everything, accumulate to 0.9.
  std::vector<int> ids(V);
  std::iota(ids.begin(), ids.end(), 0);
  std::sort(ids.begin(), ids.end(), [&](int a, int b) { return logits[a] > logits[b]; });
  const auto lp = log_softmax(logits);
  std::set<int> nucleus;
  double cum = 0;
  for (int id : ids) {
    nucleus.insert(id);
    cum += std::exp(double(lp[static_cast<std::size_t>(id)]));
    if (cum >= 0.9) break;
  }
  ASSERT_GT(nucleus.size(), 64u);  // exercises the growing partial sort
  Sampler s({.temperature = 1.0, .top_p = 0.9, .seed = 2});
  for (int i = 0; i < 300; ++i) EXPECT_TRUE(nucleus.count(s.sample(logits).id));
}

}  // namespace

namespace {

using namespace gauntlet::engine;

// -1/V · Σ_j log(V · p_j) by hand for p = softmax(logits).
double hand_self_certainty(const std::vector<double>& p) {
  const double v = static_cast<double>(p.size());
  double s = 0;
  for (double x : p) s += std::log(v * x);
  return -s / v;
}

TEST(SamplerSelfCertaintyTest, OnlyWhenAskedAndEqualToAHandComputation) {
  const std::vector<double> probs = {0.7, 0.1, 0.1, 0.1};
  const std::vector<float> logits = logits_of(probs);
  EXPECT_TRUE(std::isnan(Sampler({.temperature = 0}).sample(logits).self_certainty));
  Sampler s({.temperature = 0, .self_certainty = true});
  // log(2.8) + 3 log(0.4) = -1.71925...; / -4
  EXPECT_NEAR(s.sample(logits).self_certainty, 0.4298132, 1e-6);
  EXPECT_NEAR(s.sample(logits).self_certainty, hand_self_certainty(probs), 1e-6);
  // Shifting every logit changes nothing; a uniform distribution has self-certainty 0.
  std::vector<float> shifted = logits;
  for (float& l : shifted) l += 37.5f;
  EXPECT_NEAR(s.sample(shifted).self_certainty, hand_self_certainty(probs), 2e-5);
  EXPECT_NEAR(s.sample(std::vector<float>(50, 1.25f)).self_certainty, 0.0, 1e-9);
}

TEST(SamplerSelfCertaintyTest, UsesTheModelsDistributionNotTheSamplingOne) {
  const std::vector<double> probs = {0.5, 0.25, 0.125, 0.0625, 0.0625};
  const std::vector<float> logits = logits_of(probs);
  const double want = hand_self_certainty(probs);
  for (SamplingParams p : {SamplingParams{.temperature = 0.3, .top_k = 2, .seed = 3},
                           SamplingParams{.temperature = 1.7, .top_p = 0.5, .seed = 4},
                           SamplingParams{.temperature = 1.0, .min_p = 0.3, .seed = 5}}) {
    p.self_certainty = true;
    Sampler s(p);
    for (int i = 0; i < 20; ++i) EXPECT_NEAR(s.sample(logits).self_certainty, want, 1e-6);
  }
}

TEST(SamplerSelfCertaintyTest, PaddingAndBannedIdsAreOutsideTheDistribution) {
  const std::vector<double> probs = {0.6, 0.3, 0.1};
  std::vector<float> logits = logits_of(probs);
  logits.push_back(9.0f);  // padding (choose_from = 3 below)
  Sampler s({.temperature = 0, .self_certainty = true});
  EXPECT_NEAR(s.sample(logits, 3).self_certainty, hand_self_certainty(probs), 1e-6);
  std::vector<float> banned = logits_of(probs);
  banned.insert(banned.begin() + 1, -INFINITY);
  EXPECT_NEAR(s.sample(banned).self_certainty, hand_self_certainty(probs), 1e-6);
}

TEST(SamplerSelfCertaintyTest, DoesNotChangeTheTokens) {
  const std::vector<float> logits = logits_of({0.4, 0.3, 0.2, 0.1});
  Sampler plain({.temperature = 1.0, .top_p = 0.9, .seed = 11});
  Sampler with({.temperature = 1.0, .top_p = 0.9, .seed = 11, .self_certainty = true});
  for (int i = 0; i < 100; ++i) {
    const auto a = plain.sample(logits);
    const auto b = with.sample(logits);
    ASSERT_EQ(a.id, b.id);
    ASSERT_EQ(a.logprob, b.logprob);
  }
}

}  // namespace
