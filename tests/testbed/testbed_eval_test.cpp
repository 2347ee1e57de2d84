// `gauntlet eval` on the committed testbed suite (benchmarks/testbed/arith.yaml): the trained model
// through the in-process engine, greedy, on the 500 held-out problems. With thinking it must get at
// least 95%, without at most 40%, and the two 95% confidence intervals must not overlap.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;
const std::string kSuite = std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed/arith.yaml";

TEST(TestbedEval, ThinkingBeatsNoThinkingWithSeparateConfidenceIntervals) {
  TempDir dir;
  auto eval = run_command(kBinary + " eval " + kSuite + " --db " + dir.file("arith.db") + " --no-progress");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  auto report = run_command(kBinary + " report --db " + dir.file("arith.db") + " --json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto doc = nlohmann::json::parse(report.out);
  nlohmann::json think, nothink;
  for (const auto& row : doc.at("results")) {
    if (row.at("model") == "testbed-think") think = row;
    if (row.at("model") == "testbed-nothink") nothink = row;
  }
  ASSERT_TRUE(think.is_object() && nothink.is_object()) << report.out;
  for (const auto* row : {&think, &nothink}) {
    EXPECT_EQ(row->at("task"), "arith");
    EXPECT_EQ(row->at("items"), 500);
    EXPECT_EQ(row->at("errors"), 0);
  }
  const double a_think = think.at("accuracy"), a_nothink = nothink.at("accuracy");
  const double think_lo = think.at("ci95")[0], think_hi = think.at("ci95")[1];
  const double nothink_lo = nothink.at("ci95")[0], nothink_hi = nothink.at("ci95")[1];
  std::printf("thinking %.3f [%.3f, %.3f], no thinking %.3f [%.3f, %.3f]\n", a_think, think_lo, think_hi, a_nothink,
              nothink_lo, nothink_hi);
  EXPECT_GE(a_think, 0.95);
  EXPECT_LE(a_nothink, 0.40);
  EXPECT_LE(think_lo, a_think);
  EXPECT_GE(think_hi, a_think);
  EXPECT_LE(nothink_lo, a_nothink);
  EXPECT_GE(nothink_hi, a_nothink);
  EXPECT_GT(think_lo, nothink_hi) << "the 95% intervals overlap";
  // With thinking the model writes a column-by-column trace; without it, only "The answer is \\boxed{...}".
  EXPECT_GT(think.at("mean_completion_tokens").get<double>(), 40.0);
  EXPECT_LT(nothink.at("mean_completion_tokens").get<double>(), 20.0);
  // The engine counts the tokens of the thinking block as reasoning tokens, as servers do.
  EXPECT_GT(think.at("mean_reasoning_tokens").get<double>(), 40.0);
  EXPECT_LT(think.at("mean_reasoning_tokens").get<double>(), think.at("mean_completion_tokens").get<double>());
  EXPECT_EQ(nothink.at("mean_reasoning_tokens").get<double>(), 0.0);
}

}  // namespace
