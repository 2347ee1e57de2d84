#pragma once
// MatchRunner: plays one scheduled match to the end and records it. Model players see the game's
// observation and answer in free text; an unreadable or illegal move is re-prompted with the reason
// (TextArena style), within a per-turn budget that resets after a valid move and a cumulative cap
// per match; exceeding either, or answering slower than the move time limit too often, forfeits.
// Every attempt is committed as a turn the moment it happens; the match row is written at the end.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "games/bot.h"
#include "harness/tournament/match_schedule.h"
#include "harness/clients/model_client.h"
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
  MatchRunner(Store& store, const MatchRules& rules, std::string tournament, std::int64_t run_id);

  // Plays the match. Returns nullopt when `stop` was raised before it ended (nothing is recorded
  // as finished; a later run replays it). Throws games::GameConfigError on bad game options.
  std::optional<MatchRecord> play(const ScheduledMatch& match, std::vector<SeatPlayer>& seats,
                                  const std::atomic<bool>* stop);

 private:
  Store& store_;
  MatchRules rules_;
  std::string tournament_;
  std::int64_t run_id_;
};

// The messages a model player is sent for its first attempt at a turn.
std::vector<ChatMessage> move_prompt(const std::string& game, const std::string& role, const std::string& observation);

}  // namespace gauntlet::harness
