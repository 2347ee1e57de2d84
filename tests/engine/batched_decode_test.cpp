// Forward::decode_batch: B sequences (different prompt lengths, routing controls and KV layouts)
// advanced together give, row for row, bit-identical logits and routing traces to each sequence
// decoded alone with Forward::decode, for every batch composition and order.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>

#include "engine/cpu/kernels.h"
#include "engine/cpu/thread_pool.h"
#include "engine/forward.h"
#include "engine/model/checkpoint.h"
#include "engine/model/checkpoint_writer.h"
#include "engine/model/weights.h"
#include "engine/serve/paged_sequence.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::TempDir;

RandomCheckpointSpec spec(Architecture arch, DType dtype) {
  RandomCheckpointSpec s;
  s.arch = arch;
  s.dtype = dtype;
  s.vocab_size = 71;
  s.hidden_size = 40;
  s.num_layers = 2;
  s.num_heads = 4;
  s.num_kv_heads = 2;
  s.head_dim = 12;
  s.num_experts = 6;
  s.num_experts_per_tok = 2;
  s.moe_intermediate_size = 20;
  s.seed = 9;
  return s;
}

struct Model {
  TempDir dir;
  std::unique_ptr<Checkpoint> checkpoint;
  ModelWeights weights;
  explicit Model(const RandomCheckpointSpec& s) {
    write_random_checkpoint(s, dir.path());
    checkpoint = std::make_unique<Checkpoint>(dir.path());
    weights = resolve_model_weights(*checkpoint);
  }
};

int argmax(const float* row, int n) { return static_cast<int>(std::max_element(row, row + n) - row); }

void expect_batch_matches_alone(const RandomCheckpointSpec& s, int threads) {
  Model m(s);
  ThreadPool pool(threads);
  Forward f(m.weights, pool);
  const ModelConfig& c = m.weights.config;
  const int V = static_cast<int>(m.weights.lm_head.shape[0]);

  RoutingControls top1;
  top1.top_k = 1;
  RoutingControls zero;
  zero.mask = {{0, 1}, {1, 2}};
  zero.mask_mode = MaskMode::kZero;
  RoutingControls top_p;
  top_p.top_p = 0.6;
  const RoutingPlan plans[] = {RoutingPlan(RoutingControls{}, c), RoutingPlan(top1, c), RoutingPlan(zero, c),
                               RoutingPlan(top_p, c)};

  const int B = 6;
  BlockPool blocks(c, 64, 4);
  struct Seq {
    std::vector<int> prompt;
    const RoutingPlan* plan;
    KvCache alone;
    std::unique_ptr<PagedSequence> paged;
    int next = 0;
  };
  std::vector<Seq> seqs;
  for (int b = 0; b < B; ++b) {
    std::vector<int> prompt(static_cast<std::size_t>(1 + 3 * b));
    for (std::size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<int>((7 * i + 13 * b + 1) % 70);
    seqs.push_back({prompt, &plans[b % 4], KvCache(c), std::make_unique<PagedSequence>(blocks), 0});
  }
  for (auto& sq : seqs) {
    f.set_routing(sq.plan);
    const auto a = f.run(sq.prompt, sq.alone);
    const auto p = f.run(sq.prompt, *sq.paged);
    ASSERT_EQ(a, p) << "prefill into paged blocks == contiguous";
    sq.next = argmax(a.data(), V);
  }
  f.set_routing(nullptr);

  // Steps over varying subsets and orders: all, reversed, odd ones, a single one.
  std::vector<std::vector<int>> steps;
  std::vector<int> all(B);
  std::iota(all.begin(), all.end(), 0);
  steps.push_back(all);
  steps.push_back({5, 4, 3, 2, 1, 0});
  steps.push_back({1, 3, 5});
  steps.push_back({2});
  steps.push_back({0, 2, 4, 1});
  steps.push_back(all);
  for (const auto& step : steps) {
    std::vector<Forward::DecodeSlot> slots;
    std::vector<PositionRoutes> batch_traces(step.size());
    for (std::size_t i = 0; i < step.size(); ++i) {
      Seq& sq = seqs[static_cast<std::size_t>(step[i])];
      slots.push_back({sq.next, sq.paged.get(), sq.plan, &batch_traces[i]});
    }
    const auto view = f.decode_batch(slots);  // the Forward's buffer: copied before the next call
    const std::vector<float> batched(view.begin(), view.end());
    ASSERT_EQ(batched.size(), step.size() * static_cast<std::size_t>(V));
    for (std::size_t i = 0; i < step.size(); ++i) {
      Seq& sq = seqs[static_cast<std::size_t>(step[i])];
      std::vector<PositionRoutes> trace;
      f.set_routing(sq.plan);
      f.set_trace(&trace);
      const auto alone = f.decode(sq.next, sq.alone);
      f.set_trace(nullptr);
      f.set_routing(nullptr);
      ASSERT_TRUE(std::equal(alone.begin(), alone.end(), batched.begin() + static_cast<std::ptrdiff_t>(i * V)))
          << "sequence " << step[i] << " in a batch of " << step.size();
      ASSERT_EQ(trace.size(), 1u);
      ASSERT_EQ(trace[0].size(), batch_traces[i].size());
      for (std::size_t l = 0; l < trace[0].size(); ++l) {
        EXPECT_EQ(trace[0][l].experts, batch_traces[i][l].experts);
        EXPECT_EQ(trace[0][l].weights, batch_traces[i][l].weights);
      }
      EXPECT_EQ(sq.alone.size(), sq.paged->size());
      sq.next = argmax(alone.data(), V);
    }
  }
}

TEST(BatchedDecodeTest, Qwen3MoeBF16RowsMatchDecodingAlone) {
  expect_batch_matches_alone(spec(Architecture::kQwen3Moe, DType::kBF16), 1);
}

TEST(BatchedDecodeTest, Qwen2MoeSharedExpertThreeThreadsRowsMatchDecodingAlone) {
  expect_batch_matches_alone(spec(Architecture::kQwen2Moe, DType::kF32), 3);
}

TEST(BatchedDecodeTest, EveryKernelIsaRowsMatchDecodingAlone) {
  for (KernelIsa isa : {KernelIsa::kAvx2, KernelIsa::kPortable}) {
    limit_kernel_isa(isa);
    expect_batch_matches_alone(spec(Architecture::kOlmoe, DType::kF16), 2);
  }
  limit_kernel_isa(KernelIsa::kAvx512Bf16);
}

TEST(BatchedDecodeTest, RejectsSharedCachesAndBadTokensWithoutTouchingTheCaches) {
  Model m(spec(Architecture::kQwen3Moe, DType::kF32));
  ThreadPool pool(1);
  Forward f(m.weights, pool);
  KvCache a(m.weights.config), b(m.weights.config);
  EXPECT_THROW(f.decode_batch(std::vector<Forward::DecodeSlot>{}), std::invalid_argument);
  EXPECT_THROW(f.decode_batch(std::vector<Forward::DecodeSlot>{{1, &a}, {2, &a}}), std::invalid_argument);
  EXPECT_THROW(f.decode_batch(std::vector<Forward::DecodeSlot>{{1, &a}, {99, &b}}), std::invalid_argument);
  EXPECT_EQ(a.size(), 0);
  EXPECT_EQ(b.size(), 0);
}

}  // namespace
