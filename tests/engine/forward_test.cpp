// Forward against an independent naive forward pass written here from the math in
// shared/reference/engine.md §1.4 and §2 (double precision, no KV cache, every position recomputed)
// on random tiny checkpoints from write_random_checkpoint: qwen3_moe in f32 and bf16 (GQA, head_dim
// ≠ hidden / heads, dense layers), qwen2_moe, olmoe, mixtral; prefill of all positions, incremental
// decode, and decode == prefill of one more token.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "engine/model/checkpoint.h"
#include "engine/model/checkpoint_writer.h"
#include "engine/forward.h"
#include "engine/cpu/kernels.h"
#include "engine/cpu/kernels_reference.h"
#include "engine/model/weights.h"
#include "engine/cpu/thread_pool.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::TempDir;
using Vec = std::vector<double>;

// ---- Naive reference (plain loops, double) ------------------------------------------------------

double at(const TensorView& t, std::int64_t i) { return reference::element(t, i); }  // any dtype

// y = W x (+ b); W [out, in].
Vec linear(const TensorView& w, const Vec& x, const TensorView* b = nullptr) {
  const std::int64_t out = w.shape[0], in = w.shape[1];
  Vec y(static_cast<std::size_t>(out));
  for (std::int64_t o = 0; o < out; ++o) {
    double s = 0;
    for (std::int64_t i = 0; i < in; ++i) s += at(w, o * in + i) * x[static_cast<std::size_t>(i)];
    y[static_cast<std::size_t>(o)] = s + (b && b->data ? at(*b, o) : 0.0);
  }
  return y;
}

// RMSNorm of x[off, off + n) in place with weight w [n].
void rms(Vec& x, std::size_t off, std::size_t n, const TensorView& w, double eps) {
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i) ss += x[off + i] * x[off + i];
  const double r = 1.0 / std::sqrt(ss / double(n) + eps);
  for (std::size_t i = 0; i < n; ++i) x[off + i] = x[off + i] * r * at(w, static_cast<std::int64_t>(i));
}

// q' = q·cos + rotate_half(q)·sin, rotate_half(q) = concat(-q2, q1), emb = concat(freqs, freqs).
void rope(Vec& x, std::size_t off, int hd, int pos, double theta) {
  Vec rotated(static_cast<std::size_t>(hd));
  for (int i = 0; i < hd; ++i) rotated[i] = i < hd / 2 ? -x[off + i + hd / 2] : x[off + i - hd / 2];
  for (int i = 0; i < hd; ++i) {
    const double freq = pos * std::pow(theta, -2.0 * (i % (hd / 2)) / hd);
    x[off + i] = x[off + i] * std::cos(freq) + rotated[i] * std::sin(freq);
  }
}

Vec swiglu(const MlpWeights& m, const Vec& x) {
  Vec g = linear(m.gate, x), u = linear(m.up, x);
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
  return linear(m.down, g);
}

// Logits [T][V] for every position of `tokens`.
std::vector<Vec> naive_forward(const ModelWeights& w, const std::vector<int>& tokens) {
  const ModelConfig& c = w.config;
  const int T = static_cast<int>(tokens.size()), H = c.hidden_size, nh = c.num_heads, nkv = c.num_kv_heads,
            hd = c.head_dim;
  std::vector<Vec> x(static_cast<std::size_t>(T), Vec(static_cast<std::size_t>(H)));
  for (int t = 0; t < T; ++t)
    for (int i = 0; i < H; ++i) x[t][i] = at(w.embed_tokens, std::int64_t{tokens[t]} * H + i);

  for (const LayerWeights& l : w.layers) {
    // Attention.
    std::vector<Vec> q(T), k(T), v(T);
    for (int t = 0; t < T; ++t) {
      Vec h = x[t];
      rms(h, 0, H, l.input_norm, c.rms_norm_eps);
      q[t] = linear(l.q_proj, h, &l.q_bias);
      k[t] = linear(l.k_proj, h, &l.k_bias);
      v[t] = linear(l.v_proj, h, &l.v_bias);
      if (c.qk_norm && c.qk_norm_per_head) {
        for (int head = 0; head < nh; ++head) rms(q[t], head * hd, hd, l.q_norm, c.rms_norm_eps);
        for (int head = 0; head < nkv; ++head) rms(k[t], head * hd, hd, l.k_norm, c.rms_norm_eps);
      } else if (c.qk_norm) {  // olmoe: over the full projection before the head split
        rms(q[t], 0, q[t].size(), l.q_norm, c.rms_norm_eps);
        rms(k[t], 0, k[t].size(), l.k_norm, c.rms_norm_eps);
      }
      for (int head = 0; head < nh; ++head) rope(q[t], head * hd, hd, t, c.rope_theta);
      for (int head = 0; head < nkv; ++head) rope(k[t], head * hd, hd, t, c.rope_theta);
    }
    for (int t = 0; t < T; ++t) {
      Vec attn(static_cast<std::size_t>(nh * hd), 0.0);
      for (int head = 0; head < nh; ++head) {
        const int kvh = head / (nh / nkv);  // repeat_kv
        Vec s(static_cast<std::size_t>(t + 1));
        double mx = -1e300;
        for (int j = 0; j <= t; ++j) {
          double d = 0;
          for (int i = 0; i < hd; ++i) d += q[t][head * hd + i] * k[j][kvh * hd + i];
          s[j] = d / std::sqrt(double(hd));
          mx = std::max(mx, s[j]);
        }
        double sum = 0;
        for (auto& e : s) sum += (e = std::exp(e - mx));
        for (int j = 0; j <= t; ++j)
          for (int i = 0; i < hd; ++i) attn[head * hd + i] += s[j] / sum * v[j][kvh * hd + i];
      }
      const Vec o = linear(l.o_proj, attn);
      for (int i = 0; i < H; ++i) x[t][i] += o[i];
    }
    // MLP / MoE.
    for (int t = 0; t < T; ++t) {
      Vec h = x[t];
      rms(h, 0, H, l.post_attention_norm, c.rms_norm_eps);
      Vec out(static_cast<std::size_t>(H), 0.0);
      if (!l.is_moe) {
        out = swiglu(l.dense, h);
      } else {
        Vec p = linear(l.router, h);
        const double mx = *std::max_element(p.begin(), p.end());
        double sum = 0;
        for (auto& e : p) sum += (e = std::exp(e - mx));
        for (auto& e : p) e /= sum;
        std::vector<int> idx(p.size());
        std::iota(idx.begin(), idx.end(), 0);
        std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return p[a] > p[b]; });
        idx.resize(static_cast<std::size_t>(c.num_experts_per_tok));
        double topsum = 0;
        for (int e : idx) topsum += p[e];
        for (int e : idx) {
          const double weight = c.norm_topk_prob ? p[e] / topsum : p[e];
          const Vec y = swiglu(l.experts[e], h);
          for (int i = 0; i < H; ++i) out[i] += weight * y[i];
        }
        if (l.shared_expert.gate.data) {
          const Vec y = swiglu(l.shared_expert, h);
          const double g = 1.0 / (1.0 + std::exp(-linear(l.shared_expert_gate, h)[0]));
          for (int i = 0; i < H; ++i) out[i] += g * y[i];
        }
      }
      for (int i = 0; i < H; ++i) x[t][i] += out[i];
    }
  }
  std::vector<Vec> logits;
  for (int t = 0; t < T; ++t) {
    Vec h = x[t];
    rms(h, 0, H, w.final_norm, c.rms_norm_eps);
    logits.push_back(linear(w.lm_head, h));
  }
  return logits;
}

// ---- Fixtures -----------------------------------------------------------------------------------

RandomCheckpointSpec tiny_spec(Architecture arch, DType dtype) {
  RandomCheckpointSpec s;
  s.arch = arch;
  s.dtype = dtype;
  s.vocab_size = 71;
  s.hidden_size = 32;
  s.num_layers = 2;
  s.num_heads = 4;
  s.num_kv_heads = arch == Architecture::kOlmoe ? 4 : 2;
  s.head_dim = 12;  // heads * head_dim != hidden
  s.num_experts = 6;
  s.num_experts_per_tok = 2;
  s.moe_intermediate_size = 20;
  s.rope_theta = arch == Architecture::kOlmoe ? 1e4 : 1e6;
  s.rms_norm_eps = 1e-5;
  s.eos_token_ids = {70};
  s.seed = 3;
  return s;
}

struct Model {
  TempDir dir;
  std::unique_ptr<Checkpoint> checkpoint;
  ModelWeights weights;

  explicit Model(const RandomCheckpointSpec& spec) {
    write_random_checkpoint(spec, dir.path());
    checkpoint = std::make_unique<Checkpoint>(dir.path());
    weights = resolve_model_weights(*checkpoint);
  }
};

const std::vector<int> kPrompt = {5, 17, 3, 64, 0, 42, 42, 9, 30, 11};

// max |a - b| over a row, relative to the row's largest |b| (at least 1).
double row_error(const float* a, const Vec& b) {
  double worst = 0, scale = 1;
  for (std::size_t i = 0; i < b.size(); ++i) {
    worst = std::max(worst, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return worst / scale;
}

void expect_matches_naive(const RandomCheckpointSpec& spec, int threads = 1) {
  Model m(spec);
  ThreadPool pool(threads);
  Forward forward(m.weights, pool);
  const auto want = naive_forward(m.weights, kPrompt);
  const std::size_t V = want[0].size();

  KvCache cache = forward.new_cache();
  const auto all = forward.run(kPrompt, cache, /*all_logits=*/true);  // [T, V]
  ASSERT_EQ(all.size(), kPrompt.size() * V);
  EXPECT_EQ(cache.size(), static_cast<int>(kPrompt.size()));
  for (std::size_t t = 0; t < kPrompt.size(); ++t)
    EXPECT_LT(row_error(&all[t * V], want[t]), 2e-5) << "prefill position " << t;

  // Prefill 4, then decode one token at a time.
  KvCache inc = forward.new_cache();
  auto logits = forward.run(std::span<const int>(kPrompt.data(), 4), inc);
  EXPECT_LT(row_error(logits.data(), want[3]), 2e-5);
  for (std::size_t t = 4; t < kPrompt.size(); ++t) {
    logits = forward.decode(kPrompt[t], inc);
    ASSERT_EQ(logits.size(), V);
    EXPECT_LT(row_error(logits.data(), want[t]), 2e-5) << "decode position " << t;
    // Decode after prefill N equals prefill N + 1's last logits (same arithmetic per row).
    for (std::size_t i = 0; i < V; ++i) ASSERT_NEAR(logits[i], all[t * V + i], 1e-5) << t << " " << i;
  }
}

TEST(ForwardTest, Qwen3MoeF32MatchesNaiveReference) { expect_matches_naive(tiny_spec(Architecture::kQwen3Moe, DType::kF32)); }

TEST(ForwardTest, Qwen3MoeBF16MatchesNaiveReference) { expect_matches_naive(tiny_spec(Architecture::kQwen3Moe, DType::kBF16)); }

TEST(ForwardTest, Qwen3MoeF16MultiThreadedMatchesNaiveReference) {
  expect_matches_naive(tiny_spec(Architecture::kQwen3Moe, DType::kF16), 3);
}

TEST(ForwardTest, EveryKernelIsaMatchesNaiveReference) {
  for (KernelIsa isa : {KernelIsa::kAvx512Bf16, KernelIsa::kAvx2, KernelIsa::kPortable}) {
    limit_kernel_isa(isa);
    expect_matches_naive(tiny_spec(Architecture::kQwen3Moe, DType::kBF16), 2);
  }
  limit_kernel_isa(KernelIsa::kAvx512Bf16);
}

TEST(ForwardTest, Qwen3MoeWithoutRenormAndWithDenseLayers) {
  auto s = tiny_spec(Architecture::kQwen3Moe, DType::kF32);
  s.num_layers = 3;
  s.norm_topk_prob = false;
  s.mlp_only_layers = {0};
  s.decoder_sparse_step = 1;
  s.num_heads = 6;
  s.num_kv_heads = 2;  // 3 q heads per kv head
  expect_matches_naive(s);
}

TEST(ForwardTest, Qwen3MoeMultiHeadAttentionAndTiedEmbeddings) {
  auto s = tiny_spec(Architecture::kQwen3Moe, DType::kBF16);
  s.num_kv_heads = 4;
  s.tie_word_embeddings = true;
  expect_matches_naive(s);
}

TEST(ForwardTest, Qwen2MoeMatchesNaiveReference) { expect_matches_naive(tiny_spec(Architecture::kQwen2Moe, DType::kF32)); }

TEST(ForwardTest, OlmoeMatchesNaiveReference) { expect_matches_naive(tiny_spec(Architecture::kOlmoe, DType::kF32)); }

TEST(ForwardTest, MixtralMatchesNaiveReference) { expect_matches_naive(tiny_spec(Architecture::kMixtral, DType::kBF16)); }

TEST(ForwardTest, FusedExpertLayoutGivesTheSameLogits) {
  auto s = tiny_spec(Architecture::kQwen3Moe, DType::kBF16);
  Model per_expert(s);
  s.fused_experts = true;
  Model fused(s);
  ThreadPool pool(1);
  Forward a(per_expert.weights, pool), b(fused.weights, pool);
  KvCache ca = a.new_cache(), cb = b.new_cache();
  EXPECT_EQ(a.run(kPrompt, ca), b.run(kPrompt, cb));
}

TEST(ForwardTest, ThreadCountDoesNotChangeLogits) {
  Model m(tiny_spec(Architecture::kQwen3Moe, DType::kBF16));
  ThreadPool p1(1), p3(3);
  Forward a(m.weights, p1), b(m.weights, p3);
  KvCache ca = a.new_cache(), cb = b.new_cache();
  EXPECT_EQ(a.run(kPrompt, ca, true), b.run(kPrompt, cb, true));
}

TEST(ForwardTest, TruncatedCacheRecomputesTheSameLogits) {
  Model m(tiny_spec(Architecture::kQwen3Moe, DType::kF32));
  ThreadPool pool(1);
  Forward f(m.weights, pool);
  KvCache cache = f.new_cache();
  const auto first = f.run(kPrompt, cache);
  cache.truncate(6);
  const auto again = f.run(std::span<const int>(kPrompt.data() + 6, kPrompt.size() - 6), cache);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_NEAR(first[i], again[i], 1e-5);
}

TEST(ForwardTest, RejectsEmptyInputAndOutOfRangeTokens) {
  Model m(tiny_spec(Architecture::kQwen3Moe, DType::kF32));
  ThreadPool pool(1);
  Forward f(m.weights, pool);
  KvCache cache = f.new_cache();
  EXPECT_THROW(f.run(std::vector<int>{}, cache), std::invalid_argument);
  EXPECT_THROW(f.run(std::vector<int>{1, 71}, cache), std::invalid_argument);
  EXPECT_THROW(f.decode(-1, cache), std::invalid_argument);
  EXPECT_EQ(cache.size(), 0);
  ModelConfig other = m.weights.config;
  other.num_kv_heads = 1;
  KvCache wrong(other);
  EXPECT_THROW(f.decode(1, wrong), std::invalid_argument);
}

}  // namespace
