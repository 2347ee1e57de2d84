#pragma once
// StockfishBot: plays chess through a stockfish process over UCI at a chosen skill level. Options
// {"skill": 0..20 (default 20), "movetime_ms": N (default 50), "depth": N (optional), "path":
// "/usr/games/stockfish"}. With skill 20 and "depth" its moves are reproducible; otherwise stockfish's
// own timing and skill randomness make them vary between runs (the seed cannot fix them).
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "games/bot.h"
#include "games/uci_engine.h"

namespace gauntlet::games {

class StockfishBot : public Bot {
 public:
  // Throws GameConfigError for bad options or a missing / non-UCI binary.
  explicit StockfishBot(const nlohmann::json& options);
  std::string name() const override;
  // `game` must be a ChessGame; the engine sees the full move list (so it knows repetitions).
  std::string choose_move(const Game& game) override;

 private:
  int skill_ = 20;
  int movetime_ms_ = 50;
  int depth_ = 0;
  std::string path_ = "/usr/games/stockfish";
  std::unique_ptr<UciEngine> engine_;
};

}  // namespace gauntlet::games
