// The in-tree engine as a suite model: make-model writes a random checkpoint, `engine` runs a suite on
// it in-process, and `generate --json` prints the documented shape. A random model emits arbitrary
// bytes (invalid UTF-8 included): every sample must still be recorded and exported.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;

TEST(EngineProvider, SuiteAndGenerateOnARandomCheckpoint) {
  TempDir dir;
  auto made = run_command(kBinary + " make-model --out " + dir.file("model") +
                          " --layers 2 --hidden 64 --heads 4 --kv-heads 2 --head-dim 16 --experts 8 --top-k 2"
                          " --moe-ff 32 --dtype f32 --seed 3");
  ASSERT_EQ(made.exit_code, 0) << made.err;

  auto gen = run_command(kBinary + " generate --model " + dir.file("model") +
                         " --prompt 12+34 --chat --max-tokens 6 --top-logprobs 3 --json");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto j = nlohmann::json::parse(gen.out);
  for (const char* key : {"prompt_ids", "tokens", "text", "finish_reason", "stats"}) EXPECT_TRUE(j.contains(key)) << key;
  ASSERT_EQ(j["tokens"].size(), 6u);
  EXPECT_EQ(j["finish_reason"], "length");
  for (const auto& t : j["tokens"]) {
    EXPECT_TRUE(t.contains("id") && t.contains("text") && t.contains("logprob"));
    ASSERT_EQ(t["top"].size(), 3u);
    EXPECT_GE(t["top"][0]["logprob"].get<double>(), t["top"][2]["logprob"].get<double>());
  }
  EXPECT_TRUE(j["stats"].contains("decode_tokens_per_s"));
  // Greedy generation is deterministic.
  auto again = run_command(kBinary + " generate --model " + dir.file("model") +
                           " --prompt 12+34 --chat --max-tokens 6 --top-logprobs 3 --json");
  auto j2 = nlohmann::json::parse(again.out);
  EXPECT_EQ(j["tokens"], j2["tokens"]);

  std::string data;
  for (int i = 0; i < 4; ++i) data += "{\"q\": \"" + std::to_string(i) + "+1\", \"answer\": \"" + std::to_string(i + 1) + "\"}\n";
  dir.write("d.jsonl", data);
  dir.write("s.yaml", "name: eng\nmodels:\n  - name: tiny\n    provider: engine\n    path: model\n"
                      "    params: {max_tokens: 24, temperature: 1.0, logprobs: true, top_logprobs: 2}\n"
                      "tasks:\n  - name: t\n    dataset: d.jsonl\n    prompt: \"{q}\"\n    scorer: math\n    samples: 3\n");
  auto eval = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("e.db") + " --no-progress");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NE(eval.err.find("12 samples planned, 0 already done, 12 completed, 0 failed"), std::string::npos) << eval.err;
  auto exported = run_command(kBinary + " export --db " + dir.file("e.db") + " --samples -");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::istringstream lines(exported.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    auto s = nlohmann::json::parse(line);
    EXPECT_TRUE(s["error"].is_null());
    EXPECT_TRUE(s["token_ids"].is_array());
    EXPECT_EQ(s["logprobs"].size(), s["token_ids"].size());
    ++n;
  }
  EXPECT_EQ(n, 12);
  // Seeded by sample index: a fresh database reproduces the same completions.
  auto rerun = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("f.db") + " --no-progress");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  auto first = run_command(kBinary + " export --db " + dir.file("e.db") + " --samples -").out;
  auto second = run_command(kBinary + " export --db " + dir.file("f.db") + " --samples -").out;
  auto strip = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) out.push_back(nlohmann::json::parse(l)["token_ids"].dump());
    return out;
  };
  EXPECT_EQ(strip(first), strip(second));

  auto bad = run_command(kBinary + " generate --model " + dir.file("nope") + " --prompt x");
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
