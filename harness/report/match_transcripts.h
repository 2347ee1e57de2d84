#pragma once
// Tournament matches in `gauntlet report`: per game label, every match (players, status, scores,
// how it ended) and, in HTML, its transcript folded under it (each turn: who, what they played
// or the check and its result, legal or why not; long texts cut). The whole transcript, prompts
// included, is `gauntlet export --matches` (JSON lines). Pure functions of their input.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/store/match_store.h"

namespace gauntlet::harness {

using TurnsOf = std::function<std::vector<TurnRecord>(const std::string& match_id)>;

// [{"id", "players", "roles", "status", "scores", "reason"}] in the given order.
nlohmann::ordered_json matches_summary_json(const std::vector<MatchRecord>& matches);

// One line: "12 matches (10 finished, 1 forfeit, 1 error)".
std::string matches_summary_line(const std::vector<MatchRecord>& matches);

// An HTML fragment: a table of the matches, each with its transcript in a <details> (the first
// `max_transcripts` matches; the rest name the export command). No scripts.
std::string render_matches_html(const std::vector<MatchRecord>& matches, const TurnsOf& turns,
                                 std::size_t max_transcripts = 500);

}  // namespace gauntlet::harness
