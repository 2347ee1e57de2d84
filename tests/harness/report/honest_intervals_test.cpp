// Statistics that do not look more certain than they are: no accuracy for no samples, no point
// interval for finite n (all items alike: Wilson over items), no point rating interval for a
// league too small to resample, and the report says which interval it used.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/ratings/ratings.h"
#include "harness/ratings/ratings_report.h"
#include "harness/report/report.h"
#include "harness/stats/metrics.h"

namespace gauntlet::harness {
namespace {

SampleRecord sample(const std::string& item, int index, bool correct, bool error = false) {
  SampleRecord s;
  s.key = {"m", "t", item, index};
  s.correct = correct;
  s.score = correct ? 1.0 : 0.0;
  if (error) s.error = "HTTP 500";
  return s;
}

TEST(HonestIntervals, NoScoredSampleMeansNoAccuracy) {
  auto cells = build_report({sample("a", 0, false, true)}, ReportOptions{});
  auto j = render_json(cells)["results"][0];
  EXPECT_TRUE(j["accuracy"].is_null()) << j;
  EXPECT_TRUE(j["ci95"].is_null()) << j;
  auto text = render_text(cells);
  EXPECT_NE(text.find("—"), std::string::npos) << text;
  EXPECT_EQ(text.find("0.000"), std::string::npos) << text;
}

TEST(HonestIntervals, AllItemsAlikeWithSeveralSamplesIsNotAPoint) {
  std::vector<SampleRecord> samples;
  for (int i = 0; i < 200; ++i)
    for (int s = 0; s < 2; ++s) samples.push_back(sample("i" + std::to_string(i), s, true));
  auto cell = build_report(samples, ReportOptions{}).at(0);
  EXPECT_EQ(cell.ci_method, "wilson-items");
  EXPECT_LT(cell.ci95.first, 1.0);
  EXPECT_DOUBLE_EQ(cell.ci95.second, 1.0);
  auto expected = wilson_interval(200, 200);
  EXPECT_NEAR(cell.ci95.first, expected.first, 1e-12);  // n = items, not samples
  EXPECT_NE(render_text({cell}).find("Wilson interval over items"), std::string::npos);
  EXPECT_EQ(render_json({cell})["results"][0]["ci_method"], "wilson-items");

  // All wrong, too.
  for (auto& s : samples) s.correct = false;
  auto wrong = build_report(samples, ReportOptions{}).at(0);
  EXPECT_NEAR(wrong.ci95.first, 0.0, 1e-12);
  EXPECT_GT(wrong.ci95.second, 0.0);
}

TEST(HonestIntervals, MixedItemsKeepTheBootstrapAndSayIt) {
  std::vector<SampleRecord> samples;
  for (int i = 0; i < 40; ++i)
    for (int s = 0; s < 2; ++s) samples.push_back(sample("i" + std::to_string(i), s, (i + s) % 3 != 0));
  auto cell = build_report(samples, ReportOptions{}).at(0);
  EXPECT_EQ(cell.ci_method, "bootstrap");
  EXPECT_LT(cell.ci95.first, cell.ci95.second);
  std::vector<SampleRecord> single = {sample("a", 0, true), sample("b", 0, false)};
  EXPECT_EQ(build_report(single, ReportOptions{}).at(0).ci_method, "wilson");
}

TEST(HonestIntervals, WilsonNeverCollapsesForFiniteN) {
  for (int n : {1, 2, 10, 200, 100000}) {
    auto all = wilson_interval(n, n), none = wilson_interval(0, n);
    EXPECT_LT(all.first, all.second) << n;
    EXPECT_LT(none.first, none.second) << n;
  }
  auto p = wilson_interval_p(0.5, 3.0);
  EXPECT_LT(p.first, 0.5);
  EXPECT_GT(p.second, 0.5);
}

TEST(HonestIntervals, ATwoGameLeagueHasNoIntervalAndSaysWhy) {
  // One pairing, seats swapped: one resampling unit, so every resample is the same two games.
  std::vector<Battle> battles = {{"white-wins", "other", Battle::Winner::kA, 0},
                                 {"other", "white-wins", Battle::Winner::kB, 0}};
  RatingOptions o;
  o.bootstrap = 200;
  auto table = compute_ratings(battles, o);
  EXPECT_EQ(table.units, 1u);
  for (const auto& p : table.players) EXPECT_FALSE(p.has_ci) << p.player;
  ASSERT_FALSE(table.warnings.empty());
  EXPECT_NE(table.warnings[0].find("too small to rate"), std::string::npos) << table.warnings[0];
  auto j = render_ratings_json(table);
  EXPECT_TRUE(j["ratings"][0]["ci95"].is_null());
  auto text = render_ratings_text(table, wdl_matrix(battles), describe_ratings(o, table.bootstrap));
  EXPECT_NE(text.find("warning: too small to rate"), std::string::npos) << text;
  EXPECT_NE(text.find("—"), std::string::npos) << text;
  EXPECT_EQ(text.find("1528.5]"), std::string::npos) << text;
}

TEST(HonestIntervals, ALargeLeagueHasIntervalsAndNoWarning) {
  std::vector<Battle> battles;
  for (int g = 0; g < 30; ++g) battles.push_back({"a", "b", g % 3 ? Battle::Winner::kA : Battle::Winner::kB, -1});
  RatingOptions o;
  o.bootstrap = 200;
  auto table = compute_ratings(battles, o);
  EXPECT_TRUE(table.warnings.empty());
  for (const auto& p : table.players) {
    EXPECT_TRUE(p.has_ci);
    EXPECT_LT(p.ci95.first, p.ci95.second);
  }
}

}  // namespace
}  // namespace gauntlet::harness
