// One model entry, two variants (thinking and `budget: {policy: nothinking}`), through `gauntlet
// eval` on the testbed and `gauntlet report`: two players with their own fingerprints, and the
// report's budget/variant curves in text, JSON and the HTML plots. A store without variants keeps
// its report exactly as before (no curves key, no curves section).
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;
const std::string kSource = GAUNTLET_SOURCE_DIR;

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size())) ++n;
  return n;
}

TEST(TestbedVariants, EvalAndReportCurves) {
  TempDir dir;
  // The first 12 held-out problems.
  const std::string all = read_file(kSource + "/benchmarks/testbed/data/heldout.jsonl");
  std::string data;
  std::size_t pos = 0;
  for (int i = 0; i < 12; ++i) {
    auto nl = all.find('\n', pos);
    data += all.substr(pos, nl - pos + 1);
    pos = nl + 1;
  }
  dir.write("data.jsonl", data);
  dir.write("suite.yaml", "name: variants\n"
                          "models:\n"
                          "  - name: testbed\n"
                          "    provider: engine\n"
                          "    path: " + kSource + "/benchmarks/testbed/model\n"
                          "    variants:\n"
                          "      - {name: thinking}\n"
                          "      - {name: nothinking, budget: {policy: nothinking}}\n"
                          "tasks:\n"
                          "  - name: arith\n"
                          "    dataset: data.jsonl\n"
                          "    prompt: \"{question}\"\n"
                          "    id_field: id\n"
                          "    scorer: math\n"
                          "    params: {temperature: 0, max_tokens: 320}\n");
  auto eval = run_command(kBinary + " eval " + dir.file("suite.yaml") + " --db " + dir.file("v.db") + " --no-progress");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NE(eval.out.find("== budget/variant curves: task arith, base testbed"), std::string::npos) << eval.out;

  auto report = run_command(kBinary + " report --db " + dir.file("v.db") + " --json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto doc = nlohmann::json::parse(report.out);
  ASSERT_EQ(doc.at("results").size(), 2u);
  EXPECT_EQ(doc["results"][0]["model"], "testbed/nothinking");
  EXPECT_EQ(doc["results"][1]["model"], "testbed/thinking");
  ASSERT_TRUE(doc.contains("curves")) << report.out;
  ASSERT_EQ(doc["curves"].size(), 1u);
  const auto& curve = doc["curves"][0];
  EXPECT_EQ(curve["task"], "arith");
  EXPECT_EQ(curve["base"], "testbed");
  ASSERT_EQ(curve["points"].size(), 2u);
  const auto& nothink = curve["points"][0];
  const auto& think = curve["points"][1];
  EXPECT_EQ(nothink["label"], "nothinking");
  EXPECT_EQ(nothink["budget"]["policy"], "nothinking");
  EXPECT_EQ(think["label"], "thinking");
  EXPECT_TRUE(think["budget"].is_null());
  for (const auto* p : {&nothink, &think}) {
    EXPECT_EQ((*p)["samples"], 12);
    // The curve's accuracy is the results table's.
    const auto& row = doc["results"][p == &nothink ? 0 : 1];
    EXPECT_EQ((*p)["accuracy"], row["accuracy"]);
    EXPECT_EQ((*p)["ci95"], row["ci95"]);
    EXPECT_DOUBLE_EQ((*p)["thinking_tokens"]["mean"].get<double>(), row["mean_reasoning_tokens"].get<double>());
    EXPECT_NEAR((*p)["latency_s"]["mean"].get<double>(), row["mean_latency_s"].get<double>(), 1e-9);
    const double lo = (*p)["latency_s"]["ci95"][0], hi = (*p)["latency_s"]["ci95"][1];
    EXPECT_LE(lo, hi);
    EXPECT_TRUE((*p)["experts_per_token"].is_null());
  }
  // The testbed thinks column by column; after the nothinking prefill it answers at once.
  EXPECT_GT(think["thinking_tokens"]["mean"].get<double>(), 20.0);
  EXPECT_LT(nothink["thinking_tokens"]["mean"].get<double>(), think["thinking_tokens"]["ci95"][0].get<double>());
  EXPECT_GE(think["accuracy"].get<double>(), nothink["accuracy"].get<double>());

  auto html = run_command(kBinary + " report --db " + dir.file("v.db") + " --html " + dir.file("r.html"));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const auto page = read_file(dir.file("r.html"));
  const auto start = page.find("<h2>Budget / variant curves</h2>");
  ASSERT_NE(start, std::string::npos);
  const auto section = page.substr(start, page.find("</section>", start) - start);
  // Two curve plots (no routing trace: no experts-per-token plot), each with both variants.
  EXPECT_EQ(count_of(section, "<svg "), 2u);
  EXPECT_EQ(count_of(section, "data-model=\"testbed/thinking\""), 2u);
  EXPECT_EQ(count_of(section, "data-model=\"testbed/nothinking\""), 2u);
  EXPECT_NE(section.find("mean thinking tokens per sample"), std::string::npos);
  EXPECT_NE(section.find("mean wall time per sample (s)"), std::string::npos);
}

TEST(TestbedVariants, StoresWithoutVariantsReportAsBefore) {
  TempDir dir;
  dir.write("data.jsonl", "{\"question\": \"1+1\", \"answer\": \"2\"}\n{\"question\": \"2+2\", \"answer\": \"4\"}\n");
  dir.write("suite.yaml", "models:\n"
                          "  - {name: a, provider: toy, toy_accuracy: 1.0}\n"
                          "  - {name: b, provider: toy, toy_accuracy: 0.0}\n"
                          "tasks:\n"
                          "  - {name: t, dataset: data.jsonl, prompt: \"{question}\", scorer: math}\n");
  auto eval = run_command(kBinary + " eval " + dir.file("suite.yaml") + " --db " + dir.file("t.db") + " --no-progress");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  auto report = run_command(kBinary + " report --db " + dir.file("t.db") + " --json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto doc = nlohmann::json::parse(report.out);
  EXPECT_FALSE(doc.contains("curves"));
  std::vector<std::string> keys;
  for (const auto& [k, v] : doc.items()) keys.push_back(k);
  EXPECT_EQ(keys, std::vector<std::string>{"results"});
  auto text = run_command(kBinary + " report --db " + dir.file("t.db"));
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_EQ(text.out.find("curves"), std::string::npos) << text.out;
  EXPECT_EQ(text.out, eval.out);
  auto html = run_command(kBinary + " report --db " + dir.file("t.db") + " --html " + dir.file("r.html"));
  ASSERT_EQ(html.exit_code, 0);
  EXPECT_EQ(read_file(dir.file("r.html")).find("variant curves"), std::string::npos);
}

}  // namespace
