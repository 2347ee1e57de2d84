// End-to-end checks of the gauntlet binary: help text, exit codes, eval/report/export/merge on the
// built-in toy provider (no network).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;

std::string suite_yaml(int samples, const std::string& extra_task_keys = "") {
  return "name: cli\n"
         "models:\n"
         "  - name: toy-a\n"
         "    provider: toy\n"
         "    toy_accuracy: 0.7\n"
         "  - name: toy-b\n"
         "    provider: toy\n"
         "    toy_accuracy: 0.3\n"
         "tasks:\n"
         "  - name: arith\n"
         "    dataset: data.jsonl\n"
         "    prompt: \"What is {q}? Answer in \\\\boxed{}.\"\n"
         "    id_field: id\n"
         "    scorer: math\n"
         "    samples: " + std::to_string(samples) + "\n" + extra_task_keys +
         "    params: {seed: 3}\n";
}

void write_data(const TempDir& dir, int items) {
  std::string data;
  for (int i = 0; i < items; ++i)
    data += "{\"id\": \"q" + std::to_string(i) + "\", \"q\": \"" + std::to_string(i * 7) + "+" + std::to_string(i + 11) +
            "\", \"answer\": \"" + std::to_string(i * 7 + i + 11) + "\"}\n";
  dir.write("data.jsonl", data);
}


TEST(Cli, HelpMatchesReadme) {
  auto r = run_command(kBinary + " --help");
  ASSERT_EQ(r.exit_code, 0);
  std::string readme = read_file(std::string(GAUNTLET_SOURCE_DIR) + "/README.md");
  auto start = readme.find("`gauntlet --help`:\n\n```\n");
  ASSERT_NE(start, std::string::npos) << "README has no `gauntlet --help` block";
  start = readme.find("```\n", start) + 4;
  auto end = readme.find("```", start);
  auto trim = [](std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  };
  EXPECT_EQ(trim(readme.substr(start, end - start)), trim(r.out));
}

TEST(Cli, VersionAndUsageErrors) {
  auto v = run_command(kBinary + " --version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("gauntlet "), std::string::npos);
  EXPECT_EQ(run_command(kBinary).exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " eval").exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " frobnicate").exit_code, 2);
  auto missing = run_command(kBinary + " report --db /nonexistent/x.db");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/x.db"), std::string::npos);
}

TEST(Cli, ConfigErrorsNameFileLineAndKey) {
  TempDir dir;
  write_data(dir, 3);
  dir.write("bad.yaml", suite_yaml(1, "    temprature: 0.5\n"));
  auto r = run_command(kBinary + " eval " + dir.file("bad.yaml") + " --db " + dir.file("x.db"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:16:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tasks[0].temprature"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown key"), std::string::npos) << r.err;
}

TEST(Cli, DatasetErrorsNameFileAndLine) {
  TempDir dir;
  dir.write("data.jsonl", "{\"id\": \"a\", \"q\": \"1+1\", \"answer\": \"2\"}\n{\"id\": \"b\", \"q\": \"2+2\"}\n");
  dir.write("s.yaml", suite_yaml(1));
  auto r = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + dir.file("x.db"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("data.jsonl:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("answer"), std::string::npos) << r.err;
}

TEST(Cli, EvalResumeReportExport) {
  TempDir dir;
  write_data(dir, 12);
  dir.write("s.yaml", suite_yaml(2));
  std::string db = dir.file("run.db");
  auto first = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + db + " --no-progress");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("48 samples planned, 0 already done, 48 completed"), std::string::npos) << first.err;
  auto again = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + db + " --resume --no-progress");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("48 already done, 0 completed"), std::string::npos) << again.err;

  // Growing samples runs only the new ones.
  dir.write("s.yaml", suite_yaml(3));
  auto grown = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + db + " --no-progress");
  ASSERT_EQ(grown.exit_code, 0) << grown.err;
  EXPECT_NE(grown.err.find("72 samples planned, 48 already done, 24 completed"), std::string::npos) << grown.err;

  auto report = run_command(kBinary + " report --db " + db + " --json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto j = nlohmann::json::parse(report.out);
  ASSERT_EQ(j["results"].size(), 2u);
  for (const auto& cell : j["results"]) {
    EXPECT_EQ(cell["task"], "arith");
    EXPECT_EQ(cell["samples"], 36);
    EXPECT_TRUE(cell["ci95"].is_array());
    EXPECT_LE(cell["ci95"][0].get<double>(), cell["accuracy"].get<double>());
    EXPECT_GE(cell["ci95"][1].get<double>(), cell["accuracy"].get<double>());
    EXPECT_TRUE(cell["pass_at_k"].contains("1"));
    EXPECT_NEAR(cell["pass_at_k"]["1"].get<double>(), cell["accuracy"].get<double>(), 1e-9);
    EXPECT_EQ(cell["correct"].get<int>(), static_cast<int>(std::lround(cell["accuracy"].get<double>() * 36)));
  }
  EXPECT_GT(j["results"][0]["accuracy"].get<double>(), j["results"][1]["accuracy"].get<double>());

  auto html = run_command(kBinary + " report --db " + db + " --html " + dir.file("r.html"));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  auto page = read_file(dir.file("r.html"));
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("toy-a"), std::string::npos);

  auto exported = run_command(kBinary + " export --db " + db + " --samples " + dir.file("s.jsonl"));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::istringstream lines(read_file(dir.file("s.jsonl")));
  std::string line;
  int n = 0;
  std::set<std::tuple<std::string, std::string, std::string, int>> keys;
  while (std::getline(lines, line)) {
    auto s = nlohmann::json::parse(line);
    for (const char* key : {"model", "task", "item_id", "sample_index", "prompt", "completion", "reasoning", "answer",
                            "score", "error", "usage"})
      EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_NE(s["prompt"].get<std::string>().find("What is"), std::string::npos);
    EXPECT_TRUE(s["error"].is_null());
    keys.emplace(s["model"], s["task"], s["item_id"], s["sample_index"]);
    ++n;
  }
  EXPECT_EQ(n, 72);
  EXPECT_EQ(keys.size(), 72u);
}

TEST(Cli, ShardsMergeToTheFullRun) {
  TempDir dir;
  write_data(dir, 9);
  dir.write("s.yaml", suite_yaml(2));
  std::string full = dir.file("full.db");
  ASSERT_EQ(run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + full + " --no-progress").exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    auto r = run_command(kBinary + " eval " + dir.file("s.yaml") + " --no-progress --db " +
                         dir.file("shard" + std::to_string(i) + ".db") + " --shard " + std::to_string(i) + "/3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("12 samples planned"), std::string::npos) << r.err;  // 3 items x 2 models x 2 samples
  }
  auto merged = run_command(kBinary + " merge " + dir.file("all.db") + " " + dir.file("shard0.db") + " " +
                            dir.file("shard1.db") + " " + dir.file("shard2.db"));
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  auto again = run_command(kBinary + " merge " + dir.file("all.db") + " " + dir.file("shard1.db"));
  EXPECT_NE(again.err.find("0 new samples"), std::string::npos) << again.err;
  auto a = nlohmann::json::parse(run_command(kBinary + " report --json --db " + full).out);
  auto b = nlohmann::json::parse(run_command(kBinary + " report --json --db " + dir.file("all.db")).out);
  for (auto* j : {&a, &b})
    for (auto& cell : (*j)["results"]) cell.erase("mean_latency_s");  // wall time differs between runs
  EXPECT_EQ(a, b);
  // 1-based numbering covers the same items as 0-based.
  auto one_based = run_command(kBinary + " eval " + dir.file("s.yaml") + " --no-progress --db " + dir.file("s3.db") +
                               " --shard 3/3");
  ASSERT_EQ(one_based.exit_code, 0) << one_based.err;
  EXPECT_EQ(run_command(kBinary + " eval " + dir.file("s.yaml") + " --db x.db --shard 4/3").exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " eval " + dir.file("s.yaml") + " --db x.db --shard 1").exit_code, 2);
}

TEST(Cli, ChangedDefinitionIsRefused) {
  TempDir dir;
  write_data(dir, 3);
  dir.write("s.yaml", suite_yaml(1));
  std::string db = dir.file("run.db");
  ASSERT_EQ(run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + db + " --no-progress").exit_code, 0);
  auto yaml = suite_yaml(1);
  yaml.replace(yaml.find("seed: 3"), 7, "seed: 4");
  dir.write("s.yaml", yaml);
  auto r = run_command(kBinary + " eval " + dir.file("s.yaml") + " --db " + db + " --no-progress");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("arith"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("different configuration"), std::string::npos) << r.err;
}

}  // namespace
