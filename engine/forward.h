#pragma once
// Forward: the decoder forward pass on the CPU over ModelWeights (qwen3_moe, qwen2_moe, olmoe,
// mixtral). One call runs T new tokens of one sequence at positions cache.size() ..
// cache.size() + T - 1, appends their keys/values to the cache and returns logits. Prefill (T > 1)
// uses batched matrix products; decode is the same code with T = 1. Per layer, pre-norm:
//   x += o_proj(attention(rms(x)))        per-head (qwen3) / full-width (olmoe) q/k RMSNorm, NEOX
//                                         RoPE, GQA (q head h → kv head h / (nh / nkv)), causal
//   x += moe(rms(x))  or  mlp(rms(x))     router softmax over all experts → top-k → renormalise iff
//                                         norm_topk_prob; SwiGLU experts, each run over the tokens
//                                         routed to it; qwen2_moe adds sigmoid-gated shared expert
// logits = lm_head(rms(x)).
// decode_batch() advances B sequences, each with its own KV cache, position, routing and trace, by one
// token together: every weight matrix is read once for all B rows, through batch-invariant kernels
// (kernels.h matmul_invariant), so each row's logits are bit-identical to a one-token run() of that
// sequence alone, whatever else is in the batch.
// Not thread-safe (holds scratch buffers): one Forward per thread; weights are shared read-only.
#include <span>
#include <vector>

#include "engine/cpu/aligned_vector.h"
#include "engine/kv_cache.h"
#include "engine/model/weights.h"
#include "engine/routing.h"

namespace gauntlet::engine {

class ThreadPool;

// Per (layer, expert): the largest |down_proj output| seen (the Super Experts statistic) and how
// many tokens were routed there, accumulated over every run while attached to a Forward.
struct ExpertProbe {
  int num_layers = 0;
  int num_experts = 0;
  std::vector<float> output_max;       // [L * E]
  std::vector<std::int64_t> selected;  // [L * E]
  explicit ExpertProbe(const ModelConfig& config);
  float max_at(int layer, int expert) const { return output_max[index(layer, expert)]; }
  std::int64_t selected_at(int layer, int expert) const { return selected[index(layer, expert)]; }
  std::size_t index(int layer, int expert) const { return static_cast<std::size_t>(layer * num_experts + expert); }
};

class Forward {
 public:
  Forward(const ModelWeights& weights, ThreadPool& pool);

  // Logits [V] of the last token, or [T, V] when all_logits. Throws std::invalid_argument for an
  // empty input or a token id outside [0, V).
  std::vector<float> run(std::span<const int> tokens, KvSequence& cache, bool all_logits = false);
  std::vector<float> decode(int token, KvSequence& cache) { return run(std::span<const int>(&token, 1), cache); }

  // One sequence of a batched decode step: its next input token, its cache (the token goes at
  // position cache->size()), its routing (nullptr: the checkpoint's router) and, when set, where
  // its PositionRoutes go. The set_routing / set_trace hooks do not apply to decode_batch.
  struct DecodeSlot {
    int token = 0;
    KvSequence* cache = nullptr;
    const RoutingPlan* plan = nullptr;
    PositionRoutes* trace = nullptr;
  };
  // Logits [B, V], row b for slots[b], in a buffer of the Forward's own: valid until its next call
  // (not reallocated every step: [32, 151k] floats is 19 MB). The caches must be distinct. Throws
  // std::invalid_argument as run() does.
  std::span<const float> decode_batch(std::span<const DecodeSlot> slots);

  const ModelConfig& config() const { return w_.config; }
  KvCache new_cache() const { return KvCache(w_.config); }

  // Routing for the following runs (nullptr: the checkpoint's own router). The plan must outlive
  // its use.
  void set_routing(const RoutingPlan* plan) { plan_ = plan ? plan : &default_plan_; }
  // When set, each run appends one PositionRoutes per input token (nullptr: no tracing).
  void set_trace(std::vector<PositionRoutes>* trace) { trace_ = trace; }
  // When set, each run updates the probe (nullptr: none).
  void set_probe(ExpertProbe* probe) { probe_ = probe; }

 private:
  // The rows of one call: row t is token tokens_[t] of caches_[t] at positions_[t], routed by
  // plans_[t], traced into traces_[t] (nullptr: none). `invariant_` picks matmul_invariant.
  std::span<const float> forward_rows(int first_logit_row);  // into logits_
  void check_cache(const KvSequence& cache) const;
  void check_tokens() const;  // every id of tokens_ in the vocabulary
  void attention(int layer, int tokens);  // xn_ → branch_
  void moe(int layer, int tokens);        // xn_ → branch_
  // out [n, H] = down(silu(gate(x)) · up(x)), x [n, H].
  void mlp(const MlpWeights& m, const float* x, int n, float* out);
  void mm(const float* x, std::int64_t tokens, const TensorView& w, float* out, const TensorView* bias = nullptr);

  const ModelWeights& w_;
  ThreadPool& pool_;
  RoutingPlan default_plan_;
  const RoutingPlan* plan_ = &default_plan_;
  std::vector<PositionRoutes>* trace_ = nullptr;
  ExpertProbe* probe_ = nullptr;
  std::vector<int> tokens_;
  std::vector<int> positions_;
  std::vector<KvSequence*> caches_;
  std::vector<const RoutingPlan*> plans_;
  std::vector<PositionRoutes*> traces_;
  bool invariant_ = false;
  RouterScratch router_scratch_;
  std::vector<Route> routes_;
  // Scratch, sized per call.
  AlignedVector<float> x_;       // [T, H] residual stream
  AlignedVector<float> xn_;      // [T, H] normed
  AlignedVector<float> branch_;  // [T, H] attention / MLP output
  AlignedVector<float> q_;       // [T, nh*hd]
  AlignedVector<float> k_;       // [T, nkv*hd]
  AlignedVector<float> v_;       // [T, nkv*hd]
  AlignedVector<float> attn_;    // [T, nh*hd]
  AlignedVector<float> router_;  // [T, E]
  AlignedVector<float> gate_;    // [n, width]
  AlignedVector<float> up_;      // [n, width]
  AlignedVector<float> rows_in_;   // [n, H] tokens routed to one expert
  AlignedVector<float> rows_out_;  // [n, H]
  AlignedVector<float> logits_;    // [rows, V] of the last call
};

}  // namespace gauntlet::engine
