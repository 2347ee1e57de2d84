// resolve_model_weights: tensor names per architecture (see /work/shared/reference/engine.md §1.3, §2).
#include "engine/model/weights.h"

#include <fmt/format.h>

#include "engine/model/checkpoint.h"
#include "engine/model/checkpoint_error.h"

namespace gauntlet::engine {
namespace {

using Shape = std::vector<std::int64_t>;

// A [rows, cols] slice starting at element `offset` of a fused tensor.
TensorView slice(const TensorView& fused, std::int64_t offset, Shape shape, const std::string& name) {
  TensorView view;
  view.name = name;
  view.dtype = fused.dtype;
  view.shape = std::move(shape);
  view.data = static_cast<const char*>(fused.data) + static_cast<std::size_t>(offset) * dtype_size(fused.dtype);
  return view;
}

MlpWeights mlp(const Checkpoint& ck, const std::string& prefix, const std::string& gate, const std::string& up,
               const std::string& down, std::int64_t width, std::int64_t hidden) {
  return {ck.tensor(prefix + gate, {width, hidden}), ck.tensor(prefix + up, {width, hidden}),
          ck.tensor(prefix + down, {hidden, width})};
}

}  // namespace

ModelWeights resolve_model_weights(const Checkpoint& ck) {
  const ModelConfig& c = ck.config();
  ModelWeights w;
  w.config = c;
  const std::int64_t H = c.hidden_size, V = c.vocab_size, E = c.num_experts, ff = c.moe_intermediate_size;
  const std::int64_t q_width = std::int64_t{c.num_heads} * c.head_dim;
  const std::int64_t kv_width = std::int64_t{c.num_kv_heads} * c.head_dim;
  const bool mixtral = c.arch == Architecture::kMixtral;

  w.embed_tokens = ck.tensor("model.embed_tokens.weight", {V, H});
  w.final_norm = ck.tensor("model.norm.weight", {H});
  w.lm_head = c.tie_word_embeddings ? w.embed_tokens : ck.tensor("lm_head.weight", {V, H});

  w.layers.resize(static_cast<std::size_t>(c.num_layers));
  for (int i = 0; i < c.num_layers; ++i) {
    LayerWeights& l = w.layers[static_cast<std::size_t>(i)];
    const std::string p = fmt::format("model.layers.{}.", i);
    l.input_norm = ck.tensor(p + "input_layernorm.weight", {H});
    l.post_attention_norm = ck.tensor(p + "post_attention_layernorm.weight", {H});
    l.q_proj = ck.tensor(p + "self_attn.q_proj.weight", {q_width, H});
    l.k_proj = ck.tensor(p + "self_attn.k_proj.weight", {kv_width, H});
    l.v_proj = ck.tensor(p + "self_attn.v_proj.weight", {kv_width, H});
    l.o_proj = ck.tensor(p + "self_attn.o_proj.weight", {H, q_width});
    if (c.qkv_bias) {
      l.q_bias = ck.tensor(p + "self_attn.q_proj.bias", {q_width});
      l.k_bias = ck.tensor(p + "self_attn.k_proj.bias", {kv_width});
      l.v_bias = ck.tensor(p + "self_attn.v_proj.bias", {kv_width});
    }
    if (c.qk_norm) {
      l.q_norm = ck.tensor(p + "self_attn.q_norm.weight", {c.qk_norm_per_head ? c.head_dim : q_width});
      l.k_norm = ck.tensor(p + "self_attn.k_norm.weight", {c.qk_norm_per_head ? c.head_dim : kv_width});
    }

    l.is_moe = c.is_moe_layer(i);
    if (!l.is_moe) {
      const std::int64_t dff = c.intermediate_size;
      l.dense = mlp(ck, p + "mlp.", "gate_proj.weight", "up_proj.weight", "down_proj.weight", dff, H);
      continue;
    }
    l.experts.resize(static_cast<std::size_t>(E));
    if (mixtral) {
      const std::string m = p + "block_sparse_moe.";
      l.router = ck.tensor(m + "gate.weight", {E, H});
      for (std::int64_t e = 0; e < E; ++e)
        l.experts[static_cast<std::size_t>(e)] =
            mlp(ck, fmt::format("{}experts.{}.", m, e), "w1.weight", "w3.weight", "w2.weight", ff, H);
    } else {
      l.router = ck.tensor(p + "mlp.gate.weight", {E, H});
      const std::string fused_gate_up = p + "mlp.experts.gate_up_proj";
      if (ck.contains(fused_gate_up)) {
        const TensorView& gate_up = ck.tensor(fused_gate_up, {E, 2 * ff, H});
        const TensorView& down = ck.tensor(p + "mlp.experts.down_proj", {E, H, ff});
        for (std::int64_t e = 0; e < E; ++e) {
          auto& x = l.experts[static_cast<std::size_t>(e)];
          x.gate = slice(gate_up, e * 2 * ff * H, {ff, H}, fmt::format("{}[{}].gate", fused_gate_up, e));
          x.up = slice(gate_up, e * 2 * ff * H + ff * H, {ff, H}, fmt::format("{}[{}].up", fused_gate_up, e));
          x.down = slice(down, e * H * ff, {H, ff}, fmt::format("{}mlp.experts.down_proj[{}]", p, e));
        }
      } else {
        for (std::int64_t e = 0; e < E; ++e)
          l.experts[static_cast<std::size_t>(e)] = mlp(ck, fmt::format("{}mlp.experts.{}.", p, e), "gate_proj.weight",
                                                       "up_proj.weight", "down_proj.weight", ff, H);
      }
      // A checkpoint with shared-expert tensors whose config says there is none would silently lose
      // the shared expert (and change every token): refuse it.
      if (c.arch == Architecture::kQwen2Moe && c.shared_expert_intermediate_size == 0) {
        for (const char* name : {"mlp.shared_expert.gate_proj.weight", "mlp.shared_expert_gate.weight"})
          if (ck.contains(p + name))
            throw CheckpointError(fmt::format(
                "checkpoint {}: config.json: shared_expert_intermediate_size is 0 (no shared expert) but tensor {} "
                "exists",
                ck.dir().string(), p + name));
      }
      if (c.arch == Architecture::kQwen2Moe && c.shared_expert_intermediate_size > 0) {
        l.shared_expert = mlp(ck, p + "mlp.shared_expert.", "gate_proj.weight", "up_proj.weight", "down_proj.weight",
                              c.shared_expert_intermediate_size, H);
        l.shared_expert_gate = ck.tensor(p + "mlp.shared_expert_gate.weight", {1, H});
      }
    }
  }
  return w;
}

}  // namespace gauntlet::engine
