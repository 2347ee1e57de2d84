#include "harness/ratings/ratings_report.h"

#include "harness/report/html_escape.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <unordered_map>

#include <fmt/format.h>

namespace gauntlet::harness {

namespace {


std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0U) != 0x80U) ++n;
  return n;
}

std::string pad(const std::string& s, std::size_t width, bool right = false) {
  std::size_t n = code_points(s);
  if (n >= width) return s;
  return right ? std::string(width - n, ' ') + s : s + std::string(width - n, ' ');
}

std::string cell_text(const WdlCell& c) { return fmt::format("{}-{}-{}", c.wins, c.draws, c.losses); }

// W/D/L matrix rows and columns in leaderboard order.
std::vector<std::size_t> matrix_order(const RatingTable& table, const WdlMatrix& wdl) {
  std::unordered_map<std::string, std::size_t> id;
  for (std::size_t i = 0; i < wdl.players.size(); ++i) id.emplace(wdl.players[i], i);
  std::vector<std::size_t> order;
  std::vector<char> used(wdl.players.size(), 0);
  for (const auto& p : table.players) {
    auto it = id.find(p.player);
    if (it != id.end() && !used[it->second]) {
      order.push_back(it->second);
      used[it->second] = 1;
    }
  }
  for (std::size_t i = 0; i < wdl.players.size(); ++i)
    if (!used[i]) order.push_back(i);
  return order;
}

constexpr const char* kStyle = R"css(
.gauntlet-ratings table { border-collapse: collapse; font-size: 0.9rem; }
.gauntlet-ratings th, .gauntlet-ratings td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; white-space: nowrap; }
.gauntlet-ratings th { background: #f4f4f4; text-align: left; }
.gauntlet-ratings td.num, .gauntlet-ratings th.num { text-align: right; font-variant-numeric: tabular-nums; }
.gauntlet-ratings td.self { color: #aaa; text-align: center; }
.gauntlet-ratings p.note { color: #555; font-size: 0.85rem; }
.gauntlet-ratings svg { display: block; max-width: 100%; height: auto; }
.gauntlet-ratings svg text { font-family: inherit; font-size: 12px; fill: #333; }
.gauntlet-ratings svg .grid { stroke: #e3e3e3; stroke-width: 1; }
.gauntlet-ratings svg .errbar { stroke: #4e79a7; stroke-width: 2; }
)css";

// Nice tick step for a range: 1, 2 or 5 times a power of ten, about 5 ticks.
double tick_step(double span) {
  double raw = span / 5.0;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * p) return m * p;
  return 10.0 * p;
}

std::string render_ci_chart(const RatingTable& table) {
  constexpr double kRowH = 24.0;
  constexpr double kTop = 10.0;
  constexpr double kAxisH = 30.0;
  constexpr double kPlotW = 460.0;
  constexpr double kValueW = 190.0;
  constexpr double kCharW = 7.0;

  double lo = table.players.front().ci95.first, hi = table.players.front().ci95.second;
  std::size_t longest = 0;
  for (const auto& p : table.players) {
    lo = std::min({lo, p.ci95.first, p.rating});
    hi = std::max({hi, p.ci95.second, p.rating});
    longest = std::max(longest, code_points(p.player));
  }
  if (!(hi - lo > 1e-9)) {
    lo -= 50.0;
    hi += 50.0;
  }
  const double step = tick_step(hi - lo);
  lo = std::floor(lo / step) * step;
  hi = std::ceil(hi / step) * step;
  const double label_w = std::max(80.0, static_cast<double>(std::min<std::size_t>(longest, 60)) * kCharW + 16.0);
  const double plot_h = kRowH * static_cast<double>(table.players.size());
  const double width = label_w + kPlotW + kValueW;
  const double height = kTop + plot_h + kAxisH;
  auto x_of = [&](double v) { return label_w + (v - lo) / (hi - lo) * kPlotW; };

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "role=\"img\" aria-label=\"Ratings with 95% confidence intervals\">\n",
      width, height);
  for (double v = lo; v <= hi + step * 1e-6; v += step) {
    const double x = x_of(v);
    out += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", x, kTop,
                       kTop + plot_h);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:.0f}</text>\n", x,
                       kTop + plot_h + 16.0, v);
  }
  for (std::size_t i = 0; i < table.players.size(); ++i) {
    const PlayerRating& p = table.players[i];
    const double cy = kTop + kRowH * (static_cast<double>(i) + 0.5);
    out += "<g>\n";
    out += p.has_ci ? fmt::format("<title>{}: {:.1f}, 95% CI [{:.1f}, {:.1f}], {} games</title>\n",
                                  html_escape(p.player), p.rating, p.ci95.first, p.ci95.second, p.games)
                    : fmt::format("<title>{}: {:.1f}, no 95% CI, {} games</title>\n", html_escape(p.player), p.rating,
                                  p.games);
    std::string label = p.player;
    if (code_points(label) > 60) {  // cut at a UTF-8 code point boundary
      std::size_t seen = 0, k = 0;
      for (; k < label.size(); ++k)
        if ((static_cast<unsigned char>(label[k]) & 0xC0U) != 0x80U && seen++ == 59) break;
      label = label.substr(0, k) + "\u2026";
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>\n",
                       label_w - 8.0, cy, html_escape(label));
    const double x0 = x_of(p.ci95.first), x1 = x_of(p.ci95.second);
    if (p.has_ci) {
      out += fmt::format("<line class=\"errbar\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", x0, cy,
                         x1, cy);
      for (double x : {x0, x1})
        out += fmt::format("<line class=\"errbar\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n", x,
                           cy - 5.0, cy + 5.0);
    }
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"#e15759\"/>\n", x_of(p.rating), cy);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" dominant-baseline=\"middle\">{}</text>\n", label_w + kPlotW + 10.0,
                       cy,
                       p.has_ci ? fmt::format("{:.0f} [{:.0f}, {:.0f}]", p.rating, p.ci95.first, p.ci95.second)
                                : fmt::format("{:.0f} [—]", p.rating));
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace

std::string describe_ratings(const RatingOptions& o, int bootstrap_used) {
  std::string method = o.method == RatingMethod::kOnlineElo
                           ? fmt::format("online Elo (K {:g}, base {:g}, scale {:g}, start {:g}, input order)", o.elo_k,
                                         o.base, o.scale, o.init_rating)
                           : fmt::format("Bradley-Terry MLE (base {:g}, scale {:g}, draw = half a win)", o.base, o.scale);
  std::string anchor = o.anchor ? fmt::format("{} fixed at {:g}", o.anchor->player, o.anchor->rating)
                                : fmt::format("mean rating {:g}", o.init_rating);
  std::string ci = o.bootstrap > 0
                       ? fmt::format("95% CI: percentile bootstrap, {} resamples, seed {}", bootstrap_used, o.seed)
                       : std::string("no bootstrap");
  return method + ", " + anchor + ", " + ci;
}

std::string render_ratings_text(const RatingTable& table, const WdlMatrix& wdl, const std::string& description) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"rank", "player", "rating", "95% CI", "games", "W", "D", "L"});
  for (std::size_t i = 0; i < table.players.size(); ++i) {
    const auto& p = table.players[i];
    rows.push_back({std::to_string(i + 1), p.player, fmt::format("{:.1f}", p.rating),
                    p.has_ci ? fmt::format("[{:.1f}, {:.1f}]", p.ci95.first, p.ci95.second) : "—",
                    std::to_string(p.games),
                    std::to_string(p.wins), std::to_string(p.draws), std::to_string(p.losses)});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], code_points(r[c]));
  std::string out = description + "\n";
  for (const auto& w : table.warnings) out += "warning: " + w + "\n";
  out += "\n";
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      bool right = c != 1 && c != 3;
      line += (c ? "  " : "") + pad(r[c], width[c], right);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }

  // W/D/L matrix.
  const auto order = matrix_order(table, wdl);
  std::vector<std::vector<std::string>> m;
  std::vector<std::string> header{"W-D-L (row vs column)"};
  for (std::size_t j : order) header.push_back(wdl.players[j]);
  m.push_back(header);
  for (std::size_t i : order) {
    std::vector<std::string> r{wdl.players[i]};
    for (std::size_t j : order) r.push_back(i == j ? "-" : cell_text(wdl.cells[i][j]));
    m.push_back(r);
  }
  std::vector<std::size_t> mw(header.size(), 0);
  for (const auto& r : m)
    for (std::size_t c = 0; c < r.size(); ++c) mw[c] = std::max(mw[c], code_points(r[c]));
  out += "\n";
  for (const auto& r : m) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) line += (c ? "  " : "") + pad(r[c], mw[c], c != 0);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

nlohmann::ordered_json render_ratings_json(const RatingTable& table) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& p : table.players) {
    list.push_back(nlohmann::ordered_json{{"player", p.player},
                    {"rating", p.rating},
                    {"ci95", p.has_ci ? nlohmann::ordered_json{p.ci95.first, p.ci95.second} : nlohmann::ordered_json()},
                    {"games", p.games},
                    {"wins", p.wins},
                    {"draws", p.draws},
                    {"losses", p.losses}});
  }
  nlohmann::ordered_json out;
  out["ratings"] = std::move(list);
  return out;
}

std::string render_ratings_html_section(const RatingTable& table, const WdlMatrix& wdl, const std::string& description) {
  std::string out = fmt::format("<div class=\"gauntlet-ratings\">\n<style>{}</style>\n", kStyle);
  out += "<section>\n<h2>Leaderboard</h2>\n";
  out += fmt::format("<p class=\"note\">{}</p>\n", html_escape(description));
  for (const auto& w : table.warnings) out += fmt::format("<p class=\"note\">warning: {}</p>\n", html_escape(w));
  if (table.players.empty()) {
    out += "<p class=\"note\">no battles</p>\n</section>\n</div>\n";
    return out;
  }
  out += "<table>\n<thead><tr><th class=\"num\">rank</th><th>player</th><th class=\"num\">rating</th>"
         "<th class=\"num\">95% CI</th><th class=\"num\">games</th><th class=\"num\">W</th><th class=\"num\">D</th>"
         "<th class=\"num\">L</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < table.players.size(); ++i) {
    const auto& p = table.players[i];
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{:.1f}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        i + 1, html_escape(p.player), p.rating,
        p.has_ci ? fmt::format("[{:.1f}, {:.1f}]", p.ci95.first, p.ci95.second) : "—", p.games, p.wins, p.draws,
        p.losses);
  }
  out += "</tbody>\n</table>\n</section>\n";
  out += "<section>\n<h2>Ratings (95% CI)</h2>\n";
  out += render_ci_chart(table);
  out += "</section>\n";

  const auto order = matrix_order(table, wdl);
  out += "<section>\n<h2>Wins-draws-losses (row against column)</h2>\n<table>\n<thead><tr><th></th>";
  for (std::size_t j : order) out += fmt::format("<th class=\"num\">{}</th>", html_escape(wdl.players[j]));
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t i : order) {
    out += fmt::format("<tr><th>{}</th>", html_escape(wdl.players[i]));
    for (std::size_t j : order) {
      if (i == j) {
        out += "<td class=\"self\">&#8212;</td>";
        continue;
      }
      const WdlCell& c = wdl.cells[i][j];
      if (c.games() == 0) {
        out += "<td class=\"num\"></td>";
        continue;
      }
      const double score = (static_cast<double>(c.wins) + 0.5 * static_cast<double>(c.draws)) / static_cast<double>(c.games());
      // Background from red (0) through white (0.5) to green (1) by the row player's score.
      const int r = score < 0.5 ? 255 : static_cast<int>(std::lround(255 - (score - 0.5) * 2 * 120));
      const int g = score > 0.5 ? 255 : static_cast<int>(std::lround(255 - (0.5 - score) * 2 * 120));
      const int b = static_cast<int>(std::lround(255 - std::abs(score - 0.5) * 2 * 120));
      out += fmt::format("<td class=\"num\" style=\"background:#{:02x}{:02x}{:02x}\" title=\"score {:.3f} over {} games\">"
                         "{}</td>",
                         r, g, b, score, c.games(), cell_text(c));
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n</div>\n";
  return out;
}

std::string render_ratings_html(const RatingTable& table, const WdlMatrix& wdl, const std::string& description,
                                const std::string& title) {
  const std::string t = html_escape(title);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format(
      "<title>{0}</title>\n<style>body {{ font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, Helvetica, "
      "Arial, sans-serif; margin: 2rem; color: #222; background: #fff; }}\nh1 {{ font-size: 1.5rem; }}\n"
      "h2 {{ font-size: 1.2rem; margin-top: 2rem; }}</style>\n</head>\n<body>\n<h1>{0}</h1>\n",
      t);
  out += render_ratings_html_section(table, wdl, description);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace gauntlet::harness
