#pragma once
// Bot: a built-in player (random mover, heuristics, stockfish). Chooses a canonical move for the
// role to move; deterministic given its seed and the game state.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "games/game.h"

namespace gauntlet::games {

class Bot {
 public:
  virtual ~Bot() = default;
  virtual std::string name() const = 0;
  // Must return a move that game.apply() accepts. Throws std::runtime_error if it cannot (e.g. the
  // stockfish process died), which a match records as a forfeit of this bot.
  virtual std::string choose_move(const Game& game) = 0;
};

// Kinds: "random" (games with enumerable moves: chess, liars_dice, poker), "heuristic" (every
// game but chess: heuristics for dice and poker, scripted players for mathquiz, pyjail, gandalf
// and debate), "stockfish" (chess; options: {"skill": 0..20, "movetime_ms": N, "path":
// "/usr/games/stockfish"}). Throws GameConfigError.
// Whether a bot kind has a strategy for a game.
bool bot_supports(const std::string& kind, const std::string& game);

std::unique_ptr<Bot> make_bot(const std::string& kind, const std::string& game, const nlohmann::json& options,
                              std::uint64_t seed);

}  // namespace gauntlet::games
