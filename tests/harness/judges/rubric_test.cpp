// Rubric: ZeroSumEval's default, validation of configured rubrics, and weighted totals computed by
// hand.
#include "harness/judges/rubric.h"

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

CandidateScores all(const Rubric& r, int v) {
  CandidateScores s;
  for (const auto& c : r.criteria)
    for (const auto& a : c.aspects) s[c.name][a] = v;
  return s;
}

TEST(Rubric, DefaultIsZeroSumEvals) {
  auto r = default_rubric();
  ASSERT_EQ(r.criteria.size(), 5u);
  std::vector<std::pair<std::string, double>> names;
  for (const auto& c : r.criteria) {
    names.emplace_back(c.name, c.weight);
    EXPECT_EQ(c.aspects.size(), 3u);
  }
  EXPECT_EQ(names, (std::vector<std::pair<std::string, double>>{
                       {"argumentation", 30}, {"rebuttal", 30}, {"evidence", 15}, {"overall_performance", 15}, {"presentation", 10}}));
  EXPECT_EQ(r.min_score, 1);
  EXPECT_EQ(r.max_score, 5);
  // All 5s: each criterion sums to 15; (15*30 + 15*30 + 15*15 + 15*15 + 15*10) / 100 = 15.
  EXPECT_DOUBLE_EQ(r.weighted_total(all(r, 5)), 15.0);
  EXPECT_DOUBLE_EQ(r.weighted_total(all(r, 1)), 3.0);
  // Hand-computed: argumentation 4+3+5=12 (x30=360), rebuttal 2+2+2=6 (180), evidence 5+5+5=15 (225),
  // overall 1+1+1=3 (45), presentation 3+4+4=11 (110): 920 / 100.
  auto s = all(r, 1);
  s["argumentation"] = {{"clarity", 4}, {"coherence", 3}, {"relevance", 5}};
  s["rebuttal"] = {{"responsiveness", 2}, {"effectiveness", 2}, {"balance", 2}};
  s["evidence"] = {{"use_of_evidence", 5}, {"credibility", 5}, {"depth_of_analysis", 5}};
  s["presentation"] = {{"conciseness", 3}, {"engagement", 4}, {"organization", 4}};
  EXPECT_DOUBLE_EQ(r.weighted_total(s), 9.2);
  EXPECT_EQ(r.check(s), "");
  s["presentation"]["engagement"] = 6;
  EXPECT_NE(r.check(s).find("outside 1..5"), std::string::npos);
  s["presentation"].erase("engagement");
  EXPECT_NE(r.check(s).find("missing"), std::string::npos);
}

TEST(Rubric, RoundTripsAndValidates) {
  auto r = default_rubric();
  auto back = Rubric::from_json(r.to_json());
  EXPECT_EQ(back.to_json(), r.to_json());
  auto custom = Rubric::from_json({{"scale", {0, 10}},
                                   {"criteria", {{{"name", "logic"}, {"weight", 70}, {"aspects", {"validity"}}},
                                                 {{"name", "style"}, {"weight", 30}, {"aspects", {"tone", "flow"}}}}}});
  EXPECT_EQ(custom.max_score, 10);
  EXPECT_DOUBLE_EQ(custom.weighted_total({{"logic", {{"validity", 10}}}, {"style", {{"tone", 5}, {"flow", 5}}}}), 10.0);
  const nlohmann::json bad[] = {
      nlohmann::json::array(),
      {{"criteria", nlohmann::json::array()}},
      {{"criteria", {{{"name", "a"}, {"weight", -1}, {"aspects", {"x"}}}}}},
      {{"criteria", {{{"name", "a"}, {"weight", 1}, {"aspects", nlohmann::json::array()}}}}},
      {{"criteria", {{{"name", "a"}, {"weight", 1}, {"aspects", {"x", "x"}}}}}},
      {{"criteria", {{{"name", "a"}, {"weight", 1}, {"aspects", {"x"}}}, {{"name", "a"}, {"weight", 1}, {"aspects", {"y"}}}}}},
      {{"criteria", {{{"name", "a"}, {"weight", 1}, {"aspects", {"x"}}, {"colour", "red"}}}}},
      {{"scale", {5, 1}}, {"criteria", {{{"name", "a"}, {"weight", 1}, {"aspects", {"x"}}}}}},
      {{"criteria", {{{"name", "a"}, {"weight", 1}, {"aspects", {"x"}}}}}, {"extra", 1}},
  };
  for (const auto& b : bad) EXPECT_THROW(Rubric::from_json(b), std::invalid_argument) << b.dump();
}

}  // namespace
}  // namespace gauntlet::harness
