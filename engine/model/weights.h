#pragma once
// ModelWeights: every tensor the forward pass needs, resolved by name from a Checkpoint and
// shape-checked against its ModelConfig, for qwen3_moe, qwen2_moe, olmoe and mixtral. All views
// point into the checkpoint's memory maps: the Checkpoint must outlive the ModelWeights.
// A TensorView with data == nullptr means "absent for this architecture/layer".
// Shapes (PyTorch order, [out, in]): H hidden, V vocab, nh heads, nkv kv heads, hd head_dim,
// E experts, ff moe_intermediate_size, dff intermediate_size, sff shared_expert_intermediate_size.
#include <vector>

#include "engine/model/config.h"
#include "engine/model/tensor.h"

namespace gauntlet::engine {

class Checkpoint;

// A SwiGLU MLP: out = down(silu(gate(x)) * up(x)).
struct MlpWeights {
  TensorView gate;  // [width, H]
  TensorView up;    // [width, H]
  TensorView down;  // [H, width]
};

struct LayerWeights {
  TensorView input_norm;           // [H]
  TensorView post_attention_norm;  // [H]

  TensorView q_proj;  // [nh*hd, H]
  TensorView k_proj;  // [nkv*hd, H]
  TensorView v_proj;  // [nkv*hd, H]
  TensorView o_proj;  // [H, nh*hd]
  TensorView q_bias;  // [nh*hd]   qwen2_moe only
  TensorView k_bias;  // [nkv*hd]  qwen2_moe only
  TensorView v_bias;  // [nkv*hd]  qwen2_moe only
  // qwen3_moe: per-head [hd] (config.qk_norm_per_head); olmoe: full width [nh*hd] / [nkv*hd];
  // qwen2_moe, mixtral: absent (config.qk_norm == false).
  TensorView q_norm;
  TensorView k_norm;

  bool is_moe = false;  // config.is_moe_layer(layer)
  // MoE layers:
  TensorView router;                // [E, H]
  std::vector<MlpWeights> experts;  // E entries, width ff. With the fused checkpoint layout these
                                    // are views into mlp.experts.gate_up_proj / down_proj slices.
  MlpWeights shared_expert;         // qwen2_moe when sff > 0: width sff
  TensorView shared_expert_gate;    // [1, H] qwen2_moe when sff > 0; out += sigmoid(gate.x) * shared
  // Dense layers (!is_moe): width dff.
  MlpWeights dense;
};

struct ModelWeights {
  ModelConfig config;
  TensorView embed_tokens;  // [V, H]
  std::vector<LayerWeights> layers;
  TensorView final_norm;    // [H]
  TensorView lm_head;       // [V, H]; the embed_tokens view when tie_word_embeddings
};

// Resolves and shape-checks everything; throws CheckpointError naming the directory and tensor.
ModelWeights resolve_model_weights(const Checkpoint& checkpoint);

}  // namespace gauntlet::engine
