// scripts/write_gguf.py (checkpoint -> GGUF for the llama.cpp peer): layout independence and refusals.
// That llama.cpp reads the files and computes what our engine computes is the peer test's job
// (tests/engine_peer/llamacpp_peer_test.cpp); here: what the file holds and the error messages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>

#include "tests/support/command.h"

namespace gauntlet::engine {
namespace {

using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kWriter = "/usr/bin/python3 " + std::string(GAUNTLET_SOURCE_DIR) + "/scripts/write_gguf.py ";

std::string make_model(const std::string& dir, const std::string& extra) {
  auto r = run_command(std::string(GAUNTLET_BINARY) + " make-model --out " + dir + " --seed 5 " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir;
}

TEST(WriteGgufScript, WritesGgufV3WithQwen3MoeKeys) {
  TempDir tmp;
  const std::string model = make_model(tmp.file("m"), "--dtype bf16 --heads 4 --head-dim 24 --hidden 64");
  auto r = run_command(kWriter + model + " " + tmp.file("m.gguf"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = read_file(tmp.file("m.gguf"));
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 4), "GGUF");
  std::uint32_t version = 0;
  std::uint64_t tensors = 0;
  std::memcpy(&version, bytes.data() + 4, 4);
  std::memcpy(&tensors, bytes.data() + 8, 8);
  EXPECT_EQ(version, 3u);
  EXPECT_EQ(tensors, 2u * 12u + 3u);  // per layer 12, plus token_embd, output_norm, output
  for (const char* key : {"qwen3moe.attention.key_length", "qwen3moe.expert_feed_forward_length",
                          "blk.1.ffn_down_exps.weight", "blk.0.attn_q_norm.weight", "tokenizer.ggml.merges"})
    EXPECT_NE(bytes.find(key), std::string::npos) << key;
}

// Sharded files and the fused expert layout hold the same weights: the GGUF must be the same bytes.
TEST(WriteGgufScript, ShardsAndFusedExpertsGiveTheSameFile) {
  TempDir tmp;
  std::filesystem::create_directories(tmp.file("a"));
  std::filesystem::create_directories(tmp.file("b"));
  std::filesystem::create_directories(tmp.file("c"));
  make_model(tmp.file("a/m"), "--dtype f32");
  make_model(tmp.file("b/m"), "--dtype f32 --shards 3");
  make_model(tmp.file("c/m"), "--dtype f32 --fused-experts");
  for (const char* d : {"a", "b", "c"}) {
    auto r = run_command(kWriter + tmp.file(std::string(d) + "/m") + " " + tmp.file(std::string(d) + ".gguf"));
    ASSERT_EQ(r.exit_code, 0) << d << ": " << r.err;
  }
  const std::string a = read_file(tmp.file("a.gguf"));
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == read_file(tmp.file("b.gguf"))) << "sharded checkpoint gives a different GGUF";
  EXPECT_TRUE(a == read_file(tmp.file("c.gguf"))) << "fused experts give a different GGUF";
}

// --outtype f32 widens every bf16 matrix: about twice the bytes.
TEST(WriteGgufScript, OuttypeF32WidensEveryTensor) {
  TempDir tmp;
  const std::string model = make_model(tmp.file("m"), "--dtype bf16");
  ASSERT_EQ(run_command(kWriter + model + " " + tmp.file("bf16.gguf")).exit_code, 0);
  ASSERT_EQ(run_command(kWriter + "--outtype f32 " + model + " " + tmp.file("f32.gguf")).exit_code, 0);
  const auto bf16 = std::filesystem::file_size(tmp.file("bf16.gguf"));
  const auto f32 = std::filesystem::file_size(tmp.file("f32.gguf"));
  EXPECT_GT(f32, bf16 * 19 / 10);
}

struct Refusal {
  const char* name;
  const char* extra;       // make-model options
  const char* expected;    // in the error message
};

void PrintTo(const Refusal& r, std::ostream* os) { *os << r.name; }

class WriteGgufRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(WriteGgufRefuses, WithAMessage) {
  TempDir tmp;
  const std::string model = make_model(tmp.file("m"), GetParam().extra);
  auto r = run_command(kWriter + model + " " + tmp.file("m.gguf"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(GetParam().expected), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp.file("m.gguf")));
}

INSTANTIATE_TEST_SUITE_P(
    Configs, WriteGgufRefuses,
    ::testing::Values(Refusal{"Olmoe", "--arch olmoe", "model_type 'olmoe' is not supported"},
                      Refusal{"Mixtral", "--arch mixtral", "model_type 'mixtral' is not supported"},
                      Refusal{"DenseLayer", "--mlp-only-layers 1", "mlp_only_layers"},
                      Refusal{"SparseStep", "--decoder-sparse-step 2", "decoder_sparse_step"}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

TEST(WriteGgufScript, RefusesBrokenCheckpoints) {
  TempDir tmp;
  const std::string model = make_model(tmp.file("m"), "--dtype f32");
  const std::string weights = model + "/model.safetensors";
  std::filesystem::resize_file(weights, std::filesystem::file_size(weights) - 100);
  auto r = run_command(kWriter + model + " " + tmp.file("m.gguf"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("data runs past the end of the file"), std::string::npos) << r.err;

  const std::string other = make_model(tmp.file("n"), "--dtype f32");
  std::string config = read_file(other + "/config.json");
  config.replace(config.find("\"norm_topk_prob\": true"), 22, "\"norm_topk_prob\": false");
  std::ofstream(other + "/config.json") << config;
  r = run_command(kWriter + other + " " + tmp.file("n.gguf"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("norm_topk_prob must be true"), std::string::npos) << r.err;

  const std::string third = make_model(tmp.file("o"), "--dtype f32");
  std::filesystem::remove(third + "/tokenizer.json");
  r = run_command(kWriter + third + " " + tmp.file("o.gguf"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tokenizer.json: not found"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace gauntlet::engine
