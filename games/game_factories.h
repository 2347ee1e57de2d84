#pragma once
// Constructors of each game and bot, implemented in their own files and dispatched by name in
// game_registry.cpp. Internal to games/.
#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "games/bot.h"
#include "games/game.h"

namespace gauntlet::games {

std::unique_ptr<Game> make_chess_game(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Game> make_liars_dice_game(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Game> make_poker_game(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Game> make_mathquiz_game(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Game> make_pyjail_game(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Game> make_gandalf_game(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Game> make_debate_game(const nlohmann::json& options, std::uint64_t seed);

std::unique_ptr<Bot> make_random_bot(std::uint64_t seed);
std::unique_ptr<Bot> make_stockfish_bot(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Bot> make_liars_dice_heuristic_bot(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Bot> make_poker_heuristic_bot(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Bot> make_mathquiz_heuristic_bot(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Bot> make_pyjail_heuristic_bot(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Bot> make_gandalf_heuristic_bot(const nlohmann::json& options, std::uint64_t seed);
std::unique_ptr<Bot> make_debate_heuristic_bot(const nlohmann::json& options, std::uint64_t seed);

}  // namespace gauntlet::games
