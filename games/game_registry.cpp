#include <fmt/format.h>

#include "games/game_factories.h"

namespace gauntlet::games {

std::vector<std::string> game_names() {
  return {"chess", "liars_dice", "poker", "mathquiz", "pyjail", "gandalf", "debate"};
}

std::unique_ptr<Game> make_game(const std::string& name, const nlohmann::json& options, std::uint64_t seed) {
  const nlohmann::json& o = options.is_null() ? nlohmann::json::object() : options;
  if (!o.is_object()) throw GameConfigError(fmt::format("game '{}': options must be an object", name));
  if (name == "chess") return make_chess_game(o, seed);
  if (name == "liars_dice") return make_liars_dice_game(o, seed);
  if (name == "poker") return make_poker_game(o, seed);
  if (name == "mathquiz") return make_mathquiz_game(o, seed);
  if (name == "pyjail") return make_pyjail_game(o, seed);
  if (name == "gandalf") return make_gandalf_game(o, seed);
  if (name == "debate") return make_debate_game(o, seed);
  throw GameConfigError(
      fmt::format("unknown game '{}' (valid: chess, liars_dice, poker, mathquiz, pyjail, gandalf, debate)", name));
}

bool bot_supports(const std::string& kind, const std::string& game) {
  if (kind == "random") return game == "chess" || game == "liars_dice" || game == "poker";
  if (kind == "heuristic") return game != "chess";
  if (kind == "stockfish") return game == "chess";
  return false;
}

std::unique_ptr<Bot> make_bot(const std::string& kind, const std::string& game, const nlohmann::json& options,
                              std::uint64_t seed) {
  const nlohmann::json& o = options.is_null() ? nlohmann::json::object() : options;
  if (kind == "random") {
    if (!bot_supports(kind, game))
      throw GameConfigError(fmt::format("bot 'random' needs enumerable moves; '{}' is played in free text", game));
    return make_random_bot(seed);
  }
  if (kind == "stockfish") {
    if (game != "chess") throw GameConfigError(fmt::format("bot 'stockfish' plays chess, not '{}'", game));
    return make_stockfish_bot(o, seed);
  }
  if (kind == "heuristic") {
    if (game == "liars_dice") return make_liars_dice_heuristic_bot(o, seed);
    if (game == "poker") return make_poker_heuristic_bot(o, seed);
    if (game == "mathquiz") return make_mathquiz_heuristic_bot(o, seed);
    if (game == "pyjail") return make_pyjail_heuristic_bot(o, seed);
    if (game == "gandalf") return make_gandalf_heuristic_bot(o, seed);
    if (game == "debate") return make_debate_heuristic_bot(o, seed);
    throw GameConfigError(fmt::format(
        "bot 'heuristic' has no strategy for '{}' (liars_dice, poker, mathquiz, pyjail, gandalf, debate)", game));
  }
  throw GameConfigError(fmt::format("unknown bot '{}' (valid: random, heuristic, stockfish)", kind));
}

}  // namespace gauntlet::games
