#include "games/game_options.h"

#include <fmt/format.h>

namespace gauntlet::games {

int int_option(const nlohmann::json& options, const char* game, const char* key, int fallback, int lo, int hi) {
  if (!options.contains(key)) return fallback;
  const auto& v = options.at(key);
  if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
    throw GameConfigError(fmt::format("{}: option '{}' must be an integer in {}..{}", game, key, lo, hi));
  return v.get<int>();
}

}  // namespace gauntlet::games
