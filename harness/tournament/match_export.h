#pragma once
// Match export: one JSON object per line per stored match of a tournament, with its whole
// transcript (every turn: model attempts, bot moves and referee checks), streamed from the store.
#include <cstdint>
#include <ostream>

#include <nlohmann/json.hpp>

#include "harness/store/store.h"

namespace gauntlet::harness {

// Keys: id, tournament, game, round, seed, players, roles, status, scores, result (the stored
// result object: reason, forfeit, plies, turns, invalid_attempts, time_s, final_state, and error
// for a match that ended in one), run_id, started_at, finished_at, turns. Each turn: turn_index,
// ply, role ("referee" for checks), player, attempt, messages (the chat sent; null for bots and
// checks), check (a referee turn's {check, input}), raw_output (the model's answer, the bot's
// move, or a check's {result, details} as text), reasoning, parsed_move, legal, reason, error,
// usage {prompt_tokens, completion_tokens}, latency_s, state (JSON when the game's state is JSON,
// else its text, e.g. a FEN), created_at, and routing when stored.
nlohmann::json match_to_json(const MatchRecord& match, const std::vector<TurnRecord>& turns);

// Which matches to export; an empty field does not filter.
struct MatchFilter {
  std::string tournament;
  std::string game;      // the game's label in its tournament
  std::string match_id;
};

// Every match passing `filter`, in id order; returns the lines written.
std::int64_t export_matches(Store& store, std::ostream& out, const MatchFilter& filter = {});

}  // namespace gauntlet::harness
