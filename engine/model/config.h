#pragma once
// ModelConfig: the architecture hyper-parameters read from a Hugging Face config.json, normalised
// across qwen3_moe, qwen2_moe, olmoe and mixtral. Loading validates every field it uses and throws
// CheckpointError naming config.json and the key.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gauntlet::engine {

enum class Architecture { kQwen3Moe, kQwen2Moe, kOlmoe, kMixtral };

struct ModelConfig {
  Architecture arch = Architecture::kQwen3Moe;
  std::string model_type;           // as in config.json
  int vocab_size = 0;
  int hidden_size = 0;
  int num_layers = 0;
  int num_heads = 0;
  int num_kv_heads = 0;
  int head_dim = 0;                 // from config when present, else hidden / heads
  int num_experts = 0;
  int num_experts_per_tok = 0;
  int moe_intermediate_size = 0;    // expert width (olmoe, mixtral: intermediate_size)
  int intermediate_size = 0;        // dense MLP width
  int shared_expert_intermediate_size = 0;  // qwen2_moe; 0 = none
  bool norm_topk_prob = true;       // mixtral: always true; olmoe: false
  int decoder_sparse_step = 1;
  std::vector<int> mlp_only_layers;
  bool qk_norm_per_head = true;     // qwen3: per-head RMSNorm; olmoe: full-width; others: none
  bool qk_norm = true;
  bool qkv_bias = false;            // qwen2_moe
  double rms_norm_eps = 1e-6;
  double rope_theta = 1e6;
  int max_position_embeddings = 0;
  bool tie_word_embeddings = false;
  std::vector<int> eos_token_ids;   // from config and generation_config
  int bos_token_id = -1;
  int pad_token_id = -1;
  // generation_config.json sampling defaults; negative = not given.
  double default_temperature = -1;
  double default_top_p = -1;
  int default_top_k = -1;

  bool is_moe_layer(int layer) const;
};

// Reads config.json (and generation_config.json when present, for eos ids and defaults).
ModelConfig load_model_config(const std::filesystem::path& model_dir);

}  // namespace gauntlet::engine
