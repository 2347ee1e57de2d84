#include "harness/report/curves_svg.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "harness/report/chart_parts.h"
#include "harness/report/html_escape.h"

namespace gauntlet::harness {
namespace {

constexpr double kLeft = 64.0;
constexpr double kTop = 16.0;
constexpr double kPlotW = 440.0;
constexpr double kPlotH = 240.0;
constexpr double kBottom = 46.0;
constexpr double kRight = 150.0;  // room for the labels of the rightmost points

double finite(double v) { return std::isfinite(v) ? v : 0.0; }

const char* axis_title(CurveAxis axis) {
  switch (axis) {
    case CurveAxis::kThinkingTokens: return "mean thinking tokens per sample";
    case CurveAxis::kLatency: return "mean wall time per sample (s)";
    case CurveAxis::kExpertsPerToken: return "mean experts per token";
  }
  return "";
}

std::optional<MeanCI> value_on(const CurvePoint& p, CurveAxis axis) {
  switch (axis) {
    case CurveAxis::kThinkingTokens: return p.thinking_tokens;
    case CurveAxis::kLatency: return p.latency_s;
    case CurveAxis::kExpertsPerToken: return p.experts_per_token;
  }
  return std::nullopt;
}

std::string number(double v) { return fmt::format("{:.4g}", v); }

std::string table(const CurveGroup& g) {
  const bool routing = g.has_routing();
  std::string out =
      "<table>\n<thead><tr><th>variant</th><th class=\"num\">n</th><th class=\"num\">acc</th>"
      "<th class=\"num\">95% CI</th><th class=\"num\">thinking tokens</th><th class=\"num\">95% CI</th>"
      "<th class=\"num\">answer tokens</th><th class=\"num\">wall time (s)</th><th class=\"num\">95% CI</th>";
  if (routing) out += "<th class=\"num\">experts / token</th><th class=\"num\">95% CI</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& p : g.points) {
    out += fmt::format(
        "<tr><td title=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3f}</td>"
        "<td class=\"num\">[{:.3f}, {:.3f}]</td><td class=\"num\">{:.1f}</td><td class=\"num\">[{:.1f}, {:.1f}]</td>"
        "<td class=\"num\">{:.1f}</td><td class=\"num\">{:.3f}</td><td class=\"num\">[{:.3f}, {:.3f}]</td>",
        html_escape(p.model), html_escape(p.label), p.samples, p.accuracy, p.ci95.first, p.ci95.second,
        p.thinking_tokens.mean, p.thinking_tokens.ci95.first, p.thinking_tokens.ci95.second, p.answer_tokens.mean,
        p.latency_s.mean, p.latency_s.ci95.first, p.latency_s.ci95.second);
    if (routing) {
      if (p.experts_per_token)
        out += fmt::format("<td class=\"num\">{:.2f}</td><td class=\"num\">[{:.2f}, {:.2f}]</td>",
                           p.experts_per_token->mean, p.experts_per_token->ci95.first, p.experts_per_token->ci95.second);
      else
        out += "<td class=\"num\">—</td><td class=\"num\">—</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

}  // namespace

std::string render_curve_svg(const CurveGroup& group, CurveAxis axis) {
  struct Plotted {
    const CurvePoint* point;
    MeanCI x;
    std::size_t color;
  };
  std::vector<Plotted> plotted;
  for (std::size_t i = 0; i < group.points.size(); ++i)
    if (auto x = value_on(group.points[i], axis)) plotted.push_back({&group.points[i], *x, i});
  if (plotted.empty()) return "";

  // x range: every mean and CI end; token and time axes start at 0.
  double lo = finite(plotted.front().x.mean), hi = lo;
  for (const auto& p : plotted)
    for (double v : {p.x.mean, p.x.ci95.first, p.x.ci95.second}) {
      lo = std::min(lo, finite(v));
      hi = std::max(hi, finite(v));
    }
  if (axis != CurveAxis::kExpertsPerToken) lo = std::min(lo, 0.0);
  if (hi - lo <= 0.0) {
    const double pad = std::max(1.0, std::fabs(hi) * 0.1);
    lo -= axis == CurveAxis::kExpertsPerToken ? pad : 0.0;
    hi += pad;
  } else {
    const double pad = (hi - lo) * 0.05;
    hi += pad;
    if (axis == CurveAxis::kExpertsPerToken) lo -= pad;
  }
  auto x_of = [&](double v) { return kLeft + (std::clamp(finite(v), lo, hi) - lo) / (hi - lo) * kPlotW; };
  auto y_of = [&](double v) { return kTop + (1.0 - std::clamp(finite(v), 0.0, 1.0)) * kPlotH; };

  const double width = kLeft + kPlotW + kRight;
  const double height = kTop + kPlotH + kBottom;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "role=\"img\" aria-label=\"accuracy against {2} for task {3}, base {4}\">\n",
      width, height, axis_title(axis), html_escape(group.task), html_escape(group.base));
  for (int i = 0; i <= 4; ++i) {
    const double v = i / 4.0;
    out += svg_value_gridline(kLeft, kLeft + kPlotW, y_of(v), v);
    const double xv = lo + (hi - lo) * v;
    const double x = x_of(xv);
    out += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", x, kTop,
                       kTop + kPlotH);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x, kTop + kPlotH + 16.0,
                       number(xv));
  }
  out += svg_axes(kLeft, kTop, kPlotW, kPlotH, axis_title(axis), "accuracy");

  for (const auto& p : plotted) {
    const CurvePoint& c = *p.point;
    const char* color = chart_color(p.color);
    const double cx = x_of(p.x.mean), cy = y_of(c.accuracy);
    const double x1 = x_of(p.x.ci95.first), x2 = x_of(p.x.ci95.second);
    const double y1 = y_of(c.ci95.first), y2 = y_of(c.ci95.second);
    out += fmt::format("<g class=\"point\" data-model=\"{}\">\n", html_escape(c.model));
    out += fmt::format("<title>{}: accuracy {:.3f} [{:.3f}, {:.3f}], {} {} [{}, {}], n={}</title>\n",
                       html_escape(c.label), c.accuracy, c.ci95.first, c.ci95.second, axis_title(axis),
                       number(p.x.mean), number(p.x.ci95.first), number(p.x.ci95.second), c.samples);
    out += fmt::format("<line class=\"errbar\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", x1, cy, x2,
                       cy);
    for (double x : {x1, x2})
      out += fmt::format("<line class=\"errbar\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", x,
                         cy - 4.0, cy + 4.0);
    out += fmt::format("<line class=\"errbar\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", cx, y1, cx,
                       y2);
    for (double y : {y1, y2})
      out += fmt::format("<line class=\"errbar\" x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{1:.1f}\" y2=\"{2:.1f}\"/>\n",
                         cx - 4.0, cx + 4.0, y);
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4.5\" fill=\"{}\"/>\n", cx, cy, color);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", cx + 7.0, cy - 7.0, html_escape(c.label));
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string render_curves_html_section(const std::vector<CurveGroup>& groups) {
  if (groups.empty()) return "";
  std::string out = "<section>\n<h2>Budget / variant curves</h2>\n";
  for (const auto& g : groups) {
    out += fmt::format("<h3>task {}, base {}</h3>\n", html_escape(g.task), html_escape(g.base));
    out += table(g);
    for (CurveAxis axis : {CurveAxis::kThinkingTokens, CurveAxis::kLatency, CurveAxis::kExpertsPerToken}) {
      auto svg = render_curve_svg(g, axis);
      if (!svg.empty()) out += "<figure>\n" + svg + "</figure>\n";
    }
  }
  out += "<p class=\"note\">Error bars: 95% CIs on both axes (accuracy as in the results table; means: "
         "item-clustered percentile bootstrap).</p>\n</section>\n";
  return out;
}

}  // namespace gauntlet::harness
