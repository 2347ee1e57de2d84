// The router (engine/routing.h) against a plain reference written here from the definitions
// (double precision, full sorts, no scratch reuse) on random router logits, plus hand-worked cases
// and validation errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "engine/routing.h"

namespace {

using namespace gauntlet::engine;

struct RefRoute {
  std::vector<int> experts;
  std::vector<double> weights;
};

// The definition, step by step.
RefRoute reference_route(const std::vector<float>& logits, const RoutingControls& c, int layer, int config_k,
                         bool norm_topk_prob) {
  const int E = static_cast<int>(logits.size());
  auto listed = [&](const std::vector<ExpertId>& ids, int e) {
    return std::find(ids.begin(), ids.end(), ExpertId{layer, e}) != ids.end();
  };
  const bool excluding = c.mask_mode == MaskMode::kExclude;
  // 1. softmax over the experts that are not excluded.
  std::vector<double> p(static_cast<std::size_t>(E), 0.0);
  double mx = -1e300;
  for (int e = 0; e < E; ++e)
    if (!(excluding && listed(c.mask, e))) mx = std::max(mx, double(logits[size_t(e)]));
  double z = 0;
  for (int e = 0; e < E; ++e)
    if (!(excluding && listed(c.mask, e))) z += std::exp(double(logits[size_t(e)]) - mx);
  for (int e = 0; e < E; ++e)
    if (!(excluding && listed(c.mask, e))) p[size_t(e)] = std::exp(double(logits[size_t(e)]) - mx) / z;
  // 2. β per expert; selection score.
  std::vector<double> beta(size_t(E), 1.0);
  for (int e = 0; e < E; ++e)
    if (listed(c.rice, e)) beta[size_t(e)] = c.rice_beta;
  std::vector<std::pair<double, int>> cand;  // (-score, index): sorts highest first, ties lower index
  for (int e = 0; e < E; ++e) {
    if (excluding && listed(c.mask, e)) continue;
    const double score = c.rice_mode == RiceMode::kBeforeTopK ? p[size_t(e)] * beta[size_t(e)] : p[size_t(e)];
    cand.push_back({-score, e});
  }
  std::sort(cand.begin(), cand.end());
  const int available = static_cast<int>(cand.size());
  // 3. how many.
  int n;
  bool renorm;
  if (c.top_p > 0) {
    double total = 0;
    for (auto& [s, e] : cand) total += -s;
    n = available;
    double cum = 0;
    for (int i = 0; i < available && c.top_p < 1; ++i) {
      cum += -cand[size_t(i)].first / total;
      if (cum > c.top_p) {
        n = i + 1;
        break;
      }
    }
    const int hi = std::min(c.max_experts > 0 ? c.max_experts : E, available);
    n = std::max(n, std::min(c.min_experts, hi));
    n = std::min(n, hi);
    renorm = !c.raw_weights;
  } else {
    n = std::min(c.top_k > 0 ? c.top_k : config_k, available);
    renorm = norm_topk_prob;
  }
  // 4. weights.
  RefRoute r;
  double base_sum = 0, boosted_sum = 0;
  for (int i = 0; i < n; ++i) {
    const int e = cand[size_t(i)].second;
    r.experts.push_back(e);
    base_sum += p[size_t(e)];
    boosted_sum += p[size_t(e)] * beta[size_t(e)];
  }
  for (int e : r.experts) {
    double w;
    if (c.rice_renormalize)
      w = p[size_t(e)] * beta[size_t(e)] * (renorm ? 1.0 / boosted_sum : base_sum / boosted_sum);
    else
      w = p[size_t(e)] / (renorm ? base_sum : 1.0) * beta[size_t(e)];
    r.weights.push_back(w);
  }
  return r;
}

ModelConfig config_with(int layers, int experts, int k, bool norm = true) {
  ModelConfig c;
  c.num_layers = layers;
  c.num_experts = experts;
  c.num_experts_per_tok = k;
  c.norm_topk_prob = norm;
  return c;
}

std::vector<Route> route(const std::vector<float>& logits, const RoutingControls& c, const ModelConfig& config,
                         int layer = 0) {
  RoutingPlan plan(c, config);
  RouterScratch scratch;
  std::vector<Route> out;
  route_token(logits, plan.layer(layer), scratch, out);
  return out;
}

void expect_matches_reference(const std::vector<float>& logits, const RoutingControls& c, const ModelConfig& config,
                              int layer, const std::string& label) {
  const auto got = route(logits, c, config, layer);
  const auto want = reference_route(logits, c, layer, config.num_experts_per_tok, config.norm_topk_prob);
  ASSERT_EQ(got.size(), want.experts.size()) << label;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].expert, want.experts[i]) << label << " slot " << i;
    EXPECT_NEAR(got[i].weight, want.weights[i], 2e-6 * std::max(1.0, std::fabs(want.weights[i]))) << label;
  }
}

TEST(Routing, RandomLogitsMatchReferenceAcrossControls) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<double> uniform(0.05, 0.98);
  int cases = 0;
  for (int E : {4, 8, 16, 64}) {
    for (bool norm : {true, false}) {
      const ModelConfig config = config_with(3, E, std::min(E, 4), norm);
      for (int trial = 0; trial < 40; ++trial) {
        std::vector<float> logits(static_cast<std::size_t>(E));
        const float spread = trial % 2 ? 3.0f : 0.7f;  // peaked and flat routers
        for (auto& x : logits) x = spread * normal(rng);
        const int layer = trial % 3;
        std::uniform_int_distribution<int> pick(0, E - 1);
        std::vector<RoutingControls> variants(10);
        variants[1].top_k = 1 + trial % E;
        variants[2].top_p = uniform(rng);
        variants[3].top_p = uniform(rng);
        variants[3].min_experts = 2;
        variants[3].max_experts = std::max(2, E / 2);
        variants[4].top_p = uniform(rng);
        variants[4].raw_weights = true;
        for (int v : {5, 6, 7}) {
          variants[size_t(v)].rice = {{layer, pick(rng)}, {layer, pick(rng)}, {(layer + 1) % 3, pick(rng)}};
          variants[size_t(v)].rice_beta = v == 7 ? 0.25 : 64;
        }
        variants[6].rice_mode = RiceMode::kBeforeTopK;
        variants[7].rice_renormalize = false;
        variants[7].rice_mode = trial % 2 ? RiceMode::kBeforeTopK : RiceMode::kAfterTopK;
        variants[7].top_p = trial % 3 ? 0.0 : 0.6;
        variants[8].mask = {{layer, pick(rng)}, {layer, pick(rng)}};
        variants[8].top_p = trial % 2 ? 0.5 : 0.0;
        variants[9].mask = variants[8].mask;
        variants[9].mask_mode = MaskMode::kZero;
        variants[9].rice = {{layer, pick(rng)}};
        variants[9].rice_beta = 8;
        for (std::size_t v = 0; v < variants.size(); ++v) {
          expect_matches_reference(logits, variants[v], config, layer,
                                   "E=" + std::to_string(E) + " trial " + std::to_string(trial) + " variant " +
                                       std::to_string(v));
          ++cases;
        }
      }
    }
  }
  EXPECT_EQ(cases, 4 * 2 * 40 * 10);
}

TEST(Routing, DefaultIsSoftmaxTopKRenormalised) {
  // p = [0.5, 0.3, 0.15, 0.05]
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  const auto r = route(logits, {}, config_with(1, 4, 2));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].expert, 0);
  EXPECT_EQ(r[1].expert, 1);
  EXPECT_NEAR(r[0].weight, 0.625, 1e-6);
  EXPECT_NEAR(r[1].weight, 0.375, 1e-6);
  const auto raw = route(logits, {}, config_with(1, 4, 2, /*norm=*/false));
  EXPECT_NEAR(raw[0].weight, 0.5, 1e-6);
  EXPECT_NEAR(raw[1].weight, 0.3, 1e-6);
}

TEST(Routing, TopPKeepsTheExpertThatCrossesPAndClamps) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  const ModelConfig config = config_with(1, 4, 2);
  auto count = [&](double p, int lo = 1, int hi = 0) {
    RoutingControls c;
    c.top_p = p;
    c.min_experts = lo;
    c.max_experts = hi;
    return route(logits, c, config).size();
  };
  EXPECT_EQ(count(0.4), 1u);   // 0.5 > 0.4 already
  EXPECT_EQ(count(0.6), 2u);   // 0.5, then 0.8 crosses
  EXPECT_EQ(count(0.9), 3u);   // 0.95 crosses
  EXPECT_EQ(count(0.97), 4u);
  EXPECT_EQ(count(1.0), 4u);
  EXPECT_EQ(count(0.4, 3), 3u);     // min clamp
  EXPECT_EQ(count(0.97, 1, 2), 2u);  // max clamp
  RoutingControls c;
  c.top_p = 0.6;
  const auto renorm = route(logits, c, config);
  EXPECT_NEAR(renorm[0].weight + renorm[1].weight, 1.0, 1e-6);
  c.raw_weights = true;
  const auto raw = route(logits, c, config);
  EXPECT_NEAR(raw[0].weight, 0.5, 1e-6);
  EXPECT_NEAR(raw[1].weight, 0.3, 1e-6);
}

TEST(Routing, RiceModes) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  const ModelConfig config = config_with(1, 4, 2);
  RoutingControls c;
  c.rice = {{0, 3}};
  c.rice_beta = 64;
  // after_topk: expert 3 is not selected, nothing changes.
  auto r = route(logits, c, config);
  EXPECT_EQ(r[0].expert, 0);
  EXPECT_EQ(r[1].expert, 1);
  EXPECT_NEAR(r[0].weight, 0.625, 1e-6);
  // before_topk: 0.05 * 64 = 3.2 enters first; weights 3.2 / 3.7 and 0.5 / 3.7.
  c.rice_mode = RiceMode::kBeforeTopK;
  r = route(logits, c, config);
  EXPECT_EQ(r[0].expert, 3);
  EXPECT_EQ(r[1].expert, 0);
  EXPECT_NEAR(r[0].weight, 3.2 / 3.7, 1e-6);
  EXPECT_NEAR(r[1].weight, 0.5 / 3.7, 1e-6);
  // after_topk on a selected expert: 0.3 * 4 = 1.2 against 0.5 → 1.2 / 1.7.
  c.rice = {{0, 1}};
  c.rice_beta = 4;
  c.rice_mode = RiceMode::kAfterTopK;
  r = route(logits, c, config);
  EXPECT_EQ(r[1].expert, 1);
  EXPECT_NEAR(r[1].weight, 1.2 / 1.7, 1e-6);
  // Without renormalisation β multiplies the final weight: 0.375 * 4.
  c.rice_renormalize = false;
  r = route(logits, c, config);
  EXPECT_NEAR(r[0].weight, 0.625, 1e-6);
  EXPECT_NEAR(r[1].weight, 1.5, 1e-6);
}

TEST(Routing, MaskExcludeReallocatesAndZeroKeepsRouting) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  const ModelConfig config = config_with(2, 4, 2);
  RoutingControls c;
  c.mask = {{1, 0}};
  // Layer 0 untouched.
  EXPECT_EQ(route(logits, c, config, 0)[0].expert, 0);
  // Layer 1: expert 0 gone; 0.3 and 0.15 share the weight.
  auto r = route(logits, c, config, 1);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].expert, 1);
  EXPECT_EQ(r[1].expert, 2);
  EXPECT_NEAR(r[0].weight, 0.3 / 0.45, 1e-6);
  // Exclude all but one: every token goes there with weight 1, even with k = 2.
  c.mask = {{1, 0}, {1, 1}, {1, 3}};
  r = route(logits, c, config, 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].expert, 2);
  EXPECT_NEAR(r[0].weight, 1.0, 1e-6);
  // Zero: routing unchanged, the expert marked.
  c.mask = {{1, 0}};
  c.mask_mode = MaskMode::kZero;
  RoutingPlan plan(c, config);
  EXPECT_TRUE(plan.layer(1).is_zeroed(0));
  EXPECT_FALSE(plan.layer(0).is_zeroed(0));
  r = route(logits, c, config, 1);
  EXPECT_EQ(r[0].expert, 0);
  EXPECT_NEAR(r[0].weight, 0.625, 1e-6);
}

TEST(Routing, InvalidControlsNameWhatIsWrong) {
  ModelConfig config = config_with(4, 8, 2);
  config.mlp_only_layers = {0};
  auto message = [&](const RoutingControls& c) {
    try {
      RoutingPlan plan(c, config);
    } catch (const RoutingError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  RoutingControls c;
  c.top_k = 9;
  EXPECT_NE(message(c).find("top-k 9"), std::string::npos);
  c = {};
  c.top_p = 1.5;
  EXPECT_NE(message(c).find("top-p 1.5"), std::string::npos);
  c = {};
  c.top_p = 0.5;
  c.min_experts = 3;
  c.max_experts = 2;
  EXPECT_NE(message(c).find("max experts 2"), std::string::npos);
  c = {};
  c.rice = {{4, 0}};
  c.rice_beta = 2;
  EXPECT_NE(message(c).find("layer 4 outside"), std::string::npos);
  c.rice = {{0, 1}};
  EXPECT_NE(message(c).find("dense layer"), std::string::npos);
  c.rice = {{1, 8}};
  EXPECT_NE(message(c).find("expert 8 outside"), std::string::npos);
  c.rice = {{1, 1}};
  c.rice_beta = 0;
  EXPECT_NE(message(c).find("beta"), std::string::npos);
  c = {};
  for (int e = 0; e < 8; ++e) c.mask.push_back({2, e});
  EXPECT_NE(message(c).find("every expert of layer 2"), std::string::npos);

  EXPECT_THROW(parse_expert_list("1:2,x:3", "--rice"), RoutingError);
  EXPECT_THROW(parse_expert_list("1-2", "--rice"), RoutingError);
  EXPECT_THROW(parse_expert_list("", "--rice"), RoutingError);
  EXPECT_THROW(parse_rice_mode("before"), RoutingError);
  EXPECT_THROW(parse_mask_mode("drop"), RoutingError);
  const auto ids = parse_expert_list("3:5,0:1,3:5", "--rice");
  ASSERT_EQ(ids.size(), 2u);  // duplicates dropped
  EXPECT_EQ(ids[0], (ExpertId{3, 5}));
  EXPECT_EQ(ids[1], (ExpertId{0, 1}));
}

}  // namespace
