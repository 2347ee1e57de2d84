// render_html: one self-contained HTML5 document (inline CSS and SVG only, no scripts, no external
// resources). Output is a pure function of the cells and title, so identical input gives identical bytes.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <set>

#include <fmt/format.h>

#include "harness/report/report.h"

#include "harness/report/chart_parts.h"
#include "harness/report/html_escape.h"

namespace gauntlet::harness {

namespace {

constexpr std::size_t kMaxLabelChars = 60;
constexpr double kCharWidth = 7.0;  // rough width of one character at the chart font size

constexpr const char* kStyle = R"css(
body {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  margin: 2rem;
  color: #222;
  background: #fff;
}
h1 { font-size: 1.5rem; margin-bottom: 1rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.25rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; white-space: nowrap; }
th { background: #f4f4f4; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:hover { background: #fafafa; }
p.empty { color: #666; font-style: italic; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; font-size: 12px; fill: #333; }
svg .grid { stroke: #e3e3e3; stroke-width: 1; }
svg .axis { stroke: #888; stroke-width: 1; }
svg .errbar { stroke: #222; stroke-width: 1.5; }
svg .line { fill: none; stroke-width: 2; }
figure { margin: 0 0 1.5rem; }
)css";


std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s) {
    if ((ch & 0xC0U) != 0x80U) ++n;
  }
  return n;
}

// Truncates to at most `max_chars` code points (UTF-8 safe), marking the cut with an ellipsis.
std::string shorten(const std::string& s, std::size_t max_chars) {
  if (code_points(s) <= max_chars) return s;
  std::size_t seen = 0;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    const auto ch = static_cast<unsigned char>(s[i]);
    if ((ch & 0xC0U) != 0x80U) {
      if (seen == max_chars - 1) break;
      ++seen;
    }
  }
  return s.substr(0, i) + "\u2026";
}

double clamp01(double v) {
  if (!std::isfinite(v)) return 0.0;
  return std::clamp(v, 0.0, 1.0);
}

std::vector<int> union_of_ks(const std::vector<CellReport>& cells) {
  std::set<int> ks;
  for (const auto& cell : cells) {
    for (const auto& [k, value] : cell.pass_at_k) ks.insert(k);
  }
  return {ks.begin(), ks.end()};
}

// Stable colour per model: index in the sorted list of distinct models.
class ModelColors {
 public:
  explicit ModelColors(const std::vector<CellReport>& cells) {
    for (const auto& c : cells) models_.insert(c.model);
  }
  const char* operator()(const std::string& model) const {
    const auto index = static_cast<std::size_t>(std::distance(models_.begin(), models_.find(model)));
    return chart_color(index);
  }

 private:
  std::set<std::string> models_;
};

std::string render_table(const std::vector<CellReport>& cells) {
  const std::vector<int> ks = union_of_ks(cells);
  std::string out = "<table>\n<thead><tr><th>model</th><th>task</th><th class=\"num\">n</th>"
                    "<th class=\"num\">acc</th><th class=\"num\">95% CI</th>";
  for (int k : ks) out += fmt::format("<th class=\"num\">p@{}</th>", k);
  out += "<th class=\"num\">tokens</th><th class=\"num\">latency (s)</th><th class=\"num\">errors</th>"
         "</tr></thead>\n<tbody>\n";
  for (const auto& c : cells) {
    if (c.samples > 0)
      out += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3f}</td>"
          "<td class=\"num\" title=\"{}\">[{:.3f}, {:.3f}]</td>",
          html_escape(c.model), html_escape(c.task), c.samples, c.accuracy, html_escape(describe_ci_method(c.ci_method)),
          c.ci95.first, c.ci95.second);
    else
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">0</td><td class=\"num\">—</td>"
                         "<td class=\"num\">—</td>",
                         html_escape(c.model), html_escape(c.task));
    for (int k : ks) {
      auto it = c.pass_at_k.find(k);
      if (it == c.pass_at_k.end()) {
        out += "<td class=\"num\"></td>";
      } else {
        out += fmt::format("<td class=\"num\">{:.3f}</td>", it->second);
      }
    }
    out += fmt::format("<td class=\"num\">{:.1f}</td><td class=\"num\">{:.2f}</td><td class=\"num\">{}</td></tr>\n",
                       c.mean_completion_tokens, c.mean_latency_s, c.errors);
  }
  out += "</tbody>\n</table>\n";
  std::set<std::string> methods;
  for (const auto& c : cells)
    if (!c.ci_method.empty()) methods.insert(c.ci_method);
  std::string notes;
  for (const auto& m : methods) notes += (notes.empty() ? "" : "; ") + describe_ci_method(m);
  if (!notes.empty()) out += "<p class=\"note\">95% CI: " + html_escape(notes) + "</p>\n";
  return out;
}

// Horizontal bars of accuracy per (model, task), with the 95% CI as an error bar.
std::string render_accuracy_chart(const std::vector<CellReport>& cells, const ModelColors& colors) {
  constexpr double kRowH = 26.0;
  constexpr double kBarH = 16.0;
  constexpr double kTop = 10.0;
  constexpr double kAxisH = 30.0;
  constexpr double kPlotW = 420.0;
  constexpr double kValueW = 170.0;

  std::vector<std::string> labels;
  std::size_t longest = 0;
  for (const auto& c : cells) {
    labels.push_back(shorten(c.model + " / " + c.task, kMaxLabelChars));
    longest = std::max(longest, code_points(labels.back()));
  }
  const double label_w = std::max(80.0, static_cast<double>(longest) * kCharWidth + 16.0);
  const double plot_x = label_w;
  const double plot_h = kRowH * static_cast<double>(cells.size());
  const double width = label_w + kPlotW + kValueW;
  const double height = kTop + plot_h + kAxisH;

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "role=\"img\" aria-label=\"Accuracy per model and task with 95% confidence intervals\">\n",
      width, height);

  // Grid and axis labels.
  for (int i = 0; i <= 4; ++i) {
    const double v = i / 4.0;
    const double x = plot_x + v * kPlotW;
    out += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", x, kTop,
                       kTop + plot_h);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:.2f}</text>\n", x,
                       kTop + plot_h + 16.0, v);
  }
  out += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", plot_x,
                     kTop, kTop + plot_h);

  for (std::size_t i = 0; i < cells.size(); ++i) {
    const CellReport& c = cells[i];
    const double row_y = kTop + kRowH * static_cast<double>(i);
    const double cy = row_y + kRowH / 2.0;
    out += "<g>\n";
    if (c.samples > 0)
      out += fmt::format("<title>{} / {}: accuracy {:.3f}, 95% CI [{:.3f}, {:.3f}], n={}</title>\n",
                         html_escape(c.model), html_escape(c.task), c.accuracy, c.ci95.first, c.ci95.second, c.samples);
    else
      out += fmt::format("<title>{} / {}: no scored samples</title>\n", html_escape(c.model), html_escape(c.task));
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>\n",
                       label_w - 8.0, cy, html_escape(labels[i]));
    if (c.samples == 0) {
      out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" dominant-baseline=\"middle\">no scored samples</text>\n",
                         plot_x + 6.0, cy);
      out += "</g>\n";
      continue;
    }
    const double acc = clamp01(c.accuracy);
    const double lo = clamp01(std::min(c.ci95.first, c.ci95.second));
    const double hi = clamp01(std::max(c.ci95.first, c.ci95.second));
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" fill-opacity=\"0.85\"/>\n",
        plot_x, cy - kBarH / 2.0, acc * kPlotW, kBarH, colors(c.model));
    const double xlo = plot_x + lo * kPlotW;
    const double xhi = plot_x + hi * kPlotW;
    out += fmt::format("<line class=\"errbar\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", xlo, cy,
                       xhi, cy);
    for (double x : {xlo, xhi}) {
      out += fmt::format("<line class=\"errbar\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", x,
                         cy - 5.0, cy + 5.0);
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" dominant-baseline=\"middle\">{:.3f} [{:.3f}, {:.3f}]</text>\n",
                       plot_x + kPlotW + 10.0, cy, c.accuracy, c.ci95.first, c.ci95.second);
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

// pass@k against k (log2 scale) for one task: one polyline per model.
std::string render_pass_at_k_chart(const std::string& task, const std::vector<const CellReport*>& cells,
                                   const ModelColors& colors) {
  constexpr double kLeft = 60.0;
  constexpr double kTop = 12.0;
  constexpr double kPlotW = 360.0;
  constexpr double kPlotH = 200.0;
  constexpr double kBottom = 40.0;

  std::set<int> ks;
  std::size_t longest = 0;
  for (const CellReport* c : cells) {
    for (const auto& [k, value] : c->pass_at_k) ks.insert(k);
    longest = std::max(longest, code_points(shorten(c->model, kMaxLabelChars)));
  }
  const double legend_x = kLeft + kPlotW + 24.0;
  const double width = legend_x + 24.0 + static_cast<double>(longest) * kCharWidth + 16.0;
  const double legend_h = 20.0 * static_cast<double>(cells.size()) + kTop;
  const double height = std::max(kTop + kPlotH + kBottom, legend_h);

  const double lmin = std::log2(static_cast<double>(*ks.begin()));
  const double lmax = std::log2(static_cast<double>(*ks.rbegin()));
  auto x_of = [&](int k) {
    if (lmax <= lmin) return kLeft + kPlotW / 2.0;
    return kLeft + (std::log2(static_cast<double>(k)) - lmin) / (lmax - lmin) * kPlotW;
  };
  auto y_of = [&](double v) { return kTop + (1.0 - clamp01(v)) * kPlotH; };

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "role=\"img\" aria-label=\"pass@k by k for task {2}\">\n",
      width, height, html_escape(task));

  for (int i = 0; i <= 4; ++i) {
    const double v = i / 4.0;
    out += svg_value_gridline(kLeft, kLeft + kPlotW, y_of(v), v);
  }
  for (int k : ks) {
    const double x = x_of(k);
    out += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", x, kTop,
                       kTop + kPlotH);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x, kTop + kPlotH + 16.0,
                       k);
  }
  out += svg_axes(kLeft, kTop, kPlotW, kPlotH, "k (log2 scale)", "pass@k");

  for (std::size_t i = 0; i < cells.size(); ++i) {
    const CellReport& c = *cells[i];
    const char* color = colors(c.model);
    out += "<g>\n";
    if (c.pass_at_k.size() >= 2) {
      std::string points;
      for (const auto& [k, value] : c.pass_at_k) {
        if (!points.empty()) points += ' ';
        points += fmt::format("{:.1f},{:.1f}", x_of(k), y_of(value));
      }
      out += fmt::format("<polyline class=\"line\" stroke=\"{}\" points=\"{}\"/>\n", color, points);
    }
    for (const auto& [k, value] : c.pass_at_k) {
      out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"><title>{}: pass@{} = {:.3f}</title>"
                         "</circle>\n",
                         x_of(k), y_of(value), color, html_escape(c.model), k, value);
    }
    const double ly = kTop + 20.0 * static_cast<double>(i) + 6.0;
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"4\" fill=\"{}\"/>\n", legend_x,
                       ly - 2.0, color);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" dominant-baseline=\"middle\">{}</text>\n", legend_x + 20.0, ly,
                       html_escape(shorten(c.model, kMaxLabelChars)));
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace

std::string render_html(const std::vector<CellReport>& cells, const std::string& title, const std::string& sections) {
  const std::string t = html_escape(title);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n", t, kStyle, t);

  if (cells.empty()) {
    out += sections.empty() ? "<p class=\"empty\">no samples</p>\n" : sections;
    out += "</body>\n</html>\n";
    return out;
  }

  const ModelColors colors(cells);
  out += "<section>\n<h2>Results</h2>\n";
  out += render_table(cells);
  out += "</section>\n<section>\n<h2>Accuracy (95% CI)</h2>\n";
  out += render_accuracy_chart(cells, colors);
  out += "</section>\n";

  // Tasks in sorted order, each with the cells that report at least one pass@k value.
  std::map<std::string, std::vector<const CellReport*>> by_task;
  for (const auto& c : cells) {
    if (!c.pass_at_k.empty()) by_task[c.task].push_back(&c);
  }
  if (!by_task.empty()) {
    out += "<section>\n<h2>pass@k</h2>\n";
    for (auto& [task, task_cells] : by_task) {
      std::stable_sort(task_cells.begin(), task_cells.end(),
                       [](const CellReport* a, const CellReport* b) { return a->model < b->model; });
      out += fmt::format("<figure>\n<h3>{}</h3>\n", html_escape(task));
      out += render_pass_at_k_chart(task, task_cells, colors);
      out += "</figure>\n";
    }
    out += "</section>\n";
  }
  out += sections;
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace gauntlet::harness
