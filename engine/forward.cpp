#include "engine/forward.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "engine/cpu/kernels.h"
#include "engine/cpu/thread_pool.h"

namespace gauntlet::engine {

namespace {

std::size_t sz(std::int64_t n) { return static_cast<std::size_t>(n); }

}  // namespace

ExpertProbe::ExpertProbe(const ModelConfig& config)
    : num_layers(config.num_layers),
      num_experts(config.num_experts),
      output_max(static_cast<std::size_t>(config.num_layers) * static_cast<std::size_t>(config.num_experts), 0.0f),
      selected(output_max.size(), 0) {}

Forward::Forward(const ModelWeights& weights, ThreadPool& pool)
    : w_(weights), pool_(pool), default_plan_(RoutingControls{}, weights.config) {}

void Forward::check_cache(const KvSequence& cache) const {
  const ModelConfig& c = w_.config;
  if (cache.num_layers() != c.num_layers || cache.row_size() != c.num_kv_heads * c.head_dim)
    throw std::invalid_argument("Forward::run: the KV cache was made for a different model shape");
}

std::vector<float> Forward::run(std::span<const int> tokens, KvSequence& cache, bool all_logits) {
  const int T = static_cast<int>(tokens.size());
  if (T == 0) throw std::invalid_argument("Forward::run: no tokens");
  check_cache(cache);
  const int start = cache.size();
  tokens_.assign(tokens.begin(), tokens.end());
  positions_.resize(sz(T));
  std::iota(positions_.begin(), positions_.end(), start);
  caches_.assign(sz(T), &cache);
  plans_.assign(sz(T), plan_);
  traces_.assign(sz(T), nullptr);
  if (trace_) {
    const std::size_t base = trace_->size();
    trace_->resize(base + sz(T));
    for (int t = 0; t < T; ++t) traces_[sz(t)] = &(*trace_)[base + sz(t)];
  }
  invariant_ = false;
  check_tokens();
  cache.resize(start + T);
  const std::span<const float> logits = forward_rows(all_logits ? 0 : T - 1);
  return std::vector<float>(logits.begin(), logits.end());
}

std::span<const float> Forward::decode_batch(std::span<const DecodeSlot> slots) {
  const int B = static_cast<int>(slots.size());
  if (B == 0) throw std::invalid_argument("Forward::decode_batch: no sequences");
  tokens_.resize(sz(B));
  positions_.resize(sz(B));
  caches_.resize(sz(B));
  plans_.resize(sz(B));
  traces_.resize(sz(B));
  for (int b = 0; b < B; ++b) {
    const DecodeSlot& s = slots[sz(b)];
    if (!s.cache) throw std::invalid_argument("Forward::decode_batch: a slot without a KV cache");
    check_cache(*s.cache);
    for (int a = 0; a < b; ++a)
      if (caches_[sz(a)] == s.cache) throw std::invalid_argument("Forward::decode_batch: two slots share a KV cache");
    tokens_[sz(b)] = s.token;
    positions_[sz(b)] = s.cache->size();
    caches_[sz(b)] = s.cache;
    plans_[sz(b)] = s.plan ? s.plan : &default_plan_;
    traces_[sz(b)] = s.trace;
  }
  invariant_ = true;
  check_tokens();
  for (int b = 0; b < B; ++b) caches_[sz(b)]->resize(positions_[sz(b)] + 1);
  return forward_rows(0);
}

void Forward::check_tokens() const {
  for (int id : tokens_)
    if (id < 0 || id >= w_.embed_tokens.shape[0])
      throw std::invalid_argument("Forward::run: token id " + std::to_string(id) + " outside the vocabulary [0, " +
                                  std::to_string(w_.embed_tokens.shape[0]) + ")");
}

void Forward::mm(const float* x, std::int64_t tokens, const TensorView& w, float* out, const TensorView* bias) {
  if (invariant_)
    matmul_invariant(x, tokens, w, out, pool_, bias);
  else
    matmul(x, tokens, w, out, pool_, bias);
}

std::span<const float> Forward::forward_rows(int first) {
  const ModelConfig& c = w_.config;
  const int T = static_cast<int>(tokens_.size());
  const int H = c.hidden_size;
  const int V = static_cast<int>(w_.lm_head.shape[0]);

  x_.resize(sz(std::int64_t{T} * H));
  xn_.resize(x_.size());
  branch_.resize(x_.size());
  for (int t = 0; t < T; ++t) load_row(w_.embed_tokens, tokens_[sz(t)], &x_[sz(std::int64_t{t} * H)]);  // [T, H]

  for (int layer = 0; layer < c.num_layers; ++layer) {
    const LayerWeights& l = w_.layers[sz(layer)];
    rms_norm(x_.data(), T, l.input_norm, c.rms_norm_eps, xn_.data());
    attention(layer, T);
    for (std::size_t i = 0; i < x_.size(); ++i) x_[i] += branch_[i];

    rms_norm(x_.data(), T, l.post_attention_norm, c.rms_norm_eps, xn_.data());
    if (l.is_moe)
      moe(layer, T);
    else
      mlp(l.dense, xn_.data(), T, branch_.data());
    for (std::size_t i = 0; i < x_.size(); ++i) x_[i] += branch_[i];
  }

  const int rows = T - first;
  rms_norm(&x_[sz(std::int64_t{first} * H)], rows, w_.final_norm, c.rms_norm_eps, xn_.data());
  logits_.resize(sz(std::int64_t{rows} * V));  // [rows, V]
  mm(xn_.data(), rows, w_.lm_head, logits_.data());
  return logits_;
}

void Forward::attention(int layer, int T) {
  const ModelConfig& c = w_.config;
  const LayerWeights& l = w_.layers[sz(layer)];
  const int nh = c.num_heads, nkv = c.num_kv_heads, hd = c.head_dim;
  const int q_width = nh * hd, kv_width = nkv * hd;
  q_.resize(sz(std::int64_t{T} * q_width));
  k_.resize(sz(std::int64_t{T} * kv_width));
  v_.resize(sz(std::int64_t{T} * kv_width));
  attn_.resize(q_.size());

  mm(xn_.data(), T, l.q_proj, q_.data(), &l.q_bias);  // [T, nh*hd]
  mm(xn_.data(), T, l.k_proj, k_.data(), &l.k_bias);  // [T, nkv*hd]
  mm(xn_.data(), T, l.v_proj, v_.data(), &l.v_bias);  // [T, nkv*hd]
  if (c.qk_norm) {
    // Per head: rows of hd (weight [hd]); full width (olmoe): rows of nh*hd (weight [nh*hd]).
    const std::int64_t q_rows = std::int64_t{T} * q_width / l.q_norm.numel();
    const std::int64_t k_rows = std::int64_t{T} * kv_width / l.k_norm.numel();
    rms_norm(q_.data(), q_rows, l.q_norm, c.rms_norm_eps, q_.data());
    rms_norm(k_.data(), k_rows, l.k_norm, c.rms_norm_eps, k_.data());
  }
  rope_neox(q_.data(), T, nh, hd, positions_.data(), c.rope_theta);
  rope_neox(k_.data(), T, nkv, hd, positions_.data(), c.rope_theta);
  for (int t = 0; t < T; ++t) {
    KvSequence& cache = *caches_[sz(t)];
    std::copy_n(&k_[sz(std::int64_t{t} * kv_width)], kv_width, cache.k(layer, positions_[sz(t)]));
    std::copy_n(&v_[sz(std::int64_t{t} * kv_width)], kv_width, cache.v(layer, positions_[sz(t)]));
  }

  // Causal attention, one (token, head) pair per work item, over the token's own cache up to its
  // position; softmax in f32.
  const int group = nh / nkv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  int longest = 0;
  for (int p : positions_) longest = std::max(longest, p + 1);
  pool_.parallel_for(std::int64_t{T} * nh, [&](std::int64_t begin, std::int64_t end) {
    thread_local std::vector<float> scores;
    thread_local std::vector<const float*> k_blocks, v_blocks;
    for (std::int64_t item = begin; item < end; ++item) {
      const int t = static_cast<int>(item / nh), h = static_cast<int>(item % nh);
      const int kvh = h / group;
      const int n_ctx = positions_[sz(t)] + 1;  // positions 0 .. the token's own
      const KvSequence& kv = *caches_[sz(t)];
      const int bs = kv.block_size();
      const int blocks = static_cast<int>((std::int64_t{n_ctx} + bs - 1) / bs);
      k_blocks.resize(sz(blocks));
      v_blocks.resize(sz(blocks));
      for (int b = 0; b < blocks; ++b) {
        k_blocks[sz(b)] = kv.k_block(layer, b) + kvh * hd;
        v_blocks[sz(b)] = kv.v_block(layer, b) + kvh * hd;
      }
      const float* q = &q_[sz(std::int64_t{t} * q_width + std::int64_t{h} * hd)];  // [hd]
      scores.resize(sz(n_ctx));
      float* out = &attn_[sz(std::int64_t{t} * q_width + std::int64_t{h} * hd)];  // [hd]
      attend_blocks(q, k_blocks.data(), v_blocks.data(), bs, kv.row_size(), n_ctx, hd, scale, scores.data(), out);
    }
  }, std::max<std::int64_t>(1, 4096 / (std::int64_t{longest} * hd)));

  mm(attn_.data(), T, l.o_proj, branch_.data());  // [T, H]
}

void Forward::moe(int layer, int T) {
  const ModelConfig& c = w_.config;
  const LayerWeights& l = w_.layers[sz(layer)];
  const int H = c.hidden_size, E = c.num_experts;
  router_.resize(sz(std::int64_t{T} * E));
  mm(xn_.data(), T, l.router, router_.data());  // [T, E]

  // Routing (engine/routing.h): each row's plan; the checkpoint's router unless its controls
  // change it. A zero-masked expert still runs for the rows that do not zero it.
  std::vector<std::vector<int>> routed_tokens(sz(E));
  std::vector<std::vector<float>> routed_weights(sz(E));
  for (int t = 0; t < T; ++t) {
    const LayerRouter& router = plans_[sz(t)]->layer(layer);
    route_token(std::span<const float>(&router_[sz(std::int64_t{t} * E)], sz(E)), router, router_scratch_, routes_);
    for (const Route& r : routes_) {
      if (probe_) ++probe_->selected[probe_->index(layer, r.expert)];
      if (router.is_zeroed(r.expert)) continue;
      routed_tokens[sz(r.expert)].push_back(t);
      routed_weights[sz(r.expert)].push_back(r.weight);
    }
    if (traces_[sz(t)]) {
      LayerRoute entry;
      entry.layer = layer;
      for (const Route& r : routes_) {
        entry.experts.push_back(r.expert);
        entry.weights.push_back(r.weight);
      }
      traces_[sz(t)]->push_back(std::move(entry));
    }
  }

  std::fill(branch_.begin(), branch_.end(), 0.0f);
  for (int e = 0; e < E; ++e) {
    const auto& toks = routed_tokens[sz(e)];
    const int n = static_cast<int>(toks.size());
    if (n == 0) continue;
    rows_in_.resize(sz(std::int64_t{n} * H));
    rows_out_.resize(rows_in_.size());
    for (int i = 0; i < n; ++i)
      std::copy_n(&xn_[sz(std::int64_t{toks[sz(i)]} * H)], H, &rows_in_[sz(std::int64_t{i} * H)]);  // [n, H]
    mlp(l.experts[sz(e)], rows_in_.data(), n, rows_out_.data());  // [n, H]
    if (probe_) {
      float& peak = probe_->output_max[probe_->index(layer, e)];
      for (std::int64_t i = 0; i < std::int64_t{n} * H; ++i) peak = std::max(peak, std::fabs(rows_out_[sz(i)]));
    }
    for (int i = 0; i < n; ++i) {
      const float wgt = routed_weights[sz(e)][sz(i)];
      float* dst = &branch_[sz(std::int64_t{toks[sz(i)]} * H)];
      const float* src = &rows_out_[sz(std::int64_t{i} * H)];
      for (int d = 0; d < H; ++d) dst[d] += wgt * src[d];
    }
  }

  if (l.shared_expert.gate.data) {  // qwen2_moe: out += sigmoid(shared_expert_gate · x) · shared(x)
    rows_out_.resize(sz(std::int64_t{T} * H));
    mlp(l.shared_expert, xn_.data(), T, rows_out_.data());  // [T, H]
    std::vector<float> g(sz(T));                            // [T, 1]
    mm(xn_.data(), T, l.shared_expert_gate, g.data());
    for (int t = 0; t < T; ++t) {
      const float s = 1.0f / (1.0f + std::exp(-g[sz(t)]));
      for (int d = 0; d < H; ++d) branch_[sz(std::int64_t{t} * H + d)] += s * rows_out_[sz(std::int64_t{t} * H + d)];
    }
  }
}

void Forward::mlp(const MlpWeights& m, const float* x, int n, float* out) {
  const std::int64_t width = m.gate.shape[0];
  gate_.resize(sz(n * width));
  up_.resize(gate_.size());
  mm(x, n, m.gate, gate_.data());  // [n, width]
  mm(x, n, m.up, up_.data());      // [n, width]
  silu_mul(gate_.data(), up_.data(), std::int64_t{n} * width, gate_.data());
  mm(gate_.data(), n, m.down, out);  // [n, H]
}

}  // namespace gauntlet::engine
