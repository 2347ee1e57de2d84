// Routing controls on the trained testbed model. `gauntlet experts npmi` with </think> as the target
// must find experts that the router selects at nearly every </think> position and rarely elsewhere,
// and steering those experts through `gauntlet eval` must change accuracy measurably: RICE
// before_topk with β 20 (≈ +3 on the router logit) breaks the traces, as the reference recipe
// reports, with a 95% CI far from the unsteered one; top-1 routing also costs accuracy.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
using nlohmann::json;

const std::string kBinary = GAUNTLET_BINARY;
const std::string kTestbed = std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed";

TEST(TestbedRouting, NpmiFindsCloseThinkExpertsAndSteeringThemChangesAccuracy) {
  TempDir dir;
  auto npmi = run_command(kBinary + " experts npmi --model " + kTestbed + "/model --prompts " + kTestbed +
                          "/data/heldout.jsonl --field question --chat --max-tokens 900 --target-tokens '</think>' "
                          "--top 0 --json");
  ASSERT_EQ(npmi.exit_code, 0) << npmi.err;
  const json n = json::parse(npmi.out);
  // Every trace closes its think block (once, bar the odd derailed trace).
  EXPECT_GE(n["target_positions"].get<int>(), n["prompts"].get<int>());
  EXPECT_LE(n["target_positions"].get<int>(), n["prompts"].get<int>() + 5);
  // Per layer, the expert with the highest nPMI.
  std::map<int, json> best;
  for (const auto& e : n["experts"])
    if (!best.count(e["layer"].get<int>())) best[e["layer"].get<int>()] = e;
  ASSERT_EQ(best.size(), 4u);
  std::string experts;
  for (const auto& [layer, e] : best) {
    std::printf("layer %d: expert %d, nPMI %.3f, selected at %.1f%% of </think> positions, %.1f%% overall\n", layer,
                e["expert"].get<int>(), e["npmi"].get<double>(), 100 * e["target_rate"].get<double>(),
                100 * e["overall_rate"].get<double>());
    if (layer >= 1) {  // the deeper layers specialise
      EXPECT_GE(e["target_rate"].get<double>(), 0.8) << "layer " << layer;
      EXPECT_LE(e["overall_rate"].get<double>(), 0.25) << "layer " << layer;
    }
    experts += (experts.empty() ? "" : ",") + std::to_string(layer) + ":" + std::to_string(e["expert"].get<int>());
  }

  const std::string model = "provider: engine, path: " + kTestbed + "/model";
  dir.write("study.yaml",
            "name: routing-test\nmodels:\n"
            "  - {name: base, " + model + "}\n"
            "  - {name: top-1, " + model + ", routing: {top_k: 1}}\n"
            "  - {name: rice-b20, " + model + ", routing: {rice: \"" + experts +
                "\", rice_beta: 20, rice_mode: before_topk}}\n"
            "tasks:\n  - name: arith\n    dataset: " + kTestbed + "/data/heldout.jsonl\n    prompt: \"{question}\"\n"
            "    id_field: id\n    scorer: math\n    limit: 120\n    params: {temperature: 0, max_tokens: 900}\n");
  auto eval = run_command(kBinary + " eval " + dir.file("study.yaml") + " --db " + dir.file("s.db") + " --no-progress");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  auto report = run_command(kBinary + " report --db " + dir.file("s.db") + " --json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  std::map<std::string, json> rows;
  const json doc = json::parse(report.out);
  for (const auto& row : doc.at("results")) rows[row["model"].get<std::string>()] = row;
  ASSERT_EQ(rows.size(), 3u) << report.out;
  for (const auto& [name, row] : rows)
    std::printf("%-9s %.3f [%.3f, %.3f]\n", name.c_str(), row["accuracy"].get<double>(), row["ci95"][0].get<double>(),
                row["ci95"][1].get<double>());
  EXPECT_GE(rows["base"]["accuracy"].get<double>(), 0.95);
  EXPECT_LT(rows["rice-b20"]["ci95"][1].get<double>(), rows["base"]["ci95"][0].get<double>());
  EXPECT_LT(rows["top-1"]["ci95"][1].get<double>(), rows["base"]["ci95"][0].get<double>());
}

}  // namespace
