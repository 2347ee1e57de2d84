// Routing controls, traces and expert finders through the Engine on random f32 checkpoints:
// neutral controls reproduce the unsteered tokens bit for bit, a mask leaving one expert routes
// every token there, traces line up with tokens, zero masks act only on routed experts, the
// super-expert probe finds a planted outlier, and nPMI finds a planted token/expert association.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/model/checkpoint_writer.h"
#include "engine/engine.h"
#include "engine/expert_stats.h"
#include "engine/text/tokenizer_writer.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::TempDir;

RandomCheckpointSpec small_spec(const Tokenizer& tok) {
  RandomCheckpointSpec s;
  s.vocab_size = tok.vocab_size();
  s.hidden_size = 32;
  s.num_layers = 3;
  s.mlp_only_layers = {1};
  s.num_heads = 4;
  s.num_kv_heads = 2;
  s.head_dim = 8;
  s.num_experts = 8;
  s.num_experts_per_tok = 2;
  s.moe_intermediate_size = 16;
  s.intermediate_size = 32;
  s.dtype = DType::kF32;
  s.seed = 5;
  return s;
}

// Multiplies one f32 tensor of a single-file checkpoint in place.
void scale_tensor(const std::string& file, const std::string& name, float factor) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f);
  std::uint64_t header_len = 0;
  f.read(reinterpret_cast<char*>(&header_len), 8);
  std::string header(header_len, '\0');
  f.read(header.data(), static_cast<std::streamsize>(header_len));
  const auto j = nlohmann::json::parse(header);
  ASSERT_TRUE(j.contains(name)) << name;
  ASSERT_EQ(j[name]["dtype"], "F32");
  const auto begin = j[name]["data_offsets"][0].get<std::uint64_t>();
  const auto end = j[name]["data_offsets"][1].get<std::uint64_t>();
  std::vector<float> data((end - begin) / 4);
  f.seekg(static_cast<std::streamoff>(8 + header_len + begin));
  f.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(end - begin));
  for (auto& x : data) x *= factor;
  f.seekp(static_cast<std::streamoff>(8 + header_len + begin));
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(end - begin));
}

class RoutingEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    write_default_tokenizer(dir_->path());
    const Tokenizer tok = Tokenizer::load(dir_->path());
    write_random_checkpoint(small_spec(tok), dir_->path());
    engine_ = new Engine(dir_->path());
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
  }
  static GenerationRequest request() {
    GenerationRequest r;
    r.prompt = "The quick brown fox jumps over the lazy dog; 12 + 30 = 42.";
    r.max_tokens = 24;
    r.sampling.temperature = 0;
    r.sampling.top_logprobs = 3;
    r.ignore_eos = true;
    return r;
  }
  static TempDir* dir_;
  static Engine* engine_;
};
TempDir* RoutingEngineTest::dir_ = nullptr;
Engine* RoutingEngineTest::engine_ = nullptr;

void expect_identical(const GenerationResult& a, const GenerationResult& b, const std::string& label) {
  ASSERT_EQ(a.token_ids(), b.token_ids()) << label;
  for (std::size_t i = 0; i < a.tokens.size(); ++i) {
    EXPECT_EQ(a.tokens[i].logprob, b.tokens[i].logprob) << label << " token " << i;
    ASSERT_EQ(a.tokens[i].top.size(), b.tokens[i].top.size());
    for (std::size_t k = 0; k < a.tokens[i].top.size(); ++k)
      EXPECT_EQ(a.tokens[i].top[k].logprob, b.tokens[i].top[k].logprob) << label;
  }
}

TEST_F(RoutingEngineTest, NeutralControlsReproduceUnsteeredTokensExactly) {
  const auto base = engine_->generate(request());
  std::vector<std::pair<std::string, RoutingControls>> variants;
  RoutingControls c;
  c.rice = {{0, 1}, {2, 3}};
  c.rice_beta = 1;
  variants.push_back({"rice beta 1 after_topk", c});
  c.rice_mode = RiceMode::kBeforeTopK;
  variants.push_back({"rice beta 1 before_topk", c});
  c = {};
  c.top_p = 1.0;
  c.max_experts = 2;
  variants.push_back({"top-p 1 clamped to k", c});
  c.top_p = 0.3;
  c.min_experts = 2;
  variants.push_back({"top-p 0.3 clamped to exactly k", c});
  c = {};
  c.top_k = 2;
  variants.push_back({"top-k = config k", c});
  for (const auto& [label, controls] : variants) {
    auto r = request();
    r.routing = controls;
    expect_identical(base, engine_->generate(r), label);
  }
  // And a control that is not neutral does change the output.
  auto r = request();
  r.routing = RoutingControls{};
  r.routing->rice = {{0, 1}, {2, 3}};
  r.routing->rice_beta = 64;
  r.routing->rice_mode = RiceMode::kBeforeTopK;
  const auto steered = engine_->generate(r);
  bool differs = steered.token_ids() != base.token_ids();
  for (std::size_t i = 0; !differs && i < base.tokens.size(); ++i)
    differs = steered.tokens[i].logprob != base.tokens[i].logprob;
  EXPECT_TRUE(differs);
}

TEST_F(RoutingEngineTest, TraceHasOneEntryPerTokenAndMoeLayer) {
  auto r = request();
  r.trace_routing = true;
  r.trace_prompt_routing = true;
  const auto out = engine_->generate(r);
  ASSERT_EQ(out.routing.size(), out.tokens.size());
  ASSERT_EQ(out.prompt_routing.size(), out.prompt_ids.size());
  for (const auto* trace : {&out.routing, &out.prompt_routing})
    for (const auto& position : *trace) {
      ASSERT_EQ(position.size(), 2u);  // layers 0 and 2; layer 1 is dense
      EXPECT_EQ(position[0].layer, 0);
      EXPECT_EQ(position[1].layer, 2);
      for (const auto& lr : position) {
        ASSERT_EQ(lr.experts.size(), 2u);
        EXPECT_NE(lr.experts[0], lr.experts[1]);
        EXPECT_NEAR(lr.weights[0] + lr.weights[1], 1.0, 1e-5);
        EXPECT_GE(lr.weights[0], lr.weights[1]);
      }
    }
  EXPECT_EQ(out.prompt_routing.back()[0].experts, out.routing.front()[0].experts);
  // Tracing does not change what is generated.
  expect_identical(out, engine_->generate(request()), "traced vs untraced");
  // Teacher forcing the same sequence routes the same way.
  std::vector<int> ids = out.prompt_ids;
  for (std::size_t i = 0; i + 1 < out.tokens.size(); ++i) ids.push_back(out.tokens[i].id);
  std::vector<PositionRoutes> forced;
  engine_->teacher_force(ids, nullptr, &forced, nullptr);
  ASSERT_EQ(forced.size(), out.prompt_ids.size() + out.tokens.size() - 1);
  int same = 0;
  for (std::size_t i = 0; i < out.tokens.size(); ++i)
    same += forced[out.prompt_ids.size() - 1 + i][1].experts == out.routing[i][1].experts;
  EXPECT_GE(same, static_cast<int>(out.tokens.size()) - 1);  // prefill vs decode rounding may flip a near tie
}

TEST_F(RoutingEngineTest, MaskLeavingOneExpertRoutesEveryTokenThere) {
  auto r = request();
  r.trace_routing = true;
  r.trace_prompt_routing = true;
  r.routing = RoutingControls{};
  for (int e = 0; e < 8; ++e)
    if (e != 6) r.routing->mask.push_back({2, e});
  r.routing->top_p = 0.5;  // even top-p finds only expert 6
  const auto out = engine_->generate(r);
  for (const auto* trace : {&out.routing, &out.prompt_routing})
    for (const auto& position : *trace) {
      ASSERT_EQ(position[1].layer, 2);
      ASSERT_EQ(position[1].experts, std::vector<int>{6});
      EXPECT_NEAR(position[1].weights[0], 1.0, 1e-6);
      EXPECT_GE(position[0].experts.size(), 1u);  // layer 0 untouched by the mask
    }
}

TEST_F(RoutingEngineTest, ZeroMaskActsOnlyOnRoutedExperts) {
  auto r = request();
  r.trace_routing = true;
  r.trace_prompt_routing = true;
  const auto base = engine_->generate(r);
  std::vector<int> used(8, 0);
  for (const auto* trace : {&base.routing, &base.prompt_routing})
    for (const auto& position : *trace)
      for (int e : position[1].experts) ++used[static_cast<std::size_t>(e)];
  int unused = -1;
  for (int e = 0; e < 8; ++e)
    if (used[static_cast<std::size_t>(e)] == 0) unused = e;
  // Layer 2 is the last: its MoE output reaches only its own position, so zero an expert routed
  // at the position that produced the first token.
  const int busiest = base.routing.front()[1].experts[0];
  r.routing = RoutingControls{};
  r.routing->mask_mode = MaskMode::kZero;
  r.routing->mask = {{2, busiest}};
  const auto zeroed = engine_->generate(r);
  EXPECT_NE(zeroed.tokens[0].logprob, base.tokens[0].logprob);
  // Zeroing keeps the routing itself: the busiest expert still appears in the trace.
  bool still_routed = false;
  for (const auto& position : zeroed.prompt_routing)
    for (int e : position[1].experts) still_routed |= e == busiest;
  EXPECT_TRUE(still_routed);
  if (unused >= 0) {
    r.routing->mask = {{2, unused}};
    expect_identical(base, engine_->generate(r), "zeroing an expert nobody uses");
  }
}

TEST_F(RoutingEngineTest, BadControlsAreRejectedWithTheirName) {
  auto r = request();
  r.routing = RoutingControls{};
  r.routing->rice = {{1, 0}};  // dense layer
  r.routing->rice_beta = 2;
  EXPECT_THROW(engine_->generate(r), RoutingError);
  r.routing = RoutingControls{};
  r.routing->top_k = 99;
  EXPECT_THROW(engine_->generate(r), RoutingError);
  // The engine is still usable afterwards, with its default routing.
  expect_identical(engine_->generate(request()), engine_->generate(request()), "after errors");
}

TEST(SuperExperts, PlantedOutlierExpertIsFound) {
  TempDir dir;
  write_default_tokenizer(dir.path());
  const Tokenizer tok = Tokenizer::load(dir.path());
  auto spec = small_spec(tok);
  spec.num_layers = 4;
  spec.mlp_only_layers = {};
  spec.num_experts = 16;
  write_random_checkpoint(spec, dir.path());
  scale_tensor(dir.file("model.safetensors"), "model.layers.1.mlp.experts.11.down_proj.weight", 500.0f);
  Engine engine(dir.path());
  std::vector<int> ids = tok.encode(
      "def f(a):\n    return a * 2 + 1\n\nprint(f(20)) # 41\nThe answer is 41. Numbers: 1 2 3 4 5 6 7 8 9 10 "
      "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau");
  RoutingControls force;  // make sure the planted expert sees tokens
  force.rice = {{1, 11}};
  force.rice_beta = 64;
  force.rice_mode = RiceMode::kBeforeTopK;
  ExpertProbe probe(engine.config());
  engine.teacher_force(ids, nullptr, nullptr, &probe);
  engine.teacher_force(ids, &force, nullptr, &probe);
  ASSERT_GT(probe.selected_at(1, 11), 0);
  const auto report = find_super_experts(probe);
  EXPECT_EQ(report.layers_considered, 3);
  ASSERT_EQ(report.experts.size(), 1u);
  EXPECT_EQ(report.experts[0].layer, 1);
  EXPECT_EQ(report.experts[0].expert, 11);
  // The planted expert dominates: every other expert is far below a tenth of it.
  float second = 0;
  for (int l = 0; l < 4; ++l)
    for (int e = 0; e < 16; ++e)
      if (!(l == 1 && e == 11)) second = std::max(second, probe.max_at(l, e));
  EXPECT_LT(second * 10, report.experts[0].output_max);
}

TEST(SuperExperts, CriterionOnSyntheticMaxima) {
  ModelConfig config;
  config.num_layers = 8;
  config.num_experts = 125;  // 6 considered layers x 125 = 750 values; P99.5 sits between ranks 745 and 746
  ExpertProbe probe(config);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> small(1.0f, 5.0f);
  for (auto& v : probe.output_max) v = small(rng);
  for (auto& n : probe.selected) n = 1;
  probe.output_max[probe.index(0, 7)] = 400;
  probe.output_max[probe.index(2, 100)] = 300;
  probe.output_max[probe.index(5, 0)] = 90;
  probe.output_max[probe.index(4, 4)] = 30;  // above P99.5 but below a tenth of 400
  probe.output_max[probe.index(7, 1)] = 1000;  // last 25% of layers: not considered
  probe.output_max[probe.index(3, 3)] = 2000;
  probe.selected[probe.index(3, 3)] = 0;  // never routed: no statistic
  const auto report = find_super_experts(probe);
  EXPECT_EQ(report.layers_considered, 6);
  EXPECT_DOUBLE_EQ(report.global_max, 400);
  ASSERT_EQ(report.experts.size(), 3u);
  EXPECT_EQ(report.experts[0].layer, 0);
  EXPECT_EQ(report.experts[0].expert, 7);
  EXPECT_EQ(report.experts[1].expert, 100);
  EXPECT_EQ(report.experts[2].layer, 5);
}

TEST(Npmi, PlantedAssociationRanksFirst) {
  // 2000 positions over tokens 0..19; target token 7. Layer 1 expert 5 is selected at every target
  // position and rarely elsewhere; everything else is uniform.
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> token(0, 19), expert(0, 7), coin(0, 99);
  std::vector<int> ids;
  std::vector<PositionRoutes> trace;
  for (int i = 0; i < 2000; ++i) {
    const int t = token(rng);
    ids.push_back(t);
    PositionRoutes pos;
    for (int layer : {0, 1}) {
      LayerRoute lr;
      lr.layer = layer;
      int a = expert(rng);
      if (layer == 1 && (t == 7 || coin(rng) < 3)) a = 5;
      else if (layer == 1 && a == 5) a = 4;
      int b = expert(rng);
      while (b == a || (layer == 1 && b == 5)) b = expert(rng);
      lr.experts = {a, b};
      lr.weights = {0.6f, 0.4f};
      pos.push_back(lr);
    }
    trace.push_back(pos);
  }
  NpmiCounter counter(2, 8, {7});
  counter.add(ids, trace);
  const auto ranking = counter.ranking();
  ASSERT_EQ(ranking.size(), 16u);
  EXPECT_EQ(ranking[0].layer, 1);
  EXPECT_EQ(ranking[0].expert, 5);
  EXPECT_DOUBLE_EQ(ranking[0].target_rate, 1.0);
  EXPECT_GT(ranking[0].npmi, 0.5);
  EXPECT_LT(ranking[1].npmi, 0.2);
  // Hand check of the formula on the winner.
  const double n = 2000, px = double(counter.target_positions()) / n;
  const double pe = double(ranking[0].selected) / n, pxe = double(ranking[0].joint) / n;
  EXPECT_NEAR(ranking[0].npmi, std::log(pxe / (px * pe)) / -std::log(pxe), 1e-12);
  // A mismatched trace is an error, not a silent miscount.
  ids.pop_back();
  EXPECT_THROW(counter.add(ids, trace), std::invalid_argument);
}

}  // namespace
