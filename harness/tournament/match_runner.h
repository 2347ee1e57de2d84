#pragma once
// MatchRunner: plays one scheduled match to the end and records it. Model players see the game's
// observation and answer in free text (in conversational games each player keeps one conversation
// across the match); an unreadable or illegal move is re-prompted with the reason (TextArena
// style), within a per-turn budget that resets after a valid move and a cumulative cap per match;
// exceeding either, or answering slower than the move time limit too often, forfeits. Checks the
// game asks for (math answers, sandbox runs, judgements) go to the referee and are recorded as
// "referee" turns; a referee failure ends the match with status "error" (a later run replays it).
// Every attempt is committed as a turn the moment it happens; the match row is written at the end.
// Values of check secrets (a PyJail flag) are masked in everything recorded.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "games/bot.h"
#include "harness/tournament/match_schedule.h"
#include "harness/clients/model_client.h"
#include "harness/referee/referee.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

// One seat's player: a model (client + its config) or a bot.
struct SeatPlayer {
  std::string name;
  ModelClient* client = nullptr;
  const ModelSpec* model = nullptr;
  std::unique_ptr<games::Bot> bot;
};

class MatchRunner {
 public:
  // `referee` answers the games' checks (null: a game that asks for one ends in an error).
  MatchRunner(Store& store, const MatchRules& rules, std::string tournament, std::int64_t run_id,
              const Referee* referee = nullptr);

  // Plays the match. Returns nullopt when `stop` was raised before it ended (nothing is recorded
  // as finished; a later run replays it). `setup` holds the game entry's judges and rubric;
  // `replay` counts earlier attempts of this match that ended in an error. Throws
  // games::GameConfigError on bad game options.
  std::optional<MatchRecord> play(const ScheduledMatch& match, std::vector<SeatPlayer>& seats,
                                  const std::atomic<bool>* stop, const RefereeSetup& setup = {}, int replay = 0);

 private:
  Store& store_;
  MatchRules rules_;
  std::string tournament_;
  std::int64_t run_id_;
  const Referee* referee_;
};

// The messages a model player is sent for its first attempt at a turn.
std::vector<ChatMessage> move_prompt(const std::string& game, const std::string& role, const std::string& observation);

}  // namespace gauntlet::harness
