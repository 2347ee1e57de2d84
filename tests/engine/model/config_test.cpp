// load_model_config: fields per architecture, defaults, eos ids from both files, and refusals of
// values the engine does not implement (naming config.json and the key).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/model/checkpoint_error.h"
#include "engine/model/config.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::TempDir;
using nlohmann::json;

json qwen3_config() {
  return json::parse(R"({
    "architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "vocab_size": 151936,
    "hidden_size": 2048, "num_hidden_layers": 48, "num_attention_heads": 32, "num_key_value_heads": 4,
    "head_dim": 128, "num_experts": 128, "num_experts_per_tok": 8, "moe_intermediate_size": 768,
    "intermediate_size": 6144, "norm_topk_prob": true, "decoder_sparse_step": 1, "mlp_only_layers": [],
    "hidden_act": "silu", "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "rope_scaling": null,
    "max_position_embeddings": 40960, "attention_bias": false, "use_sliding_window": false,
    "sliding_window": null, "max_window_layers": 48, "tie_word_embeddings": false,
    "bos_token_id": 151643, "eos_token_id": 151645, "torch_dtype": "bfloat16"})");
}

ModelConfig load(const TempDir& dir, const json& config, const json& generation = nullptr) {
  dir.write("config.json", config.dump());
  if (!generation.is_null()) dir.write("generation_config.json", generation.dump());
  return load_model_config(dir.path());
}

// The error message of loading `config` ("" if it loads); it must name config.json.
std::string load_error(const json& config) {
  TempDir dir;
  try {
    load(dir, config);
  } catch (const CheckpointError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(dir.file("config.json")), std::string::npos) << msg;
    return msg;
  }
  return "";
}

bool has(const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; }

TEST(ModelConfig, Qwen3MoeFromThePublishedConfig) {
  TempDir dir;
  auto c = load(dir, qwen3_config(), json::parse(R"({"eos_token_id": [151645, 151643], "pad_token_id": 151643,
      "temperature": 0.6, "top_p": 0.95, "top_k": 20})"));
  EXPECT_EQ(c.arch, Architecture::kQwen3Moe);
  EXPECT_EQ(c.hidden_size, 2048);
  EXPECT_EQ(c.num_layers, 48);
  EXPECT_EQ(c.num_heads, 32);
  EXPECT_EQ(c.num_kv_heads, 4);
  EXPECT_EQ(c.head_dim, 128);  // not hidden / heads
  EXPECT_EQ(c.num_experts, 128);
  EXPECT_EQ(c.num_experts_per_tok, 8);
  EXPECT_EQ(c.moe_intermediate_size, 768);
  EXPECT_EQ(c.intermediate_size, 6144);
  EXPECT_TRUE(c.norm_topk_prob);
  EXPECT_TRUE(c.qk_norm);
  EXPECT_TRUE(c.qk_norm_per_head);
  EXPECT_FALSE(c.qkv_bias);
  EXPECT_DOUBLE_EQ(c.rope_theta, 1e6);
  EXPECT_DOUBLE_EQ(c.rms_norm_eps, 1e-6);
  EXPECT_EQ(c.max_position_embeddings, 40960);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int>{151645, 151643}));
  EXPECT_EQ(c.bos_token_id, 151643);
  EXPECT_EQ(c.pad_token_id, 151643);
  EXPECT_DOUBLE_EQ(c.default_temperature, 0.6);
  EXPECT_DOUBLE_EQ(c.default_top_p, 0.95);
  EXPECT_EQ(c.default_top_k, 20);
  for (int l = 0; l < 48; ++l) EXPECT_TRUE(c.is_moe_layer(l));
}

TEST(ModelConfig, DefaultsAndAlternativeSpellings) {
  TempDir dir;
  auto j = qwen3_config();
  j.erase("head_dim");
  j.erase("rope_theta");
  j["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", 5e5}};
  j["eos_token_id"] = {7, 8};
  auto c = load(dir, j, json{{"eos_token_id", 9}});
  EXPECT_EQ(c.head_dim, 64);  // hidden / heads
  EXPECT_DOUBLE_EQ(c.rope_theta, 5e5);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int>{7, 8, 9}));
  j.erase("num_key_value_heads");
  j["eos_token_id"] = nullptr;
  TempDir dir2;
  c = load(dir2, j);
  EXPECT_EQ(c.num_kv_heads, 32);
  EXPECT_TRUE(c.eos_token_ids.empty());
  EXPECT_LT(c.default_temperature, 0);
}

TEST(ModelConfig, DenseLayersFromSparseStepAndMlpOnlyLayers) {
  TempDir dir;
  auto j = qwen3_config();
  j["num_hidden_layers"] = 6;
  j["decoder_sparse_step"] = 2;
  j["mlp_only_layers"] = {3};
  auto c = load(dir, j);
  std::vector<bool> moe;
  for (int l = 0; l < 6; ++l) moe.push_back(c.is_moe_layer(l));
  EXPECT_EQ(moe, (std::vector<bool>{false, true, false, false, false, true}));
  j["mlp_only_layers"] = {6};
  EXPECT_TRUE(has(load_error(j), "mlp_only_layers"));
  j["mlp_only_layers"] = {1};
  j.erase("intermediate_size");
  EXPECT_TRUE(has(load_error(j), "intermediate_size"));
}

TEST(ModelConfig, Qwen2Moe) {
  TempDir dir;
  auto j = qwen3_config();
  j["model_type"] = "qwen2_moe";
  j["shared_expert_intermediate_size"] = 5632;
  j["norm_topk_prob"] = false;
  auto c = load(dir, j);
  EXPECT_EQ(c.arch, Architecture::kQwen2Moe);
  EXPECT_EQ(c.shared_expert_intermediate_size, 5632);
  EXPECT_TRUE(c.qkv_bias);
  EXPECT_FALSE(c.qk_norm);
  EXPECT_FALSE(c.norm_topk_prob);
}

TEST(ModelConfig, Olmoe) {
  TempDir dir;
  auto c = load(dir, json::parse(R"({"model_type": "olmoe", "vocab_size": 50304, "hidden_size": 2048,
      "num_hidden_layers": 16, "num_attention_heads": 16, "num_key_value_heads": 16, "num_experts": 64,
      "num_experts_per_tok": 8, "intermediate_size": 1024, "norm_topk_prob": false, "clip_qkv": null,
      "rope_theta": 10000.0, "rms_norm_eps": 1e-05, "eos_token_id": 50279, "pad_token_id": 1})"));
  EXPECT_EQ(c.arch, Architecture::kOlmoe);
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.moe_intermediate_size, 1024);
  EXPECT_FALSE(c.norm_topk_prob);
  EXPECT_TRUE(c.qk_norm);
  EXPECT_FALSE(c.qk_norm_per_head);
  EXPECT_DOUBLE_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int>{50279}));
}

TEST(ModelConfig, MixtralAlwaysRenormalises) {
  TempDir dir;
  json j = json::parse(R"({"model_type": "mixtral", "vocab_size": 32000, "hidden_size": 4096,
      "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "num_local_experts": 8,
      "num_experts_per_tok": 2, "intermediate_size": 14336, "rope_theta": 1e6, "sliding_window": null,
      "norm_topk_prob": false, "bos_token_id": 1, "eos_token_id": 2})");
  auto c = load(dir, j);
  EXPECT_EQ(c.arch, Architecture::kMixtral);
  EXPECT_EQ(c.num_experts, 8);
  EXPECT_EQ(c.moe_intermediate_size, 14336);
  EXPECT_TRUE(c.norm_topk_prob);
  EXPECT_FALSE(c.qk_norm);
  EXPECT_DOUBLE_EQ(c.rms_norm_eps, 1e-5);
  j["sliding_window"] = 4096;
  j["max_position_embeddings"] = 32768;
  EXPECT_TRUE(has(load_error(j), "sliding_window"));
  j["sliding_window"] = 32768;  // as wide as the context: no window in effect
  TempDir dir2;
  EXPECT_NO_THROW(load(dir2, j));
  j.erase("num_local_experts");
  EXPECT_TRUE(has(load_error(j), "num_local_experts"));
}

TEST(ModelConfig, UnsupportedArchitecture) {
  auto j = qwen3_config();
  j["model_type"] = "llama";
  auto msg = load_error(j);
  EXPECT_TRUE(has(msg, "model_type")) << msg;
  EXPECT_TRUE(has(msg, "unsupported architecture 'llama'")) << msg;
  j.erase("model_type");
  EXPECT_TRUE(has(load_error(j), "model_type"));
}

TEST(ModelConfig, UnsupportedValuesNameTheKey) {
  auto expect_key = [](const char* key, const json& value) {
    auto j = qwen3_config();
    j[key] = value;
    auto msg = load_error(j);
    EXPECT_TRUE(has(msg, std::string(": ") + key + ":")) << key << ": " << msg;
  };
  expect_key("rope_scaling", json{{"rope_type", "yarn"}, {"factor", 4.0}});
  expect_key("use_sliding_window", true);
  expect_key("hidden_act", "gelu");
  expect_key("attention_bias", true);
  expect_key("quantization_config", json{{"quant_method", "fp8"}});
  expect_key("hidden_size", 0);
  expect_key("hidden_size", "2048");
  expect_key("num_key_value_heads", 5);
  expect_key("num_experts_per_tok", 129);
  expect_key("head_dim", 127);
  expect_key("eos_token_id", 200000);
  expect_key("eos_token_id", "x");
  expect_key("norm_topk_prob", "yes");
  auto j = qwen3_config();
  j.erase("rope_theta");
  j["rope_parameters"] = {{"rope_type", "yarn"}, {"rope_theta", 1e6}};
  EXPECT_TRUE(has(load_error(j), "rope_type"));
  j = qwen3_config();
  j.erase("vocab_size");
  EXPECT_TRUE(has(load_error(j), "vocab_size: missing"));
  j = qwen3_config();
  j["model_type"] = "olmoe";
  j["clip_qkv"] = 8.0;
  EXPECT_TRUE(has(load_error(j), "clip_qkv"));
}

TEST(ModelConfig, MissingOrBrokenFiles) {
  TempDir dir;
  EXPECT_THROW(load_model_config(dir.path()), CheckpointError);
  dir.write("config.json", "{not json");
  EXPECT_THROW(load_model_config(dir.path()), CheckpointError);
  dir.write("config.json", qwen3_config().dump());
  dir.write("generation_config.json", "[");
  try {
    load_model_config(dir.path());
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_TRUE(has(e.what(), "generation_config.json")) << e.what();
  }
}

// Issue 21: hostile config.json files end in a clean CheckpointError naming the file (before: a
// SIGSEGV for deep nesting in a key that is read, and a silent success for bytes after a NUL).
std::string raw_load_error(const std::string& text) {
  TempDir dir;
  dir.write("config.json", text);
  try {
    load_model_config(dir.path());
  } catch (const CheckpointError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(dir.file("config.json")), std::string::npos) << msg;
    return msg;
  }
  return "";
}

TEST(ModelConfig, DeepNestingIsRefusedInReadAndIgnoredKeys) {
  const std::string deep = std::string(66000, '[') + std::string(66000, ']');
  std::string text = qwen3_config().dump();
  for (const char* key : {"rms_norm_eps", "use_cache"}) {
    std::string edited = text;
    edited.insert(1, std::string("\"") + key + "\": " + deep + ", ");
    auto msg = raw_load_error(edited);
    EXPECT_TRUE(has(msg, "nested deeper than 128 levels (the limit)")) << msg.substr(0, 300);
  }
  // Shallow but wrongly typed values are named with the key, the value printed briefly.
  auto j = qwen3_config();
  j["rms_norm_eps"] = nlohmann::json::parse(std::string(100, '[') + std::string(100, ']'));
  auto msg = load_error(j);
  EXPECT_TRUE(has(msg, "rms_norm_eps: expected a number, got [[[[")) << msg;
  EXPECT_LT(msg.size(), 400u) << msg;
}

TEST(ModelConfig, BytesAfterTheObjectAreAnError) {
  using namespace std::string_literals;
  const std::string text = qwen3_config().dump();
  EXPECT_TRUE(has(raw_load_error(text + "\0garbage{{{"s), "a NUL byte at offset"));
  EXPECT_TRUE(has(raw_load_error(text + "\n{} trailing"), "not valid JSON"));
  EXPECT_EQ(raw_load_error(text + "\n\n"), "");
}

TEST(ModelConfig, IntegersBeyond32BitsAreNotTruncated) {
  auto j = qwen3_config();
  j["eos_token_id"] = 4294967296LL + 5;  // 5 after truncation to 32 bits
  EXPECT_TRUE(has(load_error(j), "eos_token_id: 4294967301 is not a 32-bit integer"));
  j["eos_token_id"] = {5, 18446744073709551615ULL};
  EXPECT_TRUE(has(load_error(j), "eos_token_id: expected 32-bit integers"));
  j["eos_token_id"] = 3;
  j["vocab_size"] = 4294967296LL + 297;
  EXPECT_TRUE(has(load_error(j), "vocab_size: expected an integer >= 1"));
}

}  // namespace
