#pragma once
// TournamentConfig: a tournament file (YAML) naming players (models and built-in bots), judges
// (models, or the built-in text-statistics judge), the games they play and the match rules.
// Validated on load like suites: errors name file:line:key.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/clients/model_spec.h"
#include "harness/judges/judge_config.h"
#include "harness/clients/model_spec_reader.h"

namespace gauntlet::harness {

struct PlayerConfig {
  std::string name;
  std::string bot;                   // "random" | "heuristic" | "stockfish"; "" for a model player
  nlohmann::json bot_options = nlohmann::json::object();
  std::optional<ModelSpec> model;  // set for model players
};

struct GameEntry {
  std::string name;                  // label, unique in the tournament (default: the game)
  std::string game;                  // chess | liars_dice | poker | mathquiz | pyjail | gandalf | debate
  nlohmann::json options = nlohmann::json::object();
  int seats = 2;                     // players per match (options.players for dice and poker)
  int rounds = 1;                    // each seat rotation of each player set plays this many times
  std::vector<std::string> players;  // the players in this game (default: every player able to play it)
  std::vector<std::string> judges;   // judge names (debate: required; gandalf: iff options.judge)
  nlohmann::json rubric;             // debate: the judges' rubric (harness/judges/rubric.h); null = the default
};

struct MatchRules {
  int max_attempts_per_turn = 3;     // invalid moves allowed in one turn (resets after a valid move)
  int max_attempts_per_game = 10;    // invalid moves allowed per player over the whole match
  double move_timeout_s = 300.0;     // a slower answer counts as an invalid attempt
  int max_turns = 2000;              // safety cap on actions per match: adjudicated as a draw
};

struct TournamentConfig {
  std::filesystem::path path;
  std::string name;
  std::vector<PlayerConfig> players;
  std::vector<JudgeConfig> judges;
  std::vector<GameEntry> games;
  MatchRules rules;
  int concurrency = 4;               // matches played at once
  std::uint64_t seed = 1;
  double progress_interval_s = 30.0;

  const PlayerConfig& player(const std::string& name) const;
  const JudgeConfig& judge(const std::string& name) const;
};

// Throws ConfigError.
TournamentConfig load_tournament(const std::filesystem::path& path);

// What can be checked before a tournament writes anything: every bot starts for each game it plays
// (e.g. stockfish is installed), every model (player or judge) is loadable. Throws ConfigError naming it.
void check_players(const TournamentConfig& config);

}  // namespace gauntlet::harness
