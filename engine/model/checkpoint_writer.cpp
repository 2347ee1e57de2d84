// write_random_checkpoint: tensor list per architecture (mirrors model_weights.cpp), seeded streams,
// safetensors writing (header padded to 8 bytes), optional sharding with an index.
#include "engine/model/checkpoint_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/model/checkpoint_error.h"

namespace gauntlet::engine {
namespace {

using nlohmann::json;

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char ch : s) h = (h ^ ch) * 0x100000001b3ULL;
  return h;
}

// How one stretch of a tensor is filled: mean + std * z, z approximately standard normal (Irwin-Hall
// of four 16-bit uniforms: integer-only, so identical on every platform), from the stream `stream`.
struct Part {
  std::string stream;
  std::int64_t count = 0;
  float mean = 0;
  float std = 0;
};

struct TensorSpec {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<Part> parts;  // concatenated in order; counts sum to numel
  std::int64_t numel() const {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

class Stream {
 public:
  Stream(std::uint64_t seed, const std::string& name) : state_(seed * 0x9e3779b97f4a7c15ULL ^ fnv1a(name)) {}
  float next() {
    std::uint64_t r = splitmix64(state_);
    std::uint64_t sum = (r & 0xffff) + ((r >> 16) & 0xffff) + ((r >> 32) & 0xffff) + (r >> 48);
    return static_cast<float>((static_cast<double>(sum) - 131070.0) / 37837.2267);
  }

 private:
  std::uint64_t state_;
};

class TensorListBuilder {
 public:
  explicit TensorListBuilder(const RandomCheckpointSpec& s) : s_(s) {}
  std::vector<TensorSpec> tensors;

  void add(const std::string& name, std::vector<std::int64_t> shape, float mean, float std) {
    TensorSpec t{name, std::move(shape), {}};
    t.parts.push_back({name, t.numel(), mean, std});
    tensors.push_back(std::move(t));
  }
  void linear(const std::string& name, std::int64_t out, std::int64_t in) {
    add(name, {out, in}, 0.0f, static_cast<float>(1.0 / std::sqrt(static_cast<double>(in))));
  }
  void norm(const std::string& name, std::int64_t width) { add(name, {width}, 1.0f, 0.02f); }
  void bias(const std::string& name, std::int64_t width) { add(name, {width}, 0.0f, 0.02f); }
  void mlp(const std::string& prefix, const char* gate, const char* up, const char* down, std::int64_t width) {
    const std::int64_t H = s_.hidden_size;
    linear(prefix + gate, width, H);
    linear(prefix + up, width, H);
    linear(prefix + down, H, width);
  }

 private:
  const RandomCheckpointSpec& s_;
};

bool is_moe_layer(const RandomCheckpointSpec& s, int layer) {
  if (std::find(s.mlp_only_layers.begin(), s.mlp_only_layers.end(), layer) != s.mlp_only_layers.end()) return false;
  return (layer + 1) % s.decoder_sparse_step == 0;
}

int dense_width(const RandomCheckpointSpec& s) {
  return s.intermediate_size > 0 ? s.intermediate_size : 4 * s.moe_intermediate_size;
}
int shared_width(const RandomCheckpointSpec& s) {
  return s.shared_expert_intermediate_size > 0 ? s.shared_expert_intermediate_size : 2 * s.moe_intermediate_size;
}

std::vector<TensorSpec> tensor_list(const RandomCheckpointSpec& s) {
  TensorListBuilder b(s);
  const std::int64_t H = s.hidden_size, V = s.vocab_size, E = s.num_experts, ff = s.moe_intermediate_size;
  const std::int64_t q_width = std::int64_t{s.num_heads} * s.head_dim;
  const std::int64_t kv_width = std::int64_t{s.num_kv_heads} * s.head_dim;
  const bool qwen = s.arch == Architecture::kQwen3Moe || s.arch == Architecture::kQwen2Moe;

  b.add("model.embed_tokens.weight", {V, H}, 0.0f,
        s.tie_word_embeddings ? static_cast<float>(1.0 / std::sqrt(static_cast<double>(H))) : 1.0f);
  for (int i = 0; i < s.num_layers; ++i) {
    const std::string p = fmt::format("model.layers.{}.", i);
    b.norm(p + "input_layernorm.weight", H);
    b.norm(p + "post_attention_layernorm.weight", H);
    b.linear(p + "self_attn.q_proj.weight", q_width, H);
    b.linear(p + "self_attn.k_proj.weight", kv_width, H);
    b.linear(p + "self_attn.v_proj.weight", kv_width, H);
    b.linear(p + "self_attn.o_proj.weight", H, q_width);
    if (s.arch == Architecture::kQwen2Moe) {
      b.bias(p + "self_attn.q_proj.bias", q_width);
      b.bias(p + "self_attn.k_proj.bias", kv_width);
      b.bias(p + "self_attn.v_proj.bias", kv_width);
    }
    if (s.arch == Architecture::kQwen3Moe) {
      b.norm(p + "self_attn.q_norm.weight", s.head_dim);
      b.norm(p + "self_attn.k_norm.weight", s.head_dim);
    } else if (s.arch == Architecture::kOlmoe) {
      b.norm(p + "self_attn.q_norm.weight", q_width);
      b.norm(p + "self_attn.k_norm.weight", kv_width);
    }
    if (qwen && !is_moe_layer(s, i)) {
      b.mlp(p + "mlp.", "gate_proj.weight", "up_proj.weight", "down_proj.weight", dense_width(s));
      continue;
    }
    const float router_std = static_cast<float>(4.0 / std::sqrt(static_cast<double>(H)));
    if (s.arch == Architecture::kMixtral) {
      const std::string m = p + "block_sparse_moe.";
      b.add(m + "gate.weight", {E, H}, 0.0f, router_std);
      for (std::int64_t e = 0; e < E; ++e)
        b.mlp(fmt::format("{}experts.{}.", m, e), "w1.weight", "w3.weight", "w2.weight", ff);
      continue;
    }
    b.add(p + "mlp.gate.weight", {E, H}, 0.0f, router_std);
    if (s.fused_experts) {
      // Same streams as the per-expert layout: expert e's gate rows, then its up rows.
      const float in_std = static_cast<float>(1.0 / std::sqrt(static_cast<double>(H)));
      const float down_std = static_cast<float>(1.0 / std::sqrt(static_cast<double>(ff)));
      TensorSpec gate_up{p + "mlp.experts.gate_up_proj", {E, 2 * ff, H}, {}};
      TensorSpec down{p + "mlp.experts.down_proj", {E, H, ff}, {}};
      for (std::int64_t e = 0; e < E; ++e) {
        const std::string x = fmt::format("{}mlp.experts.{}.", p, e);
        gate_up.parts.push_back({x + "gate_proj.weight", ff * H, 0.0f, in_std});
        gate_up.parts.push_back({x + "up_proj.weight", ff * H, 0.0f, in_std});
        down.parts.push_back({x + "down_proj.weight", H * ff, 0.0f, down_std});
      }
      b.tensors.push_back(std::move(gate_up));
      b.tensors.push_back(std::move(down));
    } else {
      for (std::int64_t e = 0; e < E; ++e)
        b.mlp(fmt::format("{}mlp.experts.{}.", p, e), "gate_proj.weight", "up_proj.weight", "down_proj.weight", ff);
    }
    if (s.arch == Architecture::kQwen2Moe) {
      b.mlp(p + "mlp.shared_expert.", "gate_proj.weight", "up_proj.weight", "down_proj.weight", shared_width(s));
      b.linear(p + "mlp.shared_expert_gate.weight", 1, H);
    }
  }
  b.norm("model.norm.weight", H);
  if (!s.tie_word_embeddings) b.linear("lm_head.weight", V, H);
  return std::move(b.tensors);
}

void validate(const RandomCheckpointSpec& s) {
  auto positive = [](int v, const char* what) {
    if (v <= 0) throw std::invalid_argument(fmt::format("{} must be positive, got {}", what, v));
  };
  positive(s.vocab_size, "vocab size");
  positive(s.hidden_size, "hidden size");
  positive(s.num_layers, "layers");
  positive(s.num_heads, "heads");
  positive(s.num_kv_heads, "kv heads");
  positive(s.head_dim, "head dim");
  positive(s.num_experts, "experts");
  positive(s.num_experts_per_tok, "top-k");
  positive(s.moe_intermediate_size, "moe ff");
  positive(s.decoder_sparse_step, "decoder sparse step");
  positive(s.num_shards, "shards");
  if (s.num_heads % s.num_kv_heads != 0)
    throw std::invalid_argument(fmt::format("kv heads {} must divide heads {}", s.num_kv_heads, s.num_heads));
  if (s.head_dim % 2 != 0) throw std::invalid_argument(fmt::format("head dim {} must be even (RoPE)", s.head_dim));
  if (s.num_experts_per_tok > s.num_experts)
    throw std::invalid_argument(
        fmt::format("top-k {} is more than the {} experts", s.num_experts_per_tok, s.num_experts));
  const bool qwen = s.arch == Architecture::kQwen3Moe || s.arch == Architecture::kQwen2Moe;
  if (!qwen && (s.decoder_sparse_step != 1 || !s.mlp_only_layers.empty()))
    throw std::invalid_argument("dense MLP layers exist only in qwen3_moe and qwen2_moe");
  if (s.fused_experts && s.arch == Architecture::kMixtral)
    throw std::invalid_argument("the fused expert layout is not written for mixtral");
  for (int layer : s.mlp_only_layers)
    if (layer < 0 || layer >= s.num_layers)
      throw std::invalid_argument(fmt::format("mlp-only layer {} is not below {} layers", layer, s.num_layers));
  for (int id : s.eos_token_ids)
    if (id < 0 || id >= s.vocab_size)
      throw std::invalid_argument(fmt::format("eos id {} is outside the vocabulary of {}", id, s.vocab_size));
}

json id_or_null(int id) { return id >= 0 ? json(id) : json(nullptr); }

json config_json(const RandomCheckpointSpec& s) {
  json c;
  c["model_type"] = architecture_name(s.arch);
  switch (s.arch) {
    case Architecture::kQwen3Moe: c["architectures"] = {"Qwen3MoeForCausalLM"}; break;
    case Architecture::kQwen2Moe: c["architectures"] = {"Qwen2MoeForCausalLM"}; break;
    case Architecture::kOlmoe: c["architectures"] = {"OlmoeForCausalLM"}; break;
    case Architecture::kMixtral: c["architectures"] = {"MixtralForCausalLM"}; break;
  }
  c["vocab_size"] = s.vocab_size;
  c["hidden_size"] = s.hidden_size;
  c["num_hidden_layers"] = s.num_layers;
  c["num_attention_heads"] = s.num_heads;
  c["num_key_value_heads"] = s.num_kv_heads;
  c["head_dim"] = s.head_dim;
  c["num_experts_per_tok"] = s.num_experts_per_tok;
  c["hidden_act"] = "silu";
  c["rms_norm_eps"] = s.rms_norm_eps;
  c["rope_theta"] = s.rope_theta;
  c["rope_scaling"] = nullptr;
  c["max_position_embeddings"] = s.max_position_embeddings;
  c["attention_dropout"] = 0.0;
  c["initializer_range"] = 0.02;
  c["tie_word_embeddings"] = s.tie_word_embeddings;
  c["use_cache"] = true;
  c["bos_token_id"] = id_or_null(s.bos_token_id);
  c["eos_token_id"] = s.eos_token_ids.empty() ? json(nullptr) : json(s.eos_token_ids.front());
  c["torch_dtype"] = s.dtype == DType::kF32 ? "float32" : s.dtype == DType::kF16 ? "float16" : "bfloat16";
  c["output_router_logits"] = false;
  c["router_aux_loss_coef"] = 0.001;
  switch (s.arch) {
    case Architecture::kQwen3Moe:
    case Architecture::kQwen2Moe:
      c["num_experts"] = s.num_experts;
      c["moe_intermediate_size"] = s.moe_intermediate_size;
      c["intermediate_size"] = dense_width(s);
      c["norm_topk_prob"] = s.norm_topk_prob;
      c["decoder_sparse_step"] = s.decoder_sparse_step;
      c["mlp_only_layers"] = s.mlp_only_layers;
      c["use_sliding_window"] = false;
      c["sliding_window"] = nullptr;
      c["max_window_layers"] = s.num_layers;
      c["attention_bias"] = false;
      if (s.arch == Architecture::kQwen2Moe) c["shared_expert_intermediate_size"] = shared_width(s);
      break;
    case Architecture::kOlmoe:
      c["num_experts"] = s.num_experts;
      c["intermediate_size"] = s.moe_intermediate_size;
      c["norm_topk_prob"] = false;
      c["clip_qkv"] = nullptr;
      c["attention_bias"] = false;
      c["pad_token_id"] = id_or_null(s.pad_token_id);
      break;
    case Architecture::kMixtral:
      c["num_local_experts"] = s.num_experts;
      c["intermediate_size"] = s.moe_intermediate_size;
      c["sliding_window"] = nullptr;
      break;
  }
  return c;
}

json generation_config_json(const RandomCheckpointSpec& s) {
  json g;
  g["bos_token_id"] = id_or_null(s.bos_token_id);
  if (s.eos_token_ids.size() == 1) g["eos_token_id"] = s.eos_token_ids.front();
  else if (!s.eos_token_ids.empty()) g["eos_token_id"] = s.eos_token_ids;
  if (s.pad_token_id >= 0) g["pad_token_id"] = s.pad_token_id;
  g["do_sample"] = false;
  return g;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw CheckpointError(fmt::format("{}: cannot write", path.string()));
}

void write_shard(const std::filesystem::path& path, const std::vector<const TensorSpec*>& tensors,
                 const RandomCheckpointSpec& s) {
  const std::size_t elem = dtype_size(s.dtype);
  json header = json::object();
  std::uint64_t offset = 0;
  for (const TensorSpec* t : tensors) {
    std::uint64_t bytes = static_cast<std::uint64_t>(t->numel()) * elem;
    header[t->name] = {{"dtype", dtype_name(s.dtype)}, {"shape", t->shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  header["__metadata__"] = {{"format", "pt"}};
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw CheckpointError(fmt::format("{}: cannot create", path.string()));
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(text.size()) >> (8 * i));
  out.write(reinterpret_cast<const char*>(len), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));

  constexpr std::int64_t kChunk = 1 << 16;
  std::vector<unsigned char> buffer(static_cast<std::size_t>(kChunk) * elem);
  for (const TensorSpec* t : tensors) {
    for (const Part& part : t->parts) {
      Stream stream(s.seed, part.stream);
      for (std::int64_t done = 0; done < part.count; done += kChunk) {
        const std::int64_t n = std::min(kChunk, part.count - done);
        for (std::int64_t i = 0; i < n; ++i) {
          float v = part.mean + part.std * stream.next();
          unsigned char* dst = buffer.data() + static_cast<std::size_t>(i) * elem;
          if (s.dtype == DType::kF32) {
            std::memcpy(dst, &v, 4);
          } else {
            std::uint16_t h = s.dtype == DType::kBF16 ? f32_to_bf16(v) : f32_to_f16(v);
            std::memcpy(dst, &h, 2);
          }
        }
        out.write(reinterpret_cast<const char*>(buffer.data()), static_cast<std::streamsize>(n) * elem);
      }
    }
  }
  if (!out.flush()) throw CheckpointError(fmt::format("{}: write failed", path.string()));
}

}  // namespace

const char* architecture_name(Architecture arch) {
  switch (arch) {
    case Architecture::kQwen3Moe: return "qwen3_moe";
    case Architecture::kQwen2Moe: return "qwen2_moe";
    case Architecture::kOlmoe: return "olmoe";
    case Architecture::kMixtral: return "mixtral";
  }
  return "?";
}

Architecture parse_architecture(const std::string& name) {
  for (auto arch : {Architecture::kQwen3Moe, Architecture::kQwen2Moe, Architecture::kOlmoe, Architecture::kMixtral})
    if (name == architecture_name(arch)) return arch;
  throw CheckpointError(
      fmt::format("unsupported architecture '{}' (supported: qwen3_moe, qwen2_moe, olmoe, mixtral)", name));
}

void write_random_checkpoint(const RandomCheckpointSpec& spec, const std::filesystem::path& out_dir) {
  validate(spec);
  const auto tensors = tensor_list(spec);
  if (static_cast<std::size_t>(spec.num_shards) > tensors.size())
    throw std::invalid_argument(fmt::format("{} shards for only {} tensors", spec.num_shards, tensors.size()));

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw CheckpointError(fmt::format("{}: cannot create directory: {}", out_dir.string(), ec.message()));
  write_text(out_dir / "config.json", config_json(spec).dump(2) + "\n");
  write_text(out_dir / "generation_config.json", generation_config_json(spec).dump(2) + "\n");
  std::filesystem::remove(out_dir / "model.safetensors", ec);
  std::filesystem::remove(out_dir / "model.safetensors.index.json", ec);

  if (spec.num_shards == 1) {
    std::vector<const TensorSpec*> all;
    for (const auto& t : tensors) all.push_back(&t);
    write_shard(out_dir / "model.safetensors", all, spec);
    return;
  }
  // Contiguous groups of about equal bytes, each non-empty.
  const std::size_t elem = dtype_size(spec.dtype);
  std::uint64_t total = 0;
  for (const auto& t : tensors) total += static_cast<std::uint64_t>(t.numel()) * elem;
  const std::size_t n_shards = static_cast<std::size_t>(spec.num_shards);
  std::vector<std::vector<const TensorSpec*>> shards(n_shards);
  std::uint64_t written = 0;
  std::size_t shard = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const std::size_t later_shards = n_shards - shard - 1;
    const bool full = written >= total * (shard + 1) / n_shards;
    if (!shards[shard].empty() && later_shards > 0 && (full || tensors.size() - i == later_shards)) ++shard;
    shards[shard].push_back(&tensors[i]);
    written += static_cast<std::uint64_t>(tensors[i].numel()) * elem;
  }
  json weight_map = json::object();
  for (std::size_t k = 0; k < n_shards; ++k) {
    const std::string file = fmt::format("model-{:05d}-of-{:05d}.safetensors", k + 1, n_shards);
    for (const TensorSpec* t : shards[k]) weight_map[t->name] = file;
    write_shard(out_dir / file, shards[k], spec);
  }
  json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
  write_text(out_dir / "model.safetensors.index.json", index.dump(2) + "\n");
}

}  // namespace gauntlet::engine
