#include "harness/report/match_transcripts.h"

#include <fmt/format.h>

#include "harness/report/html_escape.h"

namespace gauntlet::harness {
namespace {

constexpr std::size_t kMaxCellBytes = 600;

std::string reason_of(const MatchRecord& m) {
  auto result = nlohmann::json::parse(m.result_json, nullptr, false);
  if (result.is_object() && result.contains("reason") && result["reason"].is_string())
    return result["reason"].get<std::string>();
  return "";
}

// At most kMaxCellBytes, cut at a UTF-8 boundary.
std::string cut(const std::string& s) {
  if (s.size() <= kMaxCellBytes) return s;
  std::size_t n = kMaxCellBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0U) == 0x80U) --n;
  return s.substr(0, n) + fmt::format(" … [{} more bytes]", s.size() - n);
}

std::string scores_text(const std::vector<double>& scores) { return fmt::format("{}", fmt::join(scores, " / ")); }

// What a turn did, for the transcript table.
std::string turn_text(const TurnRecord& t) {
  if (t.role == "referee") {
    auto check = nlohmann::json::parse(t.prompt, nullptr, false);
    auto answer = nlohmann::json::parse(t.raw_output, nullptr, false);
    std::string kind = check.is_object() && check.contains("check") ? check["check"].dump() : t.parsed_move;
    std::string result = answer.is_object() && answer.contains("result") ? answer["result"].dump() : t.raw_output;
    return fmt::format("check {} → {}", kind, result);
  }
  if (t.legal && !t.parsed_move.empty() && t.parsed_move != t.raw_output)
    return fmt::format("{}\n(read as: {})", t.raw_output, t.parsed_move);
  return t.raw_output;
}

}  // namespace

nlohmann::ordered_json matches_summary_json(const std::vector<MatchRecord>& matches) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& m : matches)
    out.push_back({{"id", m.id},
                   {"players", m.players},
                   {"roles", m.roles},
                   {"status", m.status},
                   {"scores", m.scores},
                   {"reason", reason_of(m)}});
  return out;
}

std::string matches_summary_line(const std::vector<MatchRecord>& matches) {
  std::size_t finished = 0, forfeits = 0, errors = 0;
  for (const auto& m : matches) {
    if (m.status == "forfeit") ++forfeits;
    else if (m.status == "error") ++errors;
    else ++finished;
  }
  return fmt::format("{} matches ({} finished, {} forfeit{}, {} error{})", matches.size(), finished, forfeits,
                     forfeits == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
}

std::string render_matches_html(const std::vector<MatchRecord>& matches, const TurnsOf& turns,
                                std::size_t max_transcripts) {
  std::string out = "<section class=\"matches\">\n<style>\n"
                    ".matches details { margin: 0.2rem 0; } .matches summary { cursor: pointer; }\n"
                    ".matches td.text { white-space: pre-wrap; max-width: 60rem; font-family: monospace; "
                    "font-size: 0.8rem; }\n.matches tr.illegal td { color: #a33; }\n</style>\n";
  out += fmt::format("<details><summary>{} — transcripts</summary>\n", html_escape(matches_summary_line(matches)));
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const auto& m = matches[i];
    std::string seats;
    for (std::size_t s = 0; s < m.players.size(); ++s)
      seats += fmt::format("{}{} ({})", s ? ", " : "", m.players[s], s < m.roles.size() ? m.roles[s] : "?");
    out += fmt::format("<details><summary><code>{}</code>: {} — {} [{}]: {}</summary>\n", html_escape(m.id),
                       html_escape(seats), html_escape(m.status), html_escape(scores_text(m.scores)),
                       html_escape(reason_of(m)));
    if (i >= max_transcripts) {
      out += "<p class=\"empty\">Transcript left out of this report: <code>gauntlet export --matches</code> has it.</p>\n";
    } else {
      out += "<table>\n<thead><tr><th class=\"num\">#</th><th>role</th><th>player</th><th class=\"num\">try</th>"
             "<th>move / output</th><th>not accepted because</th></tr></thead>\n<tbody>\n";
      for (const auto& t : turns(m.id)) {
        const bool rejected = !t.legal;
        std::string why = t.reason.empty() ? t.error : t.reason;
        out += fmt::format(
            "<tr{}><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"text\">{}</td>"
            "<td class=\"text\">{}</td></tr>\n",
            rejected ? " class=\"illegal\"" : "", t.turn_index, html_escape(t.role), html_escape(t.player), t.attempt,
            html_escape(cut(turn_text(t))), rejected ? html_escape(cut(why)) : "");
      }
      out += "</tbody>\n</table>\n";
    }
    out += "</details>\n";
  }
  out += "</details>\n</section>\n";
  return out;
}

}  // namespace gauntlet::harness
