#pragma once
// MatchStore: tournaments' matches (written once, when a match ends) and their turns (written as
// they happen; a match that never finished has its turns replaced when it is replayed).
#include <cstdint>
#include <string>
#include <vector>

#include "harness/clients/chat.h"

namespace gauntlet::harness {

class Database;

// One finished match of a tournament (written once, when it ends).
struct MatchRecord {
  std::string id;                    // stable key: tournament/game/round/seats
  std::string tournament;
  std::string game;
  int round = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> players;  // in seat (role) order
  std::vector<std::string> roles;
  std::string status;                // finished | forfeit | error (a referee failure: replayed by the next run)
  std::vector<double> scores;        // per seat, after forfeits are applied
  std::string result_json;           // reason, forfeits, plies, attempts and time per seat, final state
  std::int64_t run_id = 0;
  std::string started_at;
  std::string finished_at;           // set by the store when empty (a merge keeps the original)
};

// One model or bot action inside a match: every attempt is a turn, legal or not.
struct TurnRecord {
  std::string match_id;
  int turn_index = 0;      // 0.. over the whole match, attempts included
  int ply = 0;             // accepted moves before this one
  std::string role;
  std::string player;
  int attempt = 1;         // 1.. within this ply
  std::string prompt;      // the messages sent (JSON), "" for bots
  std::string raw_output;
  std::string reasoning;
  std::string parsed_move; // canonical move, "" when none could be read
  bool legal = false;
  std::string reason;      // why the move was rejected, or the forfeit reason
  Usage usage;
  double latency_s = 0.0;
  std::string error;       // transport error of the model request
  std::string state;       // game state before the move (FEN / JSON)
  std::string created_at;  // set by the store when empty (a merge keeps the original)
  std::string routing_json;  // engine routing summary (routing.trace on), "" otherwise
  std::string budget_json;   // the budget policy's record (Choice::budget), "" without a policy
};

class MatchStore {
 public:
  explicit MatchStore(Database& db) : db_(db) {}

  // Clears what an earlier attempt of the match left: the turns of an unfinished one, and the row
  // and turns of one that ended with status "error".
  void begin_match(const std::string& match_id);
  void put_turn(const TurnRecord& turn);
  void finish_match(const MatchRecord& match);
  std::vector<MatchRecord> matches(const std::string& tournament = "");  // "" = all
  std::vector<TurnRecord> turns(const std::string& match_id);

 private:
  Database& db_;
};

}  // namespace gauntlet::harness
