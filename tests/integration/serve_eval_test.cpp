// `gauntlet eval` against `gauntlet serve` through the openai provider gives, sample for sample, the
// token ids and answers the in-process engine provider gives (same checkpoint, same seeds, routing
// controls passed in extra_body), and the server exits 0 on SIGTERM; a nothinking prefill through
// either continuation method gives the engine provider's tokens; so do an s1 cap and TrimR on the
// reflecting testbed (turns continued over HTTP, the TrimR cut rewound to its thought boundary).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/served_model.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;

// A tiny random checkpoint in dir/model and a dataset of n questions "i+3" in dir/d.jsonl.
void make_model_and_data(const TempDir& dir, int n) {
  auto made = run_command(kBinary + " make-model --out " + dir.file("model") +
                          " --layers 2 --hidden 32 --heads 4 --kv-heads 2 --head-dim 8 --experts 8 --top-k 2"
                          " --moe-ff 16 --dtype bf16 --seed 6");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string data;
  for (int i = 0; i < n; ++i) data += "{\"q\": \"" + std::to_string(i) + "+3\", \"answer\": \"" + std::to_string(i + 3) + "\"}\n";
  dir.write("d.jsonl", data);
}

// Runs the suite dir/s.yaml and returns its samples: model → "item#sample" → sample.
std::map<std::string, std::map<std::string, nlohmann::json>> eval_samples(const TempDir& dir) {
  auto eval = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("e.db") + " --no-progress");
  EXPECT_EQ(eval.exit_code, 0) << eval.err;
  auto exported = run_command(kBinary + " export --db " + dir.file("e.db") + " --samples -");
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  std::map<std::string, std::map<std::string, nlohmann::json>> by_model;
  std::istringstream lines(exported.out);
  std::string line;
  while (std::getline(lines, line)) {
    auto s = nlohmann::json::parse(line);
    by_model[s["model"].get<std::string>()][s["item_id"].dump() + "#" + s["sample_index"].dump()] = s;
  }
  return by_model;
}

TEST(ServeEval, TheOpenAIProviderOnGauntletServeEqualsTheEngineProvider) {
  TempDir dir;
  make_model_and_data(dir, 5);
  gauntlet::testing::ServedModel server(kBinary, dir.file("model"), dir.path(), {"--threads", "1", "--name", "tiny"});
  const std::string port = server.port();
  ASSERT_FALSE(port.empty());
  const std::string params = "    params: {max_tokens: 12, temperature: 0.8, seed: 5}\n";
  dir.write("s.yaml", "name: served\nmodels:\n"
                      "  - name: local\n    provider: engine\n    path: model\n" + params +
                      "    routing: {top_k: 1}\n"
                      "  - name: served\n    base_url: http://127.0.0.1:" + port + "/v1\n    model: tiny\n" + params +
                      "    concurrency: 4\n    extra_body: {return_token_ids: true, routing: {top_k: 1}}\n"
                      "tasks:\n  - name: t\n    dataset: d.jsonl\n    prompt: \"{q}\"\n    scorer: math\n    samples: 2\n");
  auto by_model = eval_samples(dir);
  ASSERT_EQ(by_model["local"].size(), 10u);
  ASSERT_EQ(by_model["served"].size(), 10u);
  for (const auto& [key, local] : by_model["local"]) {
    const auto& served = by_model["served"][key];
    EXPECT_TRUE(served["error"].is_null() || served["error"] == "") << served.dump();
    EXPECT_EQ(served["token_ids"], local["token_ids"]) << key;
    EXPECT_EQ(served["finish_reason"], local["finish_reason"]) << key;
    EXPECT_EQ(served["correct"], local["correct"]) << key;
  }

  const auto exit = server.stop();
  EXPECT_TRUE(exit.exited) << server.stderr_text();
  EXPECT_EQ(exit.code, 0);
}

// A `nothinking` model through the openai provider gives, sample for sample, the token ids the
// engine provider gives with the same policy (greedy), by both continuation methods: /v1/completions
// with the prompt our copy of the checkpoint's template renders plus the prefill, and
// /v1/chat/completions with the prefill as the final assistant message (continue_final_message).
TEST(ServeEval, NothinkingOverBothContinuationMethodsEqualsTheEngineProvider) {
  TempDir dir;
  make_model_and_data(dir, 4);
  gauntlet::testing::ServedModel server(kBinary, dir.file("model"), dir.path(), {"--threads", "1", "--name", "tiny"});
  const std::string port = server.port();
  ASSERT_FALSE(port.empty());
  const std::string common = "    params: {max_tokens: 10, temperature: 0}\n    budget: nothinking\n";
  const std::string served = "    base_url: http://127.0.0.1:" + port + "/v1\n    model: tiny\n" + common +
                             "    extra_body: {return_token_ids: true}\n";
  dir.write("s.yaml", "name: budgets\nmodels:\n"
                      "  - name: local\n    provider: engine\n    path: model\n" + common +
                      "  - name: plain\n    provider: engine\n    path: model\n    params: {max_tokens: 10, temperature: 0}\n" +
                      "  - name: chat\n" + served +
                      "  - name: completions\n    endpoint: completions\n    chat_template: model\n" + served +
                      "tasks:\n  - name: t\n    dataset: d.jsonl\n    prompt: \"{q}\"\n    scorer: math\n");
  auto by_model = eval_samples(dir);
  ASSERT_EQ(by_model["local"].size(), 4u);
  int changed = 0;  // the prefill reaches the model: some answers differ from the plain model's
  for (const auto& [key, local] : by_model["local"]) changed += local["token_ids"] != by_model["plain"][key]["token_ids"];
  EXPECT_GT(changed, 0);
  for (const char* model : {"chat", "completions"}) {
    SCOPED_TRACE(model);
    ASSERT_EQ(by_model[model].size(), 4u);
    for (const auto& [key, local] : by_model["local"]) {
      const auto& remote = by_model[model][key];
      EXPECT_TRUE(remote["error"].is_null() || remote["error"] == "") << remote.dump();
      EXPECT_FALSE(local["token_ids"].empty()) << local.dump();
      EXPECT_EQ(remote["token_ids"], local["token_ids"]) << key;
      EXPECT_EQ(remote["finish_reason"], local["finish_reason"]) << key;
    }
  }
  const auto exit = server.stop();
  EXPECT_TRUE(exit.exited) << server.stderr_text();
}

// The policies that continue turns, on the testbed (which re-checks its answer after "Wait"):
// greedy, the openai provider against `gauntlet serve` gives the engine provider's token ids,
// answers and budget records (cut reason, position, thinking tokens), through both continuation
// methods. Over HTTP the continuation re-sends text, which the server tokenizes again; the testbed's
// generated text tokenizes back into the same ids, so the turns match token for token.
TEST(ServeEval, BudgetCapAndTrimROverHttpEqualTheEngineProvider) {
  TempDir dir;
  const std::string testbed = std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed";
  std::string data;
  for (const char* q : {"38+47", "6724+1955", "4406*7", "96+5"})
    data += std::string("{\"q\": \"") + q + "\", \"answer\": \"0\"}\n";
  dir.write("d.jsonl", data);
  gauntlet::testing::ServedModel server(kBinary, testbed + "/model", dir.path(), {"--threads", "1", "--name", "testbed"});
  const std::string port = server.port();
  ASSERT_FALSE(port.empty());
  const std::map<std::string, std::string> policies = {
      {"cap", "\"budget:40\""},
      {"trimr", "{policy: trimr, thinking_tokens: 600, verifier: {kind: extract, pattern: \"answer is (\\\\d+)\"}}"}};
  std::string models;
  for (const auto& [name, budget] : policies) {
    const std::string common = "    params: {max_tokens: 60, temperature: 0}\n    budget: " + budget + "\n";
    const std::string served = "    base_url: http://127.0.0.1:" + port + "/v1\n    model: testbed\n" + common +
                               "    extra_body: {return_token_ids: true}\n";
    models += "  - name: " + name + "-local\n    provider: engine\n    path: " + testbed + "/model\n" + common;
    models += "  - name: " + name + "-chat\n" + served;
    models += "  - name: " + name + "-completions\n    endpoint: completions\n    chat_template: " + testbed +
              "/model\n" + served;
  }
  dir.write("s.yaml", "name: budgets\nmodels:\n" + models +
                          "tasks:\n  - name: t\n    dataset: d.jsonl\n    prompt: \"{q}\"\n    scorer: math\n");
  auto by_model = eval_samples(dir);
  int converged = 0;
  for (const auto& [name, budget] : policies) {
    const auto& local = by_model[name + "-local"];
    ASSERT_EQ(local.size(), 4u) << name;
    for (const char* method : {"-chat", "-completions"}) {
      SCOPED_TRACE(name + method);
      const auto& remote_samples = by_model[name + method];
      ASSERT_EQ(remote_samples.size(), 4u);
      for (const auto& [key, l] : local) {
        const auto& remote = remote_samples.at(key);
        EXPECT_TRUE(remote["error"].is_null() || remote["error"] == "") << remote.dump();
        EXPECT_FALSE(l["token_ids"].empty()) << l.dump();
        EXPECT_EQ(remote["token_ids"], l["token_ids"]) << key;
        EXPECT_EQ(remote["completion"], l["completion"]) << key;
        EXPECT_EQ(remote["reasoning"], l["reasoning"]) << key;
        for (const char* field : {"cut_reason", "cut_position", "thinking_tokens", "answer_tokens"})
          EXPECT_EQ(remote["budget"][field], l["budget"][field]) << key << " " << field << " " << remote["budget"].dump();
        if (name == "trimr" && l["budget"]["cut_reason"] == "converged") {
          ++converged;
          EXPECT_EQ(remote["budget"]["rewound_tokens"], l["budget"]["rewound_tokens"]) << key;
        }
      }
    }
  }
  EXPECT_GT(converged, 0) << "some testbed traces re-check twice and converge";
  const auto exit = server.stop();
  EXPECT_TRUE(exit.exited) << server.stderr_text();
}

}  // namespace
