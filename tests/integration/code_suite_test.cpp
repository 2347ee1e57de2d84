// examples/code.yaml end to end, offline: the fake server answers from the example's answer book,
// `gauntlet eval` scores every sample in the sandbox, and the stored details, scores and pass@k agree
// with what each candidate is (the book marks each with "# kind: ..."). A second run does nothing.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/stats/metrics.h"
#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"

namespace {

using gauntlet::testing::FakeOpenAIServer;
using gauntlet::testing::FakeServerOptions;
using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kExamples = std::string(GAUNTLET_SOURCE_DIR) + "/examples";

// The example suite pointed at `url`, its datasets at the examples folder, with shorter time limits.
std::string example_suite(const std::string& url) {
  std::string yaml = read_file(kExamples + "/code.yaml");
  yaml = std::regex_replace(yaml, std::regex("http://127\\.0\\.0\\.1:18931/v1"), url);
  yaml = std::regex_replace(yaml, std::regex("dataset: data/"), "dataset: " + kExamples + "/data/");
  yaml = std::regex_replace(yaml, std::regex("timeout_ms: 500"), "timeout_ms: 250");
  return yaml;
}

const std::map<std::string, std::string> kExpected = {
    {"correct", ""},           {"wrong", "wrong_answer"},       {"slow", "timeout"},
    {"crash", "error"},        {"exit_early", "no_result"},     {"fork_bomb", "forbidden_syscall"},
    {"subprocess", "forbidden_syscall"}, {"network", "forbidden_syscall"}, {"memory", "memory"},
    {"file_write", "error"},   {"peek_tests", "wrong_answer"},  {"no_code", "no_code"},
};

TEST(CodeSuite, TheExampleRunsOfflineWithEveryCandidateScoredAsWhatItIs) {
  FakeServerOptions options;
  options.book = gauntlet::testing::load_answer_book(kExamples + "/data/code_answers.json");
  FakeOpenAIServer server(options);
  server.start();
  TempDir dir;
  dir.write("code.yaml", example_suite(server.base_url()));
  const std::string db = dir.file("code.db");
  auto run = run_command(std::string(GAUNTLET_BINARY) + " eval " + dir.file("code.yaml") + " --db " + db +
                         " --no-progress");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  auto exported = run_command(std::string(GAUNTLET_BINARY) + " export --db " + db + " --samples -");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::stringstream lines(exported.out);
  std::map<std::pair<std::string, std::string>, std::pair<int, int>> per_item;  // (task, item) -> (n, c)
  std::set<std::string> kinds_seen;
  int samples = 0;
  static const std::regex kind_re("# kind: ([a-z_]+)");
  for (std::string line; std::getline(lines, line);) {
    auto s = nlohmann::json::parse(line);
    ++samples;
    SCOPED_TRACE(s["task"].get<std::string>() + "/" + s["item_id"].get<std::string>() + " #" +
                 std::to_string(s["sample_index"].get<int>()));
    ASSERT_TRUE(s["error"].is_null()) << s["error"];
    std::smatch m;
    const std::string completion = s["completion"];
    const std::string kind = std::regex_search(completion, m, kind_re) ? m[1].str() : "no_code";
    kinds_seen.insert(kind);
    ASSERT_TRUE(kExpected.count(kind)) << kind;
    const auto& d = s["details"];
    ASSERT_TRUE(d.is_object()) << line;
    const int tests = s["task"] == "function-humaneval" ? 1 : 5;  // one check() per HumanEval problem
    EXPECT_EQ(d["tests_total"], tests);
    const std::string want = kExpected.at(kind);
    EXPECT_EQ(s["correct"].get<bool>(), want.empty()) << d.dump();
    EXPECT_EQ(s["score"].get<double>(), want.empty() ? 1.0 : 0.0);
    if (want.empty()) {
      EXPECT_EQ(d["tests_passed"], tests);
    } else {
      EXPECT_EQ(d["first_failure"]["status"], want) << d.dump();
    }
    auto& nc = per_item[{s["task"], s["item_id"]}];
    ++nc.first;
    nc.second += s["correct"].get<bool>();
  }
  EXPECT_EQ(samples, 3 * 3 * 4);
  EXPECT_GE(kinds_seen.size(), 5u) << "the hash picked too few kinds of candidate to mean much";

  // pass@k in the report is the unbiased estimate over these samples; some items are mixed.
  auto report = run_command(std::string(GAUNTLET_BINARY) + " report --db " + db + " --json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto results = nlohmann::json::parse(report.out)["results"];
  ASSERT_EQ(results.size(), 3u);
  int mixed = 0;
  for (const auto& [key, nc] : per_item) mixed += nc.second > 0 && nc.second < nc.first;
  EXPECT_GT(mixed, 0);
  for (const auto& r : results) {
    std::vector<std::pair<int, int>> items;
    for (const auto& [key, nc] : per_item)
      if (key.first == r["task"]) items.push_back(nc);
    ASSERT_EQ(items.size(), 3u);
    for (int k : {1, 2, 4})
      EXPECT_NEAR(r["pass_at_k"][std::to_string(k)].get<double>(), gauntlet::harness::mean_pass_at_k(items, k), 1e-9)
          << r.dump();
  }

  // Everything is committed: a rerun sends nothing and scores nothing again.
  const auto before = server.stats()["completed"].get<long long>();
  auto again = run_command(std::string(GAUNTLET_BINARY) + " eval " + dir.file("code.yaml") + " --db " + db +
                           " --no-progress");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(server.stats()["completed"].get<long long>(), before);
}

TEST(CodeSuite, ARowWithoutTestsStopsTheRunBeforeAnyRequest) {
  FakeOpenAIServer server;
  server.start();
  TempDir dir;
  dir.write("data.jsonl", "{\"id\": \"a\", \"q\": \"x\", \"tests\": [\"assert True\"]}\n{\"id\": \"b\", \"q\": \"y\", \"tests\": 5}\n");
  dir.write("suite.yaml", "name: bad\nmodels:\n  - name: m\n    base_url: " + server.base_url() +
                              "\ntasks:\n  - name: t\n    dataset: data.jsonl\n    prompt: \"{q}\"\n    id_field: id\n"
                              "    answer_field: tests\n    scorer: code\n");
  auto run = run_command(std::string(GAUNTLET_BINARY) + " eval " + dir.file("suite.yaml") + " --db " +
                         dir.file("run.db") + " --no-progress");
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("data.jsonl:2"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("'tests'"), std::string::npos) << run.err;
  EXPECT_EQ(server.stats()["requests"], 0);
}

}  // namespace
