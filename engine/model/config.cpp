// load_model_config: config.json (+ generation_config.json) -> ModelConfig, per architecture.
// Anything the engine would silently get wrong (rope scaling, sliding windows, other activations,
// quantisation, qkv clipping) is refused with the key named.
#include "engine/model/config.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/json/json_input.h"
#include "engine/model/checkpoint_error.h"

namespace gauntlet::engine {
namespace {

using nlohmann::json;

json read_json_file(const std::filesystem::path& path) {
  json j;
  try {
    j = load_json_input_file(path);
  } catch (const JsonInputError& e) {
    throw CheckpointError(e.what());
  }
  if (!j.is_object()) throw CheckpointError(fmt::format("{}: not a JSON object", path.string()));
  return j;
}

class ConfigReader {
 public:
  ConfigReader(const json& j, std::string file) : j_(j), file_(std::move(file)) {}

  CheckpointError error(const std::string& key, const std::string& what) const {
    return CheckpointError(fmt::format("{}: {}: {}", file_, key, what));
  }
  bool has(const std::string& key) const { return j_.contains(key) && !j_[key].is_null(); }
  const json& at(const std::string& key) const { return j_[key]; }

  int positive_int(const std::string& key) const {
    if (!has(key)) throw error(key, "missing");
    return int_value(key, 1);
  }
  int int_or(const std::string& key, int fallback, int min_value = 0) const {
    return has(key) ? int_value(key, min_value) : fallback;
  }
  double number_or(const std::string& key, double fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_number()) throw error(key, fmt::format("expected a number, got {}", json_brief(j_[key])));
    return j_[key].get<double>();
  }
  bool bool_or(const std::string& key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_boolean()) throw error(key, fmt::format("expected true or false, got {}", json_brief(j_[key])));
    return j_[key].get<bool>();
  }
  // An int or a list of ints (eos_token_id); absent/null -> empty.
  std::vector<int> int_list(const std::string& key) const {
    std::vector<int> out;
    if (!has(key)) return out;
    const json& v = j_[key];
    auto fits = [](const json& e) {
      return e.is_number_unsigned() ? e.get<std::uint64_t>() <= 0x7fffffffULL
                                    : e.is_number_integer() && e.get<std::int64_t>() >= -0x80000000LL &&
                                          e.get<std::int64_t>() <= 0x7fffffffLL;
    };
    if (v.is_number_integer()) {
      if (!fits(v)) throw error(key, fmt::format("{} is not a 32-bit integer", json_brief(v)));
      out.push_back(v.get<int>());
    } else if (v.is_array()) {
      for (const auto& e : v) {
        if (!fits(e)) throw error(key, fmt::format("expected 32-bit integers, got {}", json_brief(v)));
        out.push_back(e.get<int>());
      }
    } else {
      throw error(key, fmt::format("expected an integer or a list of integers, got {}", json_brief(v)));
    }
    return out;
  }

 private:
  int int_value(const std::string& key, int min_value) const {
    const json& v = j_[key];
    if (!v.is_number_integer() || v.get<std::int64_t>() < min_value || v.get<std::int64_t>() > (1LL << 31) - 1)
      throw error(key, fmt::format("expected an integer >= {}, got {}", min_value, json_brief(v)));
    return v.get<int>();
  }

  const json& j_;
  std::string file_;
};

void append_unique(std::vector<int>& out, const std::vector<int>& ids) {
  for (int id : ids)
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
}

}  // namespace

bool ModelConfig::is_moe_layer(int layer) const {
  if (num_experts <= 0) return false;
  if (std::find(mlp_only_layers.begin(), mlp_only_layers.end(), layer) != mlp_only_layers.end()) return false;
  return decoder_sparse_step > 0 && (layer + 1) % decoder_sparse_step == 0;
}

ModelConfig load_model_config(const std::filesystem::path& model_dir) {
  const auto config_path = model_dir / "config.json";
  const json j = read_json_file(config_path);
  const ConfigReader r(j, config_path.string());
  ModelConfig c;

  if (!r.has("model_type") || !r.at("model_type").is_string()) throw r.error("model_type", "missing");
  c.model_type = r.at("model_type").get<std::string>();
  if (c.model_type == "qwen3_moe") c.arch = Architecture::kQwen3Moe;
  else if (c.model_type == "qwen2_moe") c.arch = Architecture::kQwen2Moe;
  else if (c.model_type == "olmoe") c.arch = Architecture::kOlmoe;
  else if (c.model_type == "mixtral") c.arch = Architecture::kMixtral;
  else
    throw r.error("model_type", fmt::format("unsupported architecture '{}' (supported: qwen3_moe, qwen2_moe, olmoe, "
                                            "mixtral)", c.model_type));
  const bool qwen = c.arch == Architecture::kQwen3Moe || c.arch == Architecture::kQwen2Moe;

  // Values the engine does not implement.
  if (r.has("hidden_act") && r.at("hidden_act") != "silu")
    throw r.error("hidden_act", fmt::format("unsupported activation {} (only silu)", json_brief(r.at("hidden_act"))));
  if (r.has("rope_scaling")) throw r.error("rope_scaling", fmt::format("unsupported: {}", json_brief(r.at("rope_scaling"))));
  if (r.has("quantization_config")) throw r.error("quantization_config", "quantized checkpoints are not supported");
  if (r.bool_or("use_sliding_window", false)) throw r.error("use_sliding_window", "sliding-window attention is not supported");
  if (c.arch == Architecture::kOlmoe && r.has("clip_qkv"))
    throw r.error("clip_qkv", fmt::format("unsupported: {}", json_brief(r.at("clip_qkv"))));
  if (c.arch != Architecture::kQwen2Moe && r.bool_or("attention_bias", false))
    throw r.error("attention_bias", "attention biases are not supported for " + c.model_type);

  c.vocab_size = r.positive_int("vocab_size");
  c.hidden_size = r.positive_int("hidden_size");
  c.num_layers = r.positive_int("num_hidden_layers");
  c.num_heads = r.positive_int("num_attention_heads");
  c.num_kv_heads = r.int_or("num_key_value_heads", c.num_heads, 1);
  if (c.num_heads % c.num_kv_heads != 0)
    throw r.error("num_key_value_heads",
                  fmt::format("{} does not divide num_attention_heads {}", c.num_kv_heads, c.num_heads));
  if (r.has("head_dim")) {
    c.head_dim = r.positive_int("head_dim");
  } else {
    if (c.hidden_size % c.num_heads != 0)
      throw r.error("head_dim", fmt::format("absent and hidden_size {} is not a multiple of num_attention_heads {}",
                                            c.hidden_size, c.num_heads));
    c.head_dim = c.hidden_size / c.num_heads;
  }
  if (c.head_dim % 2 != 0) throw r.error("head_dim", fmt::format("{} is odd; RoPE needs an even head_dim", c.head_dim));

  if (c.arch == Architecture::kMixtral) {
    c.num_experts = r.positive_int("num_local_experts");
  } else if (r.has("num_experts")) {
    c.num_experts = r.positive_int("num_experts");
  } else {
    c.num_experts = r.positive_int("num_local_experts");
  }
  c.num_experts_per_tok = r.positive_int("num_experts_per_tok");
  if (c.num_experts_per_tok > c.num_experts)
    throw r.error("num_experts_per_tok",
                  fmt::format("{} is more than the {} experts", c.num_experts_per_tok, c.num_experts));

  if (qwen) {
    c.moe_intermediate_size = r.positive_int("moe_intermediate_size");
    c.intermediate_size = r.int_or("intermediate_size", 0);
    c.norm_topk_prob = r.bool_or("norm_topk_prob", false);
    c.decoder_sparse_step = r.int_or("decoder_sparse_step", 1, 1);
    if (r.has("mlp_only_layers")) {
      if (!r.at("mlp_only_layers").is_array()) throw r.error("mlp_only_layers", "expected a list of layer indices");
      for (const auto& v : r.at("mlp_only_layers")) {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() >= c.num_layers)
          throw r.error("mlp_only_layers", fmt::format("{} is not a layer index below {}", json_brief(v), c.num_layers));
        c.mlp_only_layers.push_back(v.get<int>());
      }
    }
  } else {
    c.moe_intermediate_size = r.positive_int("intermediate_size");
    c.intermediate_size = c.moe_intermediate_size;
    c.norm_topk_prob = c.arch == Architecture::kMixtral ? true : r.bool_or("norm_topk_prob", false);
  }
  if (c.arch == Architecture::kQwen2Moe) {
    c.shared_expert_intermediate_size = r.int_or("shared_expert_intermediate_size", 0);
    c.qkv_bias = true;
  }
  for (int layer = 0; layer < c.num_layers; ++layer)
    if (!c.is_moe_layer(layer) && c.intermediate_size <= 0)
      throw r.error("intermediate_size",
                    fmt::format("layer {} is a dense MLP layer but intermediate_size is not set", layer));

  c.qk_norm = c.arch == Architecture::kQwen3Moe || c.arch == Architecture::kOlmoe;
  c.qk_norm_per_head = c.arch == Architecture::kQwen3Moe;

  if (c.arch == Architecture::kMixtral && r.has("sliding_window")) {
    int window = r.int_or("sliding_window", 0);
    int max_pos = r.int_or("max_position_embeddings", 0);
    if (max_pos == 0 || window < max_pos)
      throw r.error("sliding_window", fmt::format("sliding-window attention ({}) is not supported", window));
  }

  const double default_eps = qwen ? 1e-6 : 1e-5;
  c.rms_norm_eps = r.number_or("rms_norm_eps", default_eps);
  if (!(c.rms_norm_eps > 0)) throw r.error("rms_norm_eps", "must be positive");

  const double default_theta = c.arch == Architecture::kOlmoe ? 1e4 : c.arch == Architecture::kMixtral ? 1e6 : 1e4;
  c.rope_theta = r.number_or("rope_theta", default_theta);
  if (r.has("rope_parameters")) {
    const json& rp = r.at("rope_parameters");
    if (!rp.is_object()) throw r.error("rope_parameters", "expected an object");
    const ConfigReader rr(rp, config_path.string() + ": rope_parameters");
    if (rr.has("rope_type") && rp["rope_type"] != "default")
      throw rr.error("rope_type", fmt::format("unsupported {} (only default)", json_brief(rp["rope_type"])));
    c.rope_theta = rr.number_or("rope_theta", c.rope_theta);
  }
  if (!(c.rope_theta > 0)) throw r.error("rope_theta", "must be positive");

  c.max_position_embeddings = r.int_or("max_position_embeddings", 0);
  c.tie_word_embeddings = r.bool_or("tie_word_embeddings", false);
  c.eos_token_ids = r.int_list("eos_token_id");
  c.bos_token_id = r.int_or("bos_token_id", -1);
  c.pad_token_id = r.int_or("pad_token_id", -1);

  const auto gen_path = model_dir / "generation_config.json";
  if (std::filesystem::exists(gen_path)) {
    const json g = read_json_file(gen_path);
    const ConfigReader gr(g, gen_path.string());
    append_unique(c.eos_token_ids, gr.int_list("eos_token_id"));
    if (c.bos_token_id < 0) c.bos_token_id = gr.int_or("bos_token_id", -1);
    if (c.pad_token_id < 0) c.pad_token_id = gr.int_or("pad_token_id", -1);
    c.default_temperature = gr.number_or("temperature", -1);
    c.default_top_p = gr.number_or("top_p", -1);
    c.default_top_k = gr.int_or("top_k", -1);
  }
  for (int id : c.eos_token_ids)
    if (id < 0 || id >= c.vocab_size)
      throw r.error("eos_token_id", fmt::format("{} is outside the vocabulary of {}", id, c.vocab_size));
  return c;
}

}  // namespace gauntlet::engine
