// benchmarks/testbed/train.py end to end at a toy scale: a few optimizer steps, then the export.
// The checkpoint must load in the engine, which must reproduce the torch greedy outputs the script
// wrote; a second run with the same arguments must give byte-identical weights (seeded and
// step-counted). Skips only when PyTorch is missing for /usr/bin/python3.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "tests/support/command.h"

namespace {

using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kTrain = "/usr/bin/python3 " + std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed/train.py";

class TestbedTraining : public ::testing::Test {
 protected:
  void SetUp() override {
    auto probe = run_command("/usr/bin/python3 -c 'import torch'");
    if (probe.exit_code != 0)
      GTEST_SKIP() << "PyTorch is not installed for /usr/bin/python3 (apt-get install python3-torch): " << probe.err;
  }
  TempDir dir;
};

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

TEST_F(TestbedTraining, FewStepsExportAReproducibleCheckpointTheEngineRuns) {
  const std::string args = " --steps 3 --phase2-steps 2 --warmup 2 --batch-tokens 1024 --heldout 20 --eval-problems 4"
                           " --reference-problems 3 --max-new-tokens 12 --log-every 1";
  for (const char* run : {"a", "b"}) {
    auto r = run_command(kTrain + " --out " + dir.file(std::string(run) + "/model") + " --data-dir " +
                         dir.file(std::string(run) + "/data") + args);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  for (const char* file : {"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
                           "generation_config.json"}) {
    std::string a = read_file(dir.file(std::string("a/model/") + file));
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_TRUE(a == read_file(dir.file(std::string("b/model/") + file))) << file << " differs between two runs";
  }
  EXPECT_EQ(read_jsonl(dir.file("a/data/heldout.jsonl")).size(), 20u);
  auto summary = nlohmann::json::parse(read_file(dir.file("a/data/train_summary.json")));
  ASSERT_EQ(summary.at("phases").size(), 2u);
  EXPECT_EQ(summary["phases"][0]["steps"], 3);
  EXPECT_EQ(summary["phases"][1]["steps"], 2);
  EXPECT_GT(summary["phases"][1]["final_ce"].get<double>(), 0.0);

  gauntlet::engine::Engine engine(dir.file("a/model"));
  EXPECT_EQ(engine.config().model_type, "qwen3_moe");
  auto rows = read_jsonl(dir.file("a/data/torch_greedy.jsonl"));
  ASSERT_EQ(rows.size(), 6u);  // 3 problems, thinking and not
  for (const auto& row : rows) {
    gauntlet::engine::GenerationRequest g;
    g.prompt_ids = row.at("prompt_ids").get<std::vector<int>>();
    auto expected = row.at("output_ids").get<std::vector<int>>();
    g.max_tokens = static_cast<int>(expected.size());
    g.sampling.temperature = 0;
    EXPECT_EQ(engine.generate(g).token_ids(), expected) << row.dump();
  }
}

TEST_F(TestbedTraining, BadArgumentsAreRefusedWithAMessage) {
  auto r = run_command(kTrain + " --out " + dir.file("m") + " --data-dir " + dir.file("d") + " --steps -1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--steps must be >= 0"), std::string::npos) << r.err;
  auto missing = run_command(kTrain + " --data-dir " + dir.file("d"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--out"), std::string::npos) << missing.err;
  auto no_checkpoint = run_command(kTrain + " --eval-only --out " + dir.file("m") + " --data-dir " + dir.file("d"));
  EXPECT_EQ(no_checkpoint.exit_code, 2);
  EXPECT_NE(no_checkpoint.err.find("has no config.json"), std::string::npos) << no_checkpoint.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("m")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("d")));
}

}  // namespace
