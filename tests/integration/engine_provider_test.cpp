// The in-tree engine as a suite model: make-model writes a random checkpoint, `engine` runs a suite on
// it in-process, and `generate --json` prints the documented shape. A random model emits arbitrary
// bytes (invalid UTF-8 included): every sample must still be recorded and exported.
#include <gtest/gtest.h>

#include <map>
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

TEST(EngineProvider, RoutingVariantsOfOneCheckpointAreDifferentPlayers) {
  TempDir dir;
  auto made = run_command(kBinary + " make-model --out " + dir.file("model") +
                          " --layers 2 --hidden 32 --heads 4 --kv-heads 2 --head-dim 8 --experts 8 --top-k 2"
                          " --moe-ff 16 --dtype f32 --seed 4");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string data;
  for (int i = 0; i < 3; ++i) data += "{\"q\": \"" + std::to_string(i) + "+2\", \"answer\": \"" + std::to_string(i + 2) + "\"}\n";
  dir.write("d.jsonl", data);
  const std::string model = "    provider: engine\n    path: model\n    params: {max_tokens: 8, temperature: 0}\n";
  dir.write("s.yaml", "name: routing\nmodels:\n"
                      "  - name: plain\n" + model +
                      "  - name: plain-traced\n" + model + "    routing: {trace: true}\n"
                      "  - name: top-p\n" + model + "    routing: {top_p: 0.999, trace: true}\n"
                      "  - name: masked\n" + model + "    routing: {expert_mask: \"1:0,1:1,1:2,1:3,1:4,1:5,1:6\", trace: true}\n"
                      "tasks:\n  - name: t\n    dataset: d.jsonl\n    prompt: \"{q}\"\n    scorer: math\n");
  auto eval = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("e.db") + " --no-progress");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  auto exported = run_command(kBinary + " export --db " + dir.file("e.db") + " --samples -");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::map<std::string, std::vector<nlohmann::json>> by_model;
  std::istringstream lines(exported.out);
  std::string line;
  while (std::getline(lines, line)) {
    auto s = nlohmann::json::parse(line);
    by_model[s["model"].get<std::string>()].push_back(s);
  }
  ASSERT_EQ(by_model.size(), 4u);
  for (const auto& s : by_model["plain"]) EXPECT_FALSE(s.contains("routing"));
  for (std::size_t i = 0; i < 3; ++i) {
    // Tracing changes nothing in what is generated.
    EXPECT_EQ(by_model["plain"][i]["token_ids"], by_model["plain-traced"][i]["token_ids"]);
    const auto& traced = by_model["plain-traced"][i]["routing"];
    EXPECT_DOUBLE_EQ(traced["experts_per_token"].get<double>(), 2.0);
    EXPECT_EQ(traced["tokens"].get<std::size_t>(), by_model["plain-traced"][i]["token_ids"].size());
    EXPECT_GT(by_model["top-p"][i]["routing"]["experts_per_token"].get<double>(), 2.0);
    const auto& masked = by_model["masked"][i]["routing"]["layers"][1];
    EXPECT_EQ(masked["layer"], 1);
    EXPECT_DOUBLE_EQ(masked["experts_per_token"].get<double>(), 1.0);
    EXPECT_EQ(masked["load"][7], by_model["masked"][i]["routing"]["tokens"]);
  }
  // A control the model cannot take is refused when the model loads, naming the model.
  dir.write("bad.yaml", "name: bad\nmodels:\n  - name: broken\n" + model +
                        "    routing: {rice: \"5:0\", rice_beta: 4}\n"
                        "tasks:\n  - name: t\n    dataset: d.jsonl\n    prompt: \"{q}\"\n");
  auto bad = run_command(kBinary + " eval " + dir.file("bad.yaml") + " --db " + dir.file("b.db") + " --no-progress");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("broken"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("layer 5 outside"), std::string::npos) << bad.err;
}

}  // namespace
