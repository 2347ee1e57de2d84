// Budget / variant curves: models grouped by stored definition minus budget and routing; per point
// accuracy (as the results table), means of thinking / answer tokens, wall time and experts per
// token with item-clustered bootstrap CIs (hand-checked here); text, JSON and well-formed SVG.
#include "harness/report/curves.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/report/curves_svg.h"

namespace gauntlet::harness {
namespace {

SampleRecord sample(const std::string& model, const std::string& task, const std::string& item, int index,
                    bool correct, std::int64_t reasoning, std::int64_t completion, double latency,
                    const std::string& routing = "") {
  SampleRecord s;
  s.key = SampleKey{model, task, item, index};
  s.correct = correct;
  s.score = correct ? 1.0 : 0.0;
  s.usage.reasoning_tokens = reasoning;
  s.usage.completion_tokens = completion;
  s.latency_s = latency;
  s.routing_json = routing;
  return s;
}

const nlohmann::json kBase = {{"provider", "engine"}, {"model", "tb"}, {"checkpoint", "abc"}};

std::map<std::string, nlohmann::json> definitions() {
  auto nothink = kBase;
  nothink["budget"] = {{"policy", "nothinking"}, {"prefill", "<think></think>"}};
  auto routed = kBase;
  routed["routing"] = {{"top_k", 1}};
  auto other = kBase;
  other["checkpoint"] = "def";  // another model: its own base
  return {{"tb/think", kBase}, {"tb/nothink", nothink}, {"tb/top1", routed}, {"other", other}};
}

// tb/think: two items, two samples each. Item i1: reasoning 10 and 30 (mean 20), completion 15 and 45
// (answer 5 and 15, mean 10), latency 1 and 3 (mean 2), both correct. Item i2: reasoning 60 and 60,
// completion 70 and 70 (answer 10), latency 4 and 6 (mean 5), one correct.
// tb/nothink: the same items, one sample each, no reasoning, answer 8 and 12, latency 0.5 and 1.5.
// tb/top1: one item, one sample, with a routing summary; one errored sample (left out).
std::vector<SampleRecord> samples() {
  return {
      sample("tb/think", "t", "i1", 0, true, 10, 15, 1.0),
      sample("tb/think", "t", "i1", 1, true, 30, 45, 3.0),
      sample("tb/think", "t", "i2", 0, true, 60, 70, 4.0),
      sample("tb/think", "t", "i2", 1, false, 60, 70, 6.0),
      sample("tb/nothink", "t", "i1", 0, false, 0, 8, 0.5),
      sample("tb/nothink", "t", "i2", 0, true, 0, 12, 1.5),
      sample("tb/top1", "t", "i1", 0, true, 40, 50, 2.0, R"({"tokens":50,"experts_per_token":1.25,"layers":[]})"),
      [] {
        auto s = sample("tb/top1", "t", "i2", 0, false, 0, 0, 9.0);
        s.error = "boom";
        return s;
      }(),
      sample("other", "t", "i1", 0, true, 1, 2, 0.1),
      // A task where tb has one model only: no curve.
      sample("tb/think", "solo", "i1", 0, true, 5, 6, 0.2),
  };
}

TEST(Curves, GroupsByDefinitionWithoutBudgetAndRouting) {
  auto groups = build_curves(samples(), definitions(), ReportOptions{});
  ASSERT_EQ(groups.size(), 1u);
  const auto& g = groups[0];
  EXPECT_EQ(g.task, "t");
  EXPECT_EQ(g.base, "tb");
  ASSERT_EQ(g.points.size(), 3u);
  EXPECT_EQ(g.points[0].model, "tb/nothink");
  EXPECT_EQ(g.points[0].label, "nothink");
  EXPECT_EQ(g.points[1].label, "think");
  EXPECT_EQ(g.points[2].label, "top1");
  EXPECT_EQ(g.points[0].budget, definitions()["tb/nothink"]["budget"]);
  EXPECT_TRUE(g.points[1].budget.is_null());
  EXPECT_EQ(g.points[2].routing, nlohmann::json({{"top_k", 1}}));
  EXPECT_TRUE(g.has_routing());

  // Models without a stored definition are bases of their own: no curves.
  EXPECT_TRUE(build_curves(samples(), {}, ReportOptions{}).empty());
  // Names do not group: a different definition under a shared prefix is another base.
  auto defs = definitions();
  defs["tb/nothink"]["params"] = {{"temperature", 1}};
  auto regrouped = build_curves(samples(), defs, ReportOptions{});
  ASSERT_EQ(regrouped.size(), 1u);
  ASSERT_EQ(regrouped[0].points.size(), 2u);
  EXPECT_EQ(regrouped[0].points[0].model, "tb/think");
  EXPECT_EQ(regrouped[0].points[1].model, "tb/top1");
}

TEST(Curves, MeansAndIntervalsByHand) {
  auto groups = build_curves(samples(), definitions(), ReportOptions{});
  ASSERT_EQ(groups.size(), 1u);
  const auto& think = groups[0].points[1];
  EXPECT_EQ(think.items, 2);
  EXPECT_EQ(think.samples, 4);
  EXPECT_DOUBLE_EQ(think.accuracy, 0.75);
  EXPECT_EQ(think.ci_method, "bootstrap");
  // Item means of correctness 1 and 0.5: resampled means are 1, 0.75, 0.5 (1/4, 1/2, 1/4), so the
  // 2.5% and 97.5% percentiles are the extremes.
  EXPECT_DOUBLE_EQ(think.ci95.first, 0.5);
  EXPECT_DOUBLE_EQ(think.ci95.second, 1.0);
  EXPECT_DOUBLE_EQ(think.thinking_tokens.mean, 40.0);  // (10 + 30 + 60 + 60) / 4
  EXPECT_DOUBLE_EQ(think.thinking_tokens.ci95.first, 20.0);  // item means 20 and 60
  EXPECT_DOUBLE_EQ(think.thinking_tokens.ci95.second, 60.0);
  EXPECT_DOUBLE_EQ(think.answer_tokens.mean, 10.0);  // (5 + 15 + 10 + 10) / 4; item means 10 and 10
  EXPECT_DOUBLE_EQ(think.answer_tokens.ci95.first, 10.0);
  EXPECT_DOUBLE_EQ(think.answer_tokens.ci95.second, 10.0);
  EXPECT_DOUBLE_EQ(think.latency_s.mean, 3.5);  // item means 2 and 5
  EXPECT_DOUBLE_EQ(think.latency_s.ci95.first, 2.0);
  EXPECT_DOUBLE_EQ(think.latency_s.ci95.second, 5.0);
  EXPECT_FALSE(think.experts_per_token.has_value());
  EXPECT_EQ(think.routed_samples, 0);

  const auto& nothink = groups[0].points[0];
  EXPECT_EQ(nothink.samples, 2);
  EXPECT_DOUBLE_EQ(nothink.accuracy, 0.5);
  EXPECT_EQ(nothink.ci_method, "wilson");
  EXPECT_DOUBLE_EQ(nothink.thinking_tokens.mean, 0.0);
  EXPECT_DOUBLE_EQ(nothink.thinking_tokens.ci95.first, 0.0);
  EXPECT_DOUBLE_EQ(nothink.thinking_tokens.ci95.second, 0.0);
  EXPECT_DOUBLE_EQ(nothink.answer_tokens.mean, 10.0);
  EXPECT_DOUBLE_EQ(nothink.answer_tokens.ci95.first, 8.0);
  EXPECT_DOUBLE_EQ(nothink.answer_tokens.ci95.second, 12.0);
  EXPECT_DOUBLE_EQ(nothink.latency_s.mean, 1.0);

  const auto& top1 = groups[0].points[2];
  EXPECT_EQ(top1.samples, 1);  // the errored sample is left out
  ASSERT_TRUE(top1.experts_per_token.has_value());
  EXPECT_DOUBLE_EQ(top1.experts_per_token->mean, 1.25);
  EXPECT_DOUBLE_EQ(top1.experts_per_token->ci95.first, 1.25);
  EXPECT_DOUBLE_EQ(top1.experts_per_token->ci95.second, 1.25);
  EXPECT_EQ(top1.routed_samples, 1);

  auto j = render_curves_json(groups);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["task"], "t");
  EXPECT_EQ(j[0]["base"], "tb");
  const auto& p = j[0]["points"][1];
  EXPECT_EQ(p["model"], "tb/think");
  EXPECT_EQ(p["label"], "think");
  EXPECT_EQ(p["samples"], 4);
  EXPECT_EQ(p["items"], 2);
  EXPECT_DOUBLE_EQ(p["accuracy"].get<double>(), 0.75);
  EXPECT_EQ(p["ci95"], nlohmann::json::array({0.5, 1.0}));
  EXPECT_EQ(p["ci_method"], "bootstrap");
  EXPECT_EQ(p["thinking_tokens"], nlohmann::json({{"mean", 40.0}, {"ci95", {20.0, 60.0}}}));
  EXPECT_EQ(p["answer_tokens"], nlohmann::json({{"mean", 10.0}, {"ci95", {10.0, 10.0}}}));
  EXPECT_EQ(p["latency_s"], nlohmann::json({{"mean", 3.5}, {"ci95", {2.0, 5.0}}}));
  EXPECT_TRUE(p["experts_per_token"].is_null());
  EXPECT_TRUE(p["budget"].is_null());
  EXPECT_EQ(j[0]["points"][2]["experts_per_token"], nlohmann::json({{"mean", 1.25}, {"ci95", {1.25, 1.25}}}));
  EXPECT_EQ(j[0]["points"][2]["routed_samples"], 1);
}

TEST(Curves, TextTable) {
  auto text = render_curves_text(build_curves(samples(), definitions(), ReportOptions{}));
  EXPECT_NE(text.find("== budget/variant curves: task t, base tb\n"), std::string::npos) << text;
  EXPECT_NE(text.find("experts/tok"), std::string::npos) << text;
  EXPECT_NE(text.find("think    4  0.750  [0.500, 1.000]   40.0  [20.0, 60.0]"), std::string::npos) << text;
  EXPECT_NE(text.find("1.25"), std::string::npos) << text;
  EXPECT_EQ(render_curves_text({}), "");
  EXPECT_TRUE(render_curves_json({}).empty());
  EXPECT_EQ(render_curves_html_section({}), "");
}

// Checks that every tag is closed in order (a small XML well-formedness check: names, nesting,
// quoted attributes, no raw '<' or '&' outside entities); returns the element names in order.
std::vector<std::string> xml_elements(const std::string& xml) {
  std::vector<std::string> stack, names;
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      auto semi = xml.find(';', i);
      EXPECT_NE(semi, std::string::npos);
      const auto entity = xml.substr(i, semi - i + 1);
      EXPECT_TRUE(entity == "&amp;" || entity == "&lt;" || entity == "&gt;" || entity == "&quot;" ||
                  entity == "&#39;")
          << entity;
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    auto end = xml.find('>', i);
    EXPECT_NE(end, std::string::npos);
    std::string tag = xml.substr(i + 1, end - i - 1);
    EXPECT_EQ(tag.find('<'), std::string::npos) << tag;
    // Quotes in attributes come in pairs.
    EXPECT_EQ(std::count(tag.begin(), tag.end(), '"') % 2, 0) << tag;
    if (tag[0] == '/') {
      EXPECT_FALSE(stack.empty()) << tag;
      if (!stack.empty()) {
        EXPECT_EQ(stack.back(), tag.substr(1)) << "closing " << tag;
        stack.pop_back();
      }
    } else {
      const bool self = tag.back() == '/';
      const auto name = tag.substr(0, tag.find_first_of(" /"));
      names.push_back(name);
      if (!self) stack.push_back(name);
    }
    i = end + 1;
  }
  EXPECT_TRUE(stack.empty());
  return names;
}

TEST(Curves, SvgIsWellFormedDeterministicAndLabelled) {
  auto in = samples();
  auto defs = definitions();
  for (auto& s : in)
    if (s.key.model == "tb/nothink") s.key.model = "tb/no<think> & \"more\"";
  defs["tb/no<think> & \"more\""] = defs["tb/nothink"];
  auto groups = build_curves(in, defs, ReportOptions{});
  ASSERT_EQ(groups.size(), 1u);
  const auto svg = render_curve_svg(groups[0], CurveAxis::kThinkingTokens);
  EXPECT_EQ(svg, render_curve_svg(groups[0], CurveAxis::kThinkingTokens));
  const auto names = xml_elements(svg);
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names.front(), "svg");
  EXPECT_EQ(std::count(names.begin(), names.end(), "circle"), 3);
  // Per point: a horizontal and a vertical error bar with two caps each.
  EXPECT_EQ(std::count(names.begin(), names.end(), "g"), 3);
  EXPECT_NE(svg.find(">no&lt;think&gt; &amp; &quot;more&quot;</text>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("no<think>"), std::string::npos);
  EXPECT_NE(svg.find("mean thinking tokens per sample"), std::string::npos);
  // Points sit where the axes put them: x 0..63 (60 + 5%), y accuracy 0..1 over 240 px from 16.
  // think: x = 64 + 40 / 63 * 440 = 343.4, y = 16 + 0.25 * 240 = 76.0.
  EXPECT_NE(svg.find("<circle cx=\"343.4\" cy=\"76.0\""), std::string::npos) << svg;

  const auto lnames = xml_elements(render_curve_svg(groups[0], CurveAxis::kLatency));
  EXPECT_EQ(std::count(lnames.begin(), lnames.end(), "circle"), 3);
  // Only the traced variant has experts per token.
  const auto experts = render_curve_svg(groups[0], CurveAxis::kExpertsPerToken);
  auto enames = xml_elements(experts);
  EXPECT_EQ(std::count(enames.begin(), enames.end(), "circle"), 1);
  auto plain = groups[0];
  plain.points.pop_back();
  EXPECT_EQ(render_curve_svg(plain, CurveAxis::kExpertsPerToken), "");

  const auto html = render_curves_html_section(groups);
  auto hnames = xml_elements(html);
  EXPECT_EQ(std::count(hnames.begin(), hnames.end(), "svg"), 3);
  EXPECT_EQ(std::count(hnames.begin(), hnames.end(), "table"), 1);
  const auto pnames = xml_elements(render_curves_html_section({plain}));
  EXPECT_EQ(std::count(pnames.begin(), pnames.end(), "svg"), 2);
}

}  // namespace
}  // namespace gauntlet::harness
