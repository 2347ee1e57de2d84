// `gauntlet make-model`: writes a loadable checkpoint with a tokenizer, copies a given tokenizer,
// is deterministic for a seed, and rejects bad options with exit code 2.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/model/checkpoint.h"
#include "engine/model/weights.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
namespace fs = std::filesystem;

const std::string kBinary = GAUNTLET_BINARY;

TEST(MakeModelCli, DefaultTokenizerAndRoundTrip) {
  TempDir dir;
  const std::string out = dir.file("m");
  auto r = run_command(kBinary + " make-model --arch qwen3_moe --out " + out +
                       " --layers 2 --hidden 32 --heads 4 --kv-heads 1 --head-dim 16 --experts 4 --top-k 2 "
                       "--moe-ff 24 --dtype f32 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("qwen3_moe"), std::string::npos) << r.out;
  for (const char* f : {"config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                        "tokenizer_config.json"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  Checkpoint ck(out);
  const auto& c = ck.config();
  EXPECT_EQ(c.num_kv_heads, 1);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.num_experts, 4);
  EXPECT_EQ(c.eos_token_ids.size(), 2u);  // <|im_end|>, <|endoftext|>
  auto tokenizer = nlohmann::json::parse(read_file(out + "/tokenizer.json"));
  int size = 0;
  for (auto& [token, id] : tokenizer["model"]["vocab"].items()) size = std::max(size, id.get<int>() + 1);
  for (auto& t : tokenizer["added_tokens"]) size = std::max(size, t["id"].get<int>() + 1);
  EXPECT_EQ(c.vocab_size, size);
  auto w = resolve_model_weights(ck);
  EXPECT_EQ(w.layers[1].experts[3].down.dtype, DType::kF32);

  // Same seed -> same bytes; a copied tokenizer and a larger --vocab.
  const std::string again = dir.file("again");
  r = run_command(kBinary + " make-model --out " + again + " --tokenizer " + out +
                  " --layers 2 --hidden 32 --heads 4 --kv-heads 1 --head-dim 16 --experts 4 --top-k 2 "
                  "--moe-ff 24 --dtype f32 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(out + "/model.safetensors"), read_file(again + "/model.safetensors"));
  EXPECT_EQ(read_file(out + "/tokenizer.json"), read_file(again + "/tokenizer.json"));
  EXPECT_EQ(read_file(out + "/tokenizer_config.json"), read_file(again + "/tokenizer_config.json"));

  const std::string big = dir.file("big");
  r = run_command(kBinary + " make-model --arch olmoe --out " + big + " --tokenizer " + out +
                  "/tokenizer.json --vocab 1000 --shards 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Checkpoint ck_big(big);
  EXPECT_EQ(ck_big.config().vocab_size, 1000);
  EXPECT_EQ(ck_big.config().arch, Architecture::kOlmoe);
  EXPECT_TRUE(fs::exists(big + "/model.safetensors.index.json"));
  EXPECT_NO_THROW(resolve_model_weights(ck_big));
}

TEST(MakeModelCli, BadOptionsExitTwo) {
  TempDir dir;
  auto r = run_command(kBinary + " make-model --out " + dir.file("m") + " --heads 4 --kv-heads 3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("kv heads 3"), std::string::npos) << r.err;
  r = run_command(kBinary + " make-model --out " + dir.file("m") + " --arch llama");
  EXPECT_EQ(r.exit_code, 2);
  r = run_command(kBinary + " make-model --out " + dir.file("m") + " --tokenizer " + dir.file("absent"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("absent"), std::string::npos) << r.err;
  r = run_command(kBinary + " make-model --out " + dir.file("m") + " --dtype f64");
  EXPECT_EQ(r.exit_code, 2);
  r = run_command(kBinary + " make-model");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
