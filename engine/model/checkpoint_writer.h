#pragma once
// write_random_checkpoint: a random-weight model directory in the Hugging Face Hub layout
// (config.json, generation_config.json, model.safetensors or shards + index) for tests, demos and
// benchmarks. Bytes depend only on the spec: each tensor is drawn from its own stream seeded by
// (seed, tensor name), so sharding or the fused-expert layout never changes a weight's value.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/model/config.h"
#include "engine/model/tensor.h"

namespace gauntlet::engine {

struct RandomCheckpointSpec {
  Architecture arch = Architecture::kQwen3Moe;
  int vocab_size = 0;
  int hidden_size = 64;
  int num_layers = 2;
  int num_heads = 4;
  int num_kv_heads = 2;
  int head_dim = 16;
  int num_experts = 8;
  int num_experts_per_tok = 2;
  int moe_intermediate_size = 32;          // expert width (olmoe/mixtral: written as intermediate_size)
  int intermediate_size = 0;               // dense MLP width (qwen); 0 = 4 * moe_intermediate_size
  int shared_expert_intermediate_size = 0; // qwen2_moe; 0 = 2 * moe_intermediate_size
  int decoder_sparse_step = 1;
  std::vector<int> mlp_only_layers;
  bool norm_topk_prob = true;              // qwen3_moe/qwen2_moe; olmoe writes false, mixtral none
  bool tie_word_embeddings = false;
  double rope_theta = 1e6;
  double rms_norm_eps = 1e-6;
  int max_position_embeddings = 4096;
  std::vector<int> eos_token_ids;
  int bos_token_id = -1;                   // -1: null
  int pad_token_id = -1;
  DType dtype = DType::kBF16;
  std::uint64_t seed = 0;
  int num_shards = 1;                      // > 1: model-0000i-of-0000n.safetensors + index
  bool fused_experts = false;              // qwen arch/olmoe: mlp.experts.gate_up_proj / down_proj
};

// Writes config.json, generation_config.json and the weights into out_dir (created if missing;
// existing files of the same names are replaced). Throws CheckpointError on a bad spec or I/O error.
void write_random_checkpoint(const RandomCheckpointSpec& spec, const std::filesystem::path& out_dir);

// "qwen3_moe" etc. <-> Architecture; parse throws CheckpointError for an unknown name.
const char* architecture_name(Architecture arch);
Architecture parse_architecture(const std::string& name);

}  // namespace gauntlet::engine
