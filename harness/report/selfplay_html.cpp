#include "harness/report/selfplay_html.h"

#include <set>

#include <fmt/format.h>

#include "harness/report/html_escape.h"

namespace gauntlet::harness {
namespace {

using nlohmann::json;

std::string number(const json& j, const char* format = "{:.2f}") {
  if (j.is_number()) return fmt::format(fmt::runtime(format), j.get<double>());
  return "—";
}

}  // namespace

std::string render_selfplay_html_section(const std::string& run, const std::vector<json>& steps) {
  std::set<std::string> types;
  for (const auto& s : steps)
    if (s.contains("solve_rate") && s["solve_rate"].is_object())
      for (const auto& [type, v] : s["solve_rate"].items()) types.insert(type);
  std::string out = fmt::format("<section>\n<h2>Self-play: {} ({} steps finished)</h2>\n", html_escape(run), steps.size());
  if (steps.empty()) return out + "<p class=\"empty\">no finished steps</p>\n</section>\n";
  out += "<table>\n<thead><tr><th class=\"num\">step</th><th class=\"num\">valid</th><th>rejected</th>";
  for (const auto& t : types) out += fmt::format("<th class=\"num\">solved {}</th>", html_escape(t));
  for (const auto& t : types) out += fmt::format("<th class=\"num\">buffer {}</th>", html_escape(t));
  out += "<th class=\"num\">tokens in+out</th><th class=\"num\">sandbox execs</th><th class=\"num\">wall (s)</th>"
         "</tr></thead>\n<tbody>\n";
  for (const auto& s : steps) {
    long total = 0, valid = 0;
    if (s.contains("proposals") && s["proposals"].is_object())
      for (const auto& [type, p] : s["proposals"].items()) {
        total += p.value("total", 0L);
        valid += p.value("valid", 0L);
      }
    std::string reasons;
    if (s.contains("reject_reasons") && s["reject_reasons"].is_object())
      for (const auto& [reason, n] : s["reject_reasons"].items())
        reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", reason, n.is_number() ? n.get<long>() : 0L);
    out += fmt::format("<tr><td class=\"num\">{}</td><td class=\"num\">{}/{}</td><td>{}</td>", s.value("step", -1) + 1,
                       valid, total, html_escape(reasons));
    for (const auto& t : types) {
      const json rate = s.contains("solve_rate") ? s["solve_rate"].value(t, json()) : json();
      out += fmt::format("<td class=\"num\">{}</td>", number(rate));
    }
    for (const auto& t : types) {
      const json size = s.contains("buffer_sizes") ? s["buffer_sizes"].value(t, json()) : json();
      out += fmt::format("<td class=\"num\">{}</td>", number(size, "{:.0f}"));
    }
    const json tokens = s.value("tokens", json::object());
    out += fmt::format("<td class=\"num\">{}+{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       number(tokens.value("prompt", json()), "{:.0f}"), number(tokens.value("completion", json()), "{:.0f}"),
                       number(s.value("sandbox_execs", json()), "{:.0f}"), number(s.value("wall_s", json()), "{:.1f}"));
  }
  out += "</tbody>\n</table>\n</section>\n";
  return out;
}

}  // namespace gauntlet::harness
