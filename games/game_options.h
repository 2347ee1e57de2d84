#pragma once
// Reading a game's JSON options: a missing key gives the default, anything else must be valid or a
// GameConfigError names the game, the option and the allowed range.
#include <nlohmann/json.hpp>

#include "games/game.h"

namespace gauntlet::games {

int int_option(const nlohmann::json& options, const char* game, const char* key, int fallback, int lo, int hi);

}  // namespace gauntlet::games
