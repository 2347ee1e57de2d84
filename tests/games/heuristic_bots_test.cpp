// The heuristic bots beat uniformly random bots, clearly, and never make an illegal move.
#include <cstdio>
#include <stdexcept>

#include <gtest/gtest.h>

#include "games/bot.h"
#include "games/game.h"

namespace gauntlet::games {
namespace {

// Heuristic in seat `seat` of a two-player game against random; its score minus random's.
double play_pair(const std::string& game_name, const nlohmann::json& options, std::uint64_t seed, int seat) {
  auto g = make_game(game_name, options, seed);
  std::vector<std::unique_ptr<Bot>> bots(2);
  bots[static_cast<std::size_t>(seat)] = make_bot("heuristic", game_name, {}, seed);
  bots[static_cast<std::size_t>(1 - seat)] = make_bot("random", game_name, {}, seed + 1);
  while (g->to_move() >= 0) {
    auto& bot = bots[static_cast<std::size_t>(g->to_move())];
    std::string m = bot->choose_move(*g);
    Legality l = g->apply(m);
    if (!l.legal) throw std::logic_error(bot->name() + " played illegal " + m + ": " + l.reason);
  }
  auto s = g->outcome().scores;
  return s[static_cast<std::size_t>(seat)] - s[static_cast<std::size_t>(1 - seat)];
}

TEST(HeuristicBots, LiarsDiceBeatsRandom) {
  int wins = 0, games = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed)
    for (int seat : {0, 1}) {
      wins += play_pair("liars_dice", {}, seed, seat) > 0;
      ++games;
    }
  std::printf("liars_dice heuristic vs random: %d/%d\n", wins, games);
  EXPECT_GT(wins, games * 8 / 10);
}

TEST(HeuristicBots, PokerBeatsRandom) {
  int wins = 0, games = 0;
  for (std::uint64_t seed = 0; seed < 100; ++seed)
    for (int seat : {0, 1}) {
      wins += play_pair("poker", {{"hands", 30}}, seed, seat) > 0;
      ++games;
    }
  std::printf("poker heuristic vs random: %d/%d\n", wins, games);
  EXPECT_GT(wins, games * 65 / 100);  // 130/200 is 4 standard deviations above a coin flip
}

TEST(HeuristicBots, PokerMultiwayNeverIllegal) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    int players = 3 + static_cast<int>(seed % 4);
    auto g = make_game("poker", {{"players", players}, {"hands", 10}}, seed);
    std::vector<std::unique_ptr<Bot>> bots;
    for (int i = 0; i < players; ++i) bots.push_back(make_bot(i % 2 ? "random" : "heuristic", "poker", {}, seed * 7 + static_cast<std::uint64_t>(i)));
    while (g->to_move() >= 0) {
      std::string m = bots[static_cast<std::size_t>(g->to_move())]->choose_move(*g);
      ASSERT_TRUE(g->apply(m).legal) << m;
    }
  }
}

TEST(HeuristicBots, RejectUnknownOptions) {
  EXPECT_THROW(make_bot("heuristic", "poker", {{"aggression", 2}}, 1), GameConfigError);
  EXPECT_THROW(make_bot("heuristic", "liars_dice", {{"x", 1}}, 1), GameConfigError);
  EXPECT_THROW(make_game("liars_dice", {{"bogus", 1}}, 1), GameConfigError);
}

}  // namespace
}  // namespace gauntlet::games
