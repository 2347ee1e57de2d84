#include "games/stockfish_bot.h"

#include <stdexcept>

#include <fmt/format.h>

#include "games/chess_game.h"
#include "games/chess_notation.h"
#include "games/game_factories.h"

namespace gauntlet::games {
namespace {

int int_option(const nlohmann::json& value, const std::string& key, int lo, int hi) {
  if (!value.is_number_integer() || value.get<long long>() < lo || value.get<long long>() > hi)
    throw GameConfigError(fmt::format("bot 'stockfish': option '{}' must be an integer from {} to {}", key, lo, hi));
  return value.get<int>();
}

}  // namespace

StockfishBot::StockfishBot(const nlohmann::json& options) {
  bool movetime_given = false;
  for (const auto& [key, value] : options.items()) {
    if (key == "skill") {
      skill_ = int_option(value, key, 0, 20);
    } else if (key == "movetime_ms") {
      movetime_ms_ = int_option(value, key, 1, 600000);
      movetime_given = true;
    } else if (key == "depth") {
      depth_ = int_option(value, key, 1, 60);
    } else if (key == "path") {
      if (!value.is_string() || value.get<std::string>().empty())
        throw GameConfigError("bot 'stockfish': option 'path' must be a non-empty string");
      path_ = value.get<std::string>();
    } else {
      throw GameConfigError(
          fmt::format("bot 'stockfish': unknown option '{}' (valid: skill, movetime_ms, depth, path)", key));
    }
  }
  if (depth_ > 0 && !movetime_given) movetime_ms_ = 0;
  engine_ = std::make_unique<UciEngine>(path_);
  try {
    engine_->set_option("Threads", "1");
    engine_->set_option("Hash", "16");
    engine_->set_option("Skill Level", std::to_string(skill_));
    engine_->sync();
  } catch (const std::runtime_error& e) {
    throw GameConfigError(fmt::format("bot 'stockfish': {}", e.what()));
  }
}

std::string StockfishBot::name() const { return fmt::format("stockfish(skill={})", skill_); }

std::string StockfishBot::choose_move(const Game& game) {
  const auto* chess_game = dynamic_cast<const ChessGame*>(&game);
  if (!chess_game) throw std::runtime_error(fmt::format("stockfish bot cannot play '{}'", game.name()));
  if (game.to_move() < 0) throw std::runtime_error("stockfish bot: the game is over");
  std::string position = "position fen " + chess_game->start_fen();
  if (!chess_game->moves().empty()) {
    position += " moves";
    for (chess::Move m : chess_game->moves()) position += " " + chess::to_uci(m);
  }
  engine_->send(position);
  std::string go = "go";
  if (depth_ > 0) go += fmt::format(" depth {}", depth_);
  if (movetime_ms_ > 0) go += fmt::format(" movetime {}", movetime_ms_);
  engine_->send(go);
  // Depth-only searches get a generous but finite limit; timed ones a few seconds of slack.
  const auto limit = std::chrono::milliseconds(movetime_ms_ > 0 ? movetime_ms_ + 10000 : 120000);
  std::string line;
  try {
    line = engine_->read_until("bestmove", limit);
  } catch (const std::runtime_error&) {
    try {  // leave the engine idle for the next request, if it still answers
      engine_->send("stop");
      engine_->read_until("bestmove", std::chrono::seconds(2));
    } catch (const std::runtime_error&) {
    }
    throw;
  }
  std::string move = line.substr(std::string_view("bestmove").size());
  move = move.substr(move.find_first_not_of(' ') == std::string::npos ? move.size() : move.find_first_not_of(' '));
  move = move.substr(0, move.find(' '));
  std::string reason;
  auto parsed = game.parse_move(move, &reason);
  if (!parsed) throw std::runtime_error(fmt::format("stockfish answered '{}', not a legal move: {}", line, reason));
  return *parsed;
}

std::unique_ptr<Bot> make_stockfish_bot(const nlohmann::json& options, std::uint64_t /*seed*/) {
  return std::make_unique<StockfishBot>(options);
}

}  // namespace gauntlet::games
