#include "harness/report/report.h"

#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/stats/metrics.h"

namespace gauntlet::harness {
namespace {

SampleRecord make_sample(const std::string& model, const std::string& task, const std::string& item, int index,
                         bool correct) {
  SampleRecord s;
  s.key = SampleKey{model, task, item, index};
  s.correct = correct;
  s.score = correct ? 1.0 : 0.0;
  return s;
}

SampleRecord make_error(const std::string& model, const std::string& task, const std::string& item, int index) {
  SampleRecord s = make_sample(model, task, item, index, false);
  s.error = "HTTP 500";
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

TEST(BuildReport, EmptyInputGivesNoCells) {
  EXPECT_TRUE(build_report({}, ReportOptions{}).empty());
}

TEST(BuildReport, CountsAccuracyAndErrors) {
  std::vector<SampleRecord> samples = {
      make_sample("m", "t", "i1", 0, true),  make_sample("m", "t", "i2", 0, true),
      make_sample("m", "t", "i3", 0, true),  make_sample("m", "t", "i4", 0, false),
      make_error("m", "t", "i5", 0),
  };
  samples[0].retries = 2;
  samples[4].retries = 3;
  samples[1].cached = true;
  samples[4].cached = true;

  const auto cells = build_report(samples, ReportOptions{});
  ASSERT_EQ(cells.size(), 1U);
  const CellReport& c = cells[0];
  EXPECT_EQ(c.model, "m");
  EXPECT_EQ(c.task, "t");
  EXPECT_EQ(c.items, 4);  // the errored item i5 has no scored sample
  EXPECT_EQ(c.samples, 4);
  EXPECT_EQ(c.correct, 3);
  EXPECT_DOUBLE_EQ(c.accuracy, 0.75);
  EXPECT_EQ(c.errors, 1);
  EXPECT_EQ(c.retries, 5);  // errored samples' retries still count
  EXPECT_EQ(c.cached, 2);
}

TEST(BuildReport, ErroredSamplesExcludedFromMeansAndCorrect) {
  std::vector<SampleRecord> samples = {make_sample("m", "t", "a", 0, true), make_sample("m", "t", "b", 0, false)};
  samples[0].latency_s = 1.0;
  samples[1].latency_s = 3.0;
  samples[0].usage = Usage{10, 100, 20, 0};
  samples[1].usage = Usage{30, 300, 40, 0};
  SampleRecord err = make_error("m", "t", "a", 1);
  err.correct = true;  // must not count even if flagged
  err.latency_s = 1000.0;
  err.usage = Usage{9999, 9999, 9999, 0};
  samples.push_back(err);

  const auto cells = build_report(samples, ReportOptions{});
  ASSERT_EQ(cells.size(), 1U);
  const CellReport& c = cells[0];
  EXPECT_EQ(c.samples, 2);
  EXPECT_EQ(c.correct, 1);
  EXPECT_EQ(c.errors, 1);
  EXPECT_DOUBLE_EQ(c.mean_latency_s, 2.0);
  EXPECT_DOUBLE_EQ(c.mean_prompt_tokens, 20.0);
  EXPECT_DOUBLE_EQ(c.mean_completion_tokens, 200.0);
  EXPECT_DOUBLE_EQ(c.mean_reasoning_tokens, 30.0);
  // Item "a" has one scored sample, so Wilson applies.
  const auto w = wilson_interval(1, 2);
  EXPECT_DOUBLE_EQ(c.ci95.first, w.first);
  EXPECT_DOUBLE_EQ(c.ci95.second, w.second);
}

TEST(BuildReport, CellWithOnlyErrors) {
  const auto cells = build_report({make_error("m", "t", "a", 0), make_error("m", "t", "b", 0)}, ReportOptions{});
  ASSERT_EQ(cells.size(), 1U);
  EXPECT_EQ(cells[0].samples, 0);
  EXPECT_EQ(cells[0].items, 0);
  EXPECT_EQ(cells[0].errors, 2);
  EXPECT_DOUBLE_EQ(cells[0].accuracy, 0.0);
  EXPECT_TRUE(cells[0].pass_at_k.empty());
  EXPECT_EQ(cells[0].ci95, std::make_pair(0.0, 0.0));
}

TEST(BuildReport, GroupsSortedByModelThenTask) {
  const std::vector<SampleRecord> samples = {
      make_sample("beta", "t2", "x", 0, true), make_sample("alpha", "t2", "x", 0, true),
      make_sample("beta", "t1", "x", 0, true), make_sample("alpha", "t1", "x", 0, false),
      make_sample("beta", "t2", "y", 0, false),
  };
  const auto cells = build_report(samples, ReportOptions{});
  ASSERT_EQ(cells.size(), 4U);
  EXPECT_EQ(cells[0].model + "/" + cells[0].task, "alpha/t1");
  EXPECT_EQ(cells[1].model + "/" + cells[1].task, "alpha/t2");
  EXPECT_EQ(cells[2].model + "/" + cells[2].task, "beta/t1");
  EXPECT_EQ(cells[3].model + "/" + cells[3].task, "beta/t2");
  EXPECT_EQ(cells[3].samples, 2);
  EXPECT_EQ(cells[3].items, 2);
}

TEST(BuildReport, WilsonForSingleSampleItems) {
  const std::vector<SampleRecord> samples = {
      make_sample("m", "t", "1", 0, true), make_sample("m", "t", "2", 0, true),
      make_sample("m", "t", "3", 0, false), make_sample("m", "t", "4", 0, false)};
  const auto cells = build_report(samples, ReportOptions{});
  ASSERT_EQ(cells.size(), 1U);
  // Wilson 95% for 2/4 is [0.150, 0.850].
  EXPECT_NEAR(cells[0].ci95.first, 0.1500, 1e-3);
  EXPECT_NEAR(cells[0].ci95.second, 0.8500, 1e-3);
  const auto w = wilson_interval(2, 4);
  EXPECT_DOUBLE_EQ(cells[0].ci95.first, w.first);
  EXPECT_DOUBLE_EQ(cells[0].ci95.second, w.second);
  // One sample per item: only pass@1, equal to accuracy.
  ASSERT_EQ(cells[0].pass_at_k.size(), 1U);
  EXPECT_DOUBLE_EQ(cells[0].pass_at_k.at(1), 0.5);
}

std::vector<SampleRecord> multi_sample_items() {
  std::vector<SampleRecord> samples;
  // 6 items x 3 samples, per-item correct counts 0,1,2,3,3,1.
  const int correct_per_item[] = {0, 1, 2, 3, 3, 1};
  for (int item = 0; item < 6; ++item) {
    for (int s = 0; s < 3; ++s) {
      samples.push_back(make_sample("m", "t", "item" + std::to_string(item), s, s < correct_per_item[item]));
    }
  }
  return samples;
}

TEST(BuildReport, BootstrapIsDeterministicAndClusteredByItem) {
  const auto samples = multi_sample_items();
  ReportOptions options;
  options.bootstrap_iterations = 500;
  options.bootstrap_seed = 42;
  const auto a = build_report(samples, options);
  const auto b = build_report(samples, options);
  ASSERT_EQ(a.size(), 1U);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(a[0].ci95, b[0].ci95);
  EXPECT_EQ(a[0].samples, 18);
  EXPECT_EQ(a[0].items, 6);
  EXPECT_EQ(a[0].correct, 10);
  EXPECT_DOUBLE_EQ(a[0].accuracy, 10.0 / 18.0);
  EXPECT_LE(a[0].ci95.first, a[0].accuracy);
  EXPECT_GE(a[0].ci95.second, a[0].accuracy);
  EXPECT_LT(a[0].ci95.first, a[0].ci95.second);

  // Item-clustered: the bootstrap runs over per-item mean scores (items in id order).
  const std::vector<double> per_item = {0.0, 1.0 / 3, 2.0 / 3, 1.0, 1.0, 1.0 / 3};
  const auto expected = bootstrap_interval(per_item, 500, 42);
  EXPECT_DOUBLE_EQ(a[0].ci95.first, expected.first);
  EXPECT_DOUBLE_EQ(a[0].ci95.second, expected.second);

  // Input order does not matter.
  std::vector<SampleRecord> reversed(samples.rbegin(), samples.rend());
  EXPECT_EQ(build_report(reversed, options)[0].ci95, a[0].ci95);
}

TEST(BuildReport, PassAtKForMultiSampleItem) {
  std::vector<SampleRecord> samples;
  for (int s = 0; s < 4; ++s) samples.push_back(make_sample("m", "t", "only", s, s == 2));
  const auto cells = build_report(samples, ReportOptions{});
  ASSERT_EQ(cells.size(), 1U);
  const auto& p = cells[0].pass_at_k;
  ASSERT_EQ(p.size(), 3U);  // k = 1, 2, 4
  EXPECT_NEAR(p.at(1), 0.25, 1e-12);
  EXPECT_NEAR(p.at(2), 0.5, 1e-12);
  EXPECT_NEAR(p.at(4), 1.0, 1e-12);
}

TEST(BuildReport, DefaultKsIncludeSmallestItemCount) {
  std::vector<SampleRecord> samples;
  for (int s = 0; s < 6; ++s) samples.push_back(make_sample("m", "t", "a", s, s == 0));
  for (int s = 0; s < 3; ++s) samples.push_back(make_sample("m", "t", "b", s, false));
  const auto cells = build_report(samples, ReportOptions{});
  ASSERT_EQ(cells.size(), 1U);
  std::set<int> ks;
  for (const auto& [k, v] : cells[0].pass_at_k) ks.insert(k);
  EXPECT_EQ(ks, (std::set<int>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(cells[0].pass_at_k.at(1), mean_pass_at_k({{6, 1}, {3, 0}}, 1));
  EXPECT_DOUBLE_EQ(cells[0].pass_at_k.at(3), mean_pass_at_k({{6, 1}, {3, 0}}, 3));
}

TEST(BuildReport, ConfiguredKsPerTaskSkipNaN) {
  std::vector<SampleRecord> samples;
  for (int s = 0; s < 4; ++s) samples.push_back(make_sample("m", "t", "a", s, s == 0));
  for (int s = 0; s < 4; ++s) samples.push_back(make_sample("m", "u", "a", s, s == 0));
  ReportOptions options;
  options.pass_at_k["t"] = {1, 3, 16};  // 16 > n for every item: NaN, skipped
  const auto cells = build_report(samples, options);
  ASSERT_EQ(cells.size(), 2U);
  ASSERT_EQ(cells[0].task, "t");
  EXPECT_EQ(cells[0].pass_at_k.size(), 2U);
  EXPECT_TRUE(cells[0].pass_at_k.count(1));
  EXPECT_TRUE(cells[0].pass_at_k.count(3));
  EXPECT_FALSE(cells[0].pass_at_k.count(16));
  EXPECT_NEAR(cells[0].pass_at_k.at(3), 0.75, 1e-12);
  // Task "u" is not configured: defaults 1, 2, 4.
  EXPECT_EQ(cells[1].pass_at_k.size(), 3U);
}

TEST(RenderJson, KeyNamesAreExact) {
  std::vector<SampleRecord> samples;
  for (int s = 0; s < 4; ++s) samples.push_back(make_sample("m", "t", "a", s, s == 1));
  samples.push_back(make_error("m", "t", "b", 0));
  const auto json = render_json(build_report(samples, ReportOptions{}));
  ASSERT_TRUE(json.is_object());
  ASSERT_EQ(json.size(), 1U);
  ASSERT_TRUE(json.contains("results"));
  ASSERT_TRUE(json["results"].is_array());
  ASSERT_EQ(json["results"].size(), 1U);
  const auto& row = json["results"][0];

  std::set<std::string> keys;
  for (const auto& [key, value] : row.items()) keys.insert(key);
  const std::set<std::string> expected = {
      "model", "task", "items", "samples", "correct", "accuracy", "ci95", "ci_method", "pass_at_k",
      "mean_prompt_tokens", "mean_completion_tokens", "mean_reasoning_tokens", "mean_latency_s",
      "errors", "retries", "cached"};
  EXPECT_EQ(keys, expected);

  EXPECT_EQ(row["model"], "m");
  EXPECT_EQ(row["task"], "t");
  EXPECT_EQ(row["items"], 1);
  EXPECT_EQ(row["samples"], 4);
  EXPECT_EQ(row["correct"], 1);
  EXPECT_EQ(row["errors"], 1);
  EXPECT_DOUBLE_EQ(row["accuracy"].get<double>(), 0.25);
  ASSERT_TRUE(row["ci95"].is_array());
  EXPECT_EQ(row["ci95"].size(), 2U);
  ASSERT_TRUE(row["pass_at_k"].is_object());
  std::set<std::string> k_keys;
  for (const auto& [key, value] : row["pass_at_k"].items()) k_keys.insert(key);
  EXPECT_EQ(k_keys, (std::set<std::string>{"1", "2", "4"}));
  EXPECT_NEAR(row["pass_at_k"]["2"].get<double>(), 0.5, 1e-12);
}

TEST(RenderJson, EmptyResults) {
  const auto json = render_json({});
  ASSERT_TRUE(json["results"].is_array());
  EXPECT_TRUE(json["results"].empty());
  EXPECT_EQ(json.dump(), R"({"results":[]})");
}

TEST(RenderJson, PassAtKEmptyIsObject) {
  const auto json = render_json(build_report({make_error("m", "t", "a", 0)}, ReportOptions{}));
  EXPECT_TRUE(json["results"][0]["pass_at_k"].is_object());
}

TEST(RenderText, EmptySaysNoSamples) {
  EXPECT_NE(render_text({}).find("no samples"), std::string::npos);
}

TEST(RenderText, TableHasHeaderAndAlignedColumns) {
  std::vector<SampleRecord> samples = {
      make_sample("a-much-longer-model-name", "t", "1", 0, true), make_sample("a-much-longer-model-name", "t", "2", 0, true),
      make_sample("a-much-longer-model-name", "t", "3", 0, false), make_sample("a-much-longer-model-name", "t", "4", 0, false)};
  for (int s = 0; s < 4; ++s) samples.push_back(make_sample("b", "t", "x", s, s == 0));
  samples[0].latency_s = 1.5;
  samples[0].usage.completion_tokens = 8;
  const auto text = render_text(build_report(samples, ReportOptions{}));
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 5U);  // header, rule, two rows, the intervals used
  EXPECT_EQ(lines[4].rfind("95% CI: ", 0), 0U) << lines[4];
  for (const char* col : {"model", "task", "n", "acc", "95% CI", "p@1", "p@2", "p@4", "tokens", "latency", "errors"}) {
    EXPECT_NE(lines[0].find(col), std::string::npos) << col;
  }
  EXPECT_EQ(lines[1].find_first_not_of('-'), std::string::npos);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(lines[i].size(), lines[0].size()) << lines[i];
  EXPECT_NE(lines[2].find("[0.150, 0.850]"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("0.500"), std::string::npos);
  EXPECT_NE(lines[2].find("0.38"), std::string::npos);  // mean latency 1.5 / 4 = 0.375 -> "0.38"
  EXPECT_NE(lines[3].find("0.250"), std::string::npos);
  // Column positions line up: "acc" header ends where each row's accuracy ends.
  const auto acc_end = lines[0].find(" acc") + 4;
  EXPECT_EQ(lines[2].substr(acc_end - 5, 5), "0.500");
  EXPECT_EQ(lines[3].substr(acc_end - 5, 5), "0.250");
  // The single-sample model has no p@2 / p@4: those cells are blank; the other model has values.
  for (const char* col : {" p@2", " p@4"}) {
    const auto end = lines[0].find(col) + std::string(col).size();
    EXPECT_EQ(lines[2].substr(end - 5, 5), "     ") << col << "\n" << lines[2];
    EXPECT_NE(lines[3].substr(end - 5, 5), "     ") << col << "\n" << lines[3];
  }
  EXPECT_EQ(lines[3].substr(lines[0].find(" p@4") + 4 - 5, 5), "1.000");
}

TEST(RenderHtml, EscapesUserStrings) {
  std::vector<SampleRecord> samples;
  for (int s = 0; s < 2; ++s) samples.push_back(make_sample("<script>&\"x\"", "it's<t>", "a", s, s == 0));
  const auto html = render_html(build_report(samples, ReportOptions{}), "Report <&>");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("\"x\""), std::string::npos);
  EXPECT_EQ(html.find("it's"), std::string::npos);
  EXPECT_EQ(html.find("<t>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;&amp;&quot;x&quot;"), std::string::npos);
  EXPECT_NE(html.find("it&#39;s&lt;t&gt;"), std::string::npos);
  EXPECT_NE(html.find("<title>Report &lt;&amp;&gt;</title>"), std::string::npos);
}

TEST(RenderHtml, SelfContainedWithCharts) {
  std::vector<SampleRecord> samples = multi_sample_items();
  for (int s = 0; s < 3; ++s) samples.push_back(make_sample("other", "t", "item0", s, true));
  samples.push_back(make_sample("other", "u", "q", 0, false));
  const auto cells = build_report(samples, ReportOptions{});
  const auto html = render_html(cells, "Suite");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos);  // pass@k chart with k = 1, 2, 3
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  const std::string xmlns = "http://www.w3.org/2000/svg";
  EXPECT_EQ(count_of(html, "http://"), count_of(html, xmlns));
  // Deterministic.
  EXPECT_EQ(html, render_html(cells, "Suite"));
}

TEST(RenderHtml, EmptyShowsNoSamples) {
  const auto html = render_html({}, "Empty");
  EXPECT_NE(html.find("no samples"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::harness
