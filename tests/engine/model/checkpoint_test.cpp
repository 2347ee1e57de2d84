// Checkpoint + resolve_model_weights over checkpoints from write_random_checkpoint: every
// architecture and dtype, shards, the fused expert layout, dense layers, tied embeddings, and the
// errors for missing / mis-shaped tensors and missing shards.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/model/checkpoint.h"
#include "engine/model/checkpoint_error.h"
#include "engine/model/checkpoint_writer.h"
#include "engine/cpu/kernels_reference.h"
#include "engine/model/weights.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::read_file;
using gauntlet::testing::TempDir;
namespace fs = std::filesystem;

RandomCheckpointSpec small_spec(Architecture arch, DType dtype = DType::kBF16) {
  RandomCheckpointSpec s;
  s.arch = arch;
  s.dtype = dtype;
  s.vocab_size = 97;
  s.hidden_size = 32;
  s.num_layers = 3;
  s.num_heads = 4;
  s.num_kv_heads = 2;
  s.head_dim = 12;  // heads * head_dim != hidden
  s.num_experts = 6;
  s.num_experts_per_tok = 2;
  s.moe_intermediate_size = 20;
  s.eos_token_ids = {95, 96};
  s.seed = 7;
  return s;
}

bool same_bytes(const TensorView& a, const TensorView& b) {
  return a.dtype == b.dtype && a.shape == b.shape && std::memcmp(a.data, b.data, a.nbytes()) == 0;
}

using reference::element;  // any dtype, as f32

void expect_sane(const TensorView& t, double max_abs) {
  ASSERT_NE(t.data, nullptr) << t.name;
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    float v = element(t, i);
    ASSERT_TRUE(std::isfinite(v) && std::fabs(v) <= max_abs) << t.name << "[" << i << "] = " << v;
  }
}

std::string error_of(const fs::path& dir) {
  try {
    Checkpoint ck(dir);
    resolve_model_weights(ck);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; }

// Rewrites a safetensors file through `edit(header)` (data bytes unchanged, header padded to 8).
void edit_header(const fs::path& file, const std::function<void(nlohmann::json&)>& edit) {
  std::string bytes = read_file(file.string());
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  auto header = nlohmann::json::parse(bytes.substr(8, n));
  edit(header);
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string len(8, '\0');
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>(static_cast<std::uint64_t>(text.size()) >> (8 * i));
  std::ofstream(file, std::ios::binary | std::ios::trunc) << len << text << bytes.substr(8 + n);
}

class RoundTrip : public ::testing::TestWithParam<std::tuple<Architecture, DType>> {};

TEST_P(RoundTrip, EveryTensorResolvesWithTheConfigShapes) {
  auto [arch, dtype] = GetParam();
  TempDir dir;
  auto spec = small_spec(arch, dtype);
  write_random_checkpoint(spec, dir.path());
  Checkpoint ck(dir.path());
  const ModelConfig& c = ck.config();
  EXPECT_EQ(c.arch, arch);
  EXPECT_EQ(c.hidden_size, 32);
  EXPECT_EQ(c.head_dim, 12);
  EXPECT_EQ(c.num_experts, 6);
  EXPECT_EQ(c.moe_intermediate_size, 20);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int>{95, 96}));
  EXPECT_EQ(c.norm_topk_prob, arch != Architecture::kOlmoe);

  ModelWeights w = resolve_model_weights(ck);
  EXPECT_EQ(w.embed_tokens.shape, (std::vector<std::int64_t>{97, 32}));
  EXPECT_EQ(w.lm_head.shape, (std::vector<std::int64_t>{97, 32}));
  EXPECT_NE(w.lm_head.data, w.embed_tokens.data);
  ASSERT_EQ(w.layers.size(), 3u);
  std::size_t views = 3;  // embed, norm, lm_head
  for (const auto& l : w.layers) {
    EXPECT_TRUE(l.is_moe);
    EXPECT_EQ(l.q_proj.shape, (std::vector<std::int64_t>{48, 32}));
    EXPECT_EQ(l.k_proj.shape, (std::vector<std::int64_t>{24, 32}));
    EXPECT_EQ(l.o_proj.shape, (std::vector<std::int64_t>{32, 48}));
    EXPECT_EQ(l.router.shape, (std::vector<std::int64_t>{6, 32}));
    ASSERT_EQ(l.experts.size(), 6u);
    for (const auto& e : l.experts) {
      EXPECT_EQ(e.gate.shape, (std::vector<std::int64_t>{20, 32}));
      EXPECT_EQ(e.up.shape, (std::vector<std::int64_t>{20, 32}));
      EXPECT_EQ(e.down.shape, (std::vector<std::int64_t>{32, 20}));
      EXPECT_EQ(e.gate.dtype, dtype);
      expect_sane(e.down, 1.0);
    }
    views += 7 + 3 * 6;
    switch (arch) {
      case Architecture::kQwen3Moe:
        EXPECT_EQ(l.q_norm.shape, (std::vector<std::int64_t>{12}));
        EXPECT_EQ(l.q_bias.data, nullptr);
        views += 2;
        break;
      case Architecture::kOlmoe:
        EXPECT_EQ(l.q_norm.shape, (std::vector<std::int64_t>{48}));
        EXPECT_EQ(l.k_norm.shape, (std::vector<std::int64_t>{24}));
        views += 2;
        break;
      case Architecture::kQwen2Moe:
        EXPECT_EQ(l.q_norm.data, nullptr);
        EXPECT_EQ(l.q_bias.shape, (std::vector<std::int64_t>{48}));
        EXPECT_EQ(l.v_bias.shape, (std::vector<std::int64_t>{24}));
        EXPECT_EQ(l.shared_expert.gate.shape, (std::vector<std::int64_t>{40, 32}));
        EXPECT_EQ(l.shared_expert.down.shape, (std::vector<std::int64_t>{32, 40}));
        EXPECT_EQ(l.shared_expert_gate.shape, (std::vector<std::int64_t>{1, 32}));
        views += 3 + 4;
        break;
      case Architecture::kMixtral:
        EXPECT_EQ(l.q_norm.data, nullptr);
        EXPECT_EQ(l.q_bias.data, nullptr);
        EXPECT_EQ(l.shared_expert.gate.data, nullptr);
        break;
    }
    expect_sane(l.input_norm, 1.2);
    expect_sane(l.q_proj, 1.0);
  }
  EXPECT_EQ(ck.tensor_names().size(), views);  // nothing written that the loader ignores
  expect_sane(w.final_norm, 1.2);
}

INSTANTIATE_TEST_SUITE_P(AllArchitectures, RoundTrip,
                         ::testing::Combine(::testing::Values(Architecture::kQwen3Moe, Architecture::kQwen2Moe,
                                                              Architecture::kOlmoe, Architecture::kMixtral),
                                            ::testing::Values(DType::kBF16, DType::kF32, DType::kF16)));

TEST(CheckpointWriter, DeterministicForASeed) {
  TempDir a, b, c;
  write_random_checkpoint(small_spec(Architecture::kQwen3Moe), a.path());
  write_random_checkpoint(small_spec(Architecture::kQwen3Moe), b.path());
  auto other = small_spec(Architecture::kQwen3Moe);
  other.seed = 8;
  write_random_checkpoint(other, c.path());
  EXPECT_EQ(read_file(a.file("model.safetensors")), read_file(b.file("model.safetensors")));
  EXPECT_NE(read_file(a.file("model.safetensors")), read_file(c.file("model.safetensors")));
  EXPECT_EQ(read_file(a.file("config.json")), read_file(b.file("config.json")));
}

TEST(CheckpointWriter, WeightStatisticsAreSensible) {
  TempDir dir;
  auto spec = small_spec(Architecture::kQwen3Moe, DType::kF32);
  spec.hidden_size = 256;
  spec.vocab_size = 300;
  write_random_checkpoint(spec, dir.path());
  Checkpoint ck(dir.path());
  auto moments = [](const TensorView& t) {
    double sum = 0, sq = 0;
    for (std::int64_t i = 0; i < t.numel(); ++i) {
      sum += element(t, i);
      sq += double(element(t, i)) * element(t, i);
    }
    double mean = sum / t.numel();
    return std::pair{mean, std::sqrt(sq / t.numel() - mean * mean)};
  };
  auto [qm, qs] = moments(ck.tensor("model.layers.0.self_attn.q_proj.weight"));
  EXPECT_NEAR(qm, 0.0, 0.005);
  EXPECT_NEAR(qs, 1.0 / 16, 0.003);  // 1/sqrt(in)
  auto [nm, ns] = moments(ck.tensor("model.layers.0.input_layernorm.weight"));
  EXPECT_NEAR(nm, 1.0, 0.01);
  EXPECT_NEAR(ns, 0.02, 0.005);
}

TEST(CheckpointWriter, ShardedMatchesSingleFile) {
  TempDir single, sharded;
  auto spec = small_spec(Architecture::kQwen2Moe);
  write_random_checkpoint(spec, single.path());
  spec.num_shards = 3;
  write_random_checkpoint(spec, sharded.path());
  EXPECT_FALSE(fs::exists(sharded.file("model.safetensors")));
  for (const char* f : {"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                        "model-00003-of-00003.safetensors", "model.safetensors.index.json"})
    EXPECT_TRUE(fs::exists(sharded.file(f))) << f;
  auto index = nlohmann::json::parse(read_file(sharded.file("model.safetensors.index.json")));
  EXPECT_EQ(index["weight_map"]["model.embed_tokens.weight"], "model-00001-of-00003.safetensors");
  EXPECT_EQ(index["weight_map"]["lm_head.weight"], "model-00003-of-00003.safetensors");

  Checkpoint a(single.path()), b(sharded.path());
  ASSERT_EQ(a.tensor_names(), b.tensor_names());
  for (const auto& name : a.tensor_names()) EXPECT_TRUE(same_bytes(a.tensor(name), b.tensor(name))) << name;
  EXPECT_NO_THROW(resolve_model_weights(b));

  // Writing a single file over a sharded directory removes the stale index.
  spec.num_shards = 1;
  write_random_checkpoint(spec, sharded.path());
  EXPECT_FALSE(fs::exists(sharded.file("model.safetensors.index.json")));
  EXPECT_NO_THROW(Checkpoint{sharded.path()});
}

TEST(CheckpointWriter, FusedExpertLayoutGivesTheSameExperts) {
  for (auto arch : {Architecture::kQwen3Moe, Architecture::kOlmoe}) {
    TempDir plain, fused;
    auto spec = small_spec(arch);
    write_random_checkpoint(spec, plain.path());
    spec.fused_experts = true;
    write_random_checkpoint(spec, fused.path());
    Checkpoint a(plain.path()), b(fused.path());
    EXPECT_FALSE(b.contains("model.layers.0.mlp.experts.0.gate_proj.weight"));
    EXPECT_EQ(b.tensor("model.layers.1.mlp.experts.gate_up_proj").shape, (std::vector<std::int64_t>{6, 40, 32}));
    EXPECT_EQ(b.tensor("model.layers.1.mlp.experts.down_proj").shape, (std::vector<std::int64_t>{6, 32, 20}));
    auto wa = resolve_model_weights(a), wb = resolve_model_weights(b);
    for (std::size_t l = 0; l < wa.layers.size(); ++l)
      for (std::size_t e = 0; e < 6; ++e) {
        EXPECT_TRUE(same_bytes(wa.layers[l].experts[e].gate, wb.layers[l].experts[e].gate)) << l << " " << e;
        EXPECT_TRUE(same_bytes(wa.layers[l].experts[e].up, wb.layers[l].experts[e].up)) << l << " " << e;
        EXPECT_TRUE(same_bytes(wa.layers[l].experts[e].down, wb.layers[l].experts[e].down)) << l << " " << e;
      }
    // Slices point into the fused tensor at the documented offsets.
    const auto& gate_up = b.tensor("model.layers.2.mlp.experts.gate_up_proj");
    const char* base = static_cast<const char*>(gate_up.data);
    EXPECT_EQ(wb.layers[2].experts[3].gate.data, base + 3 * 40 * 32 * 2);
    EXPECT_EQ(wb.layers[2].experts[3].up.data, base + (3 * 40 * 32 + 20 * 32) * 2);
  }
}

TEST(CheckpointWriter, FusedLayoutWithWrongShapeIsNamed) {
  TempDir dir;
  auto spec = small_spec(Architecture::kQwen3Moe);
  spec.fused_experts = true;
  write_random_checkpoint(spec, dir.path());
  edit_header(dir.file("model.safetensors"), [](nlohmann::json& h) {
    h["model.layers.0.mlp.experts.down_proj"]["shape"] = {6, 20, 32};
  });
  auto msg = error_of(dir.path());
  EXPECT_TRUE(has(msg, "model.layers.0.mlp.experts.down_proj has shape [6, 20, 32], expected [6, 32, 20]")) << msg;
}

TEST(CheckpointWriter, DenseLayersAndTiedEmbeddings) {
  TempDir dir;
  auto spec = small_spec(Architecture::kQwen3Moe);
  spec.num_layers = 4;
  spec.decoder_sparse_step = 2;
  spec.mlp_only_layers = {3};
  spec.intermediate_size = 50;
  spec.tie_word_embeddings = true;
  write_random_checkpoint(spec, dir.path());
  Checkpoint ck(dir.path());
  EXPECT_FALSE(ck.contains("lm_head.weight"));
  auto w = resolve_model_weights(ck);
  EXPECT_EQ(w.lm_head.data, w.embed_tokens.data);
  std::vector<bool> moe;
  for (const auto& l : w.layers) moe.push_back(l.is_moe);
  EXPECT_EQ(moe, (std::vector<bool>{false, true, false, false}));
  EXPECT_EQ(w.layers[0].dense.gate.shape, (std::vector<std::int64_t>{50, 32}));
  EXPECT_EQ(w.layers[0].dense.down.shape, (std::vector<std::int64_t>{32, 50}));
  EXPECT_TRUE(w.layers[0].experts.empty());
  EXPECT_EQ(w.layers[0].router.data, nullptr);
  EXPECT_EQ(w.layers[1].dense.gate.data, nullptr);
}

TEST(CheckpointWriter, RejectsBadSpecs) {
  TempDir dir;
  auto spec = small_spec(Architecture::kQwen3Moe);
  spec.num_kv_heads = 3;
  EXPECT_THROW(write_random_checkpoint(spec, dir.path()), std::invalid_argument);
  spec = small_spec(Architecture::kQwen3Moe);
  spec.num_experts_per_tok = 7;
  EXPECT_THROW(write_random_checkpoint(spec, dir.path()), std::invalid_argument);
  spec = small_spec(Architecture::kMixtral);
  spec.fused_experts = true;
  EXPECT_THROW(write_random_checkpoint(spec, dir.path()), std::invalid_argument);
  spec = small_spec(Architecture::kQwen3Moe);
  spec.eos_token_ids = {97};
  EXPECT_THROW(write_random_checkpoint(spec, dir.path()), std::invalid_argument);
  EXPECT_EQ(parse_architecture("olmoe"), Architecture::kOlmoe);
  EXPECT_THROW(parse_architecture("llama"), CheckpointError);
}

TEST(Checkpoint, MissingTensorIsNamed) {
  TempDir dir;
  write_random_checkpoint(small_spec(Architecture::kQwen3Moe), dir.path());
  edit_header(dir.file("model.safetensors"),
              [](nlohmann::json& h) { h.erase("model.layers.1.mlp.experts.4.up_proj.weight"); });
  auto msg = error_of(dir.path());
  EXPECT_TRUE(has(msg, "checkpoint " + dir.path() + ": missing tensor model.layers.1.mlp.experts.4.up_proj.weight"))
      << msg;
  Checkpoint ck(dir.path());
  EXPECT_THROW(ck.tensor("nope"), CheckpointError);
}

TEST(Checkpoint, MisShapedTensorNamesBothShapes) {
  TempDir dir;
  write_random_checkpoint(small_spec(Architecture::kQwen3Moe), dir.path());
  edit_header(dir.file("model.safetensors"),
              [](nlohmann::json& h) { h["model.layers.2.self_attn.k_norm.weight"]["shape"] = {3, 4}; });
  auto msg = error_of(dir.path());
  EXPECT_TRUE(has(msg, "model.layers.2.self_attn.k_norm.weight has shape [3, 4], expected [12]")) << msg;
  Checkpoint ck(dir.path());
  EXPECT_NO_THROW(ck.tensor("model.layers.2.self_attn.k_norm.weight", {3, 4}));
}

TEST(Checkpoint, BadTensorInsideTheFileIsNamed) {
  TempDir dir;
  write_random_checkpoint(small_spec(Architecture::kQwen3Moe), dir.path());
  edit_header(dir.file("model.safetensors"),
              [](nlohmann::json& h) { h["model.norm.weight"]["dtype"] = "F64"; });
  auto msg = error_of(dir.path());
  EXPECT_TRUE(has(msg, "model.safetensors: tensor model.norm.weight: unsupported dtype F64")) << msg;
}

TEST(Checkpoint, MissingShardAndAbsentListedTensor) {
  TempDir dir;
  auto spec = small_spec(Architecture::kQwen3Moe);
  spec.num_shards = 2;
  write_random_checkpoint(spec, dir.path());
  auto index = nlohmann::json::parse(read_file(dir.file("model.safetensors.index.json")));
  index["weight_map"]["model.extra.weight"] = "model-00001-of-00002.safetensors";
  dir.write("model.safetensors.index.json", index.dump());
  auto msg = error_of(dir.path());
  EXPECT_TRUE(has(msg, "tensor model.extra.weight is listed in shard")) << msg;
  EXPECT_TRUE(has(msg, "model.safetensors.index.json")) << msg;

  index["weight_map"].erase("model.extra.weight");
  dir.write("model.safetensors.index.json", index.dump());
  fs::remove(dir.file("model-00002-of-00002.safetensors"));
  msg = error_of(dir.path());
  EXPECT_TRUE(has(msg, "model-00002-of-00002.safetensors")) << msg;
  EXPECT_TRUE(has(msg, "is missing")) << msg;

  dir.write("model.safetensors.index.json", "{\"weight_map\": 3}");
  EXPECT_TRUE(has(error_of(dir.path()), "weight_map"));
}

TEST(Checkpoint, DirectoryProblems) {
  TempDir dir;
  EXPECT_TRUE(has(error_of(dir.file("absent")), "not a directory"));
  write_random_checkpoint(small_spec(Architecture::kMixtral), dir.path());
  fs::remove(dir.file("model.safetensors"));
  EXPECT_TRUE(has(error_of(dir.path()), "neither model.safetensors"));
  dir.write("model.safetensors", "short");
  EXPECT_TRUE(has(error_of(dir.path()), "truncated"));
  auto config = nlohmann::json::parse(read_file(dir.file("config.json")));
  config["model_type"] = "gpt2";
  dir.write("config.json", config.dump());
  auto msg = error_of(dir.path());
  EXPECT_TRUE(has(msg, "config.json: model_type: unsupported architecture 'gpt2'")) << msg;
}

// Issue 21: a qwen2_moe config.json that says there is no shared expert while the checkpoint has
// its tensors is refused (before: the shared expert was dropped silently and the tokens changed).
TEST(Checkpoint, SharedExpertTensorsWithoutTheConfigWidthAreRefused) {
  TempDir dir;
  write_random_checkpoint(small_spec(Architecture::kQwen2Moe), dir.path());
  auto config = nlohmann::json::parse(read_file(dir.file("config.json")));
  config["shared_expert_intermediate_size"] = 0;
  dir.write("config.json", config.dump());
  auto msg = error_of(dir.path());
  EXPECT_TRUE(has(msg, "config.json: shared_expert_intermediate_size is 0 (no shared expert) but tensor "
                       "model.layers.0.mlp.shared_expert.gate_proj.weight exists"))
      << msg;
  config.erase("shared_expert_intermediate_size");
  dir.write("config.json", config.dump());
  EXPECT_TRUE(has(error_of(dir.path()), "shared_expert_intermediate_size is 0")) << error_of(dir.path());
}

}  // namespace
