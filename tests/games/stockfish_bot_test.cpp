// StockfishBot and UciEngine: beats the random bot, clear errors, never hangs.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "games/bot.h"
#include "games/game.h"
#include "games/uci_engine.h"

namespace gauntlet::games {
namespace {

bool have_stockfish() { return std::filesystem::exists("/usr/games/stockfish"); }
#define REQUIRE_STOCKFISH() \
  ASSERT_TRUE(have_stockfish()) << "/usr/games/stockfish is missing: run scripts/setup.sh (Debian package 'stockfish')"

TEST(StockfishBot, BeatsTheRandomBot) {
  REQUIRE_STOCKFISH();
  int wins = 0, losses = 0;
  for (int game = 0; game < 3; ++game) {
    auto g = make_game("chess", {{"max_plies", 300}}, game);
    auto sf = make_bot("stockfish", "chess", {{"skill", 5}, {"movetime_ms", 20}}, game);
    auto rnd = make_bot("random", "chess", {}, game);
    const int sf_role = game % 2;
    while (g->to_move() >= 0) {
      Bot& bot = g->to_move() == sf_role ? *sf : *rnd;
      auto r = g->apply(bot.choose_move(*g));
      ASSERT_TRUE(r.legal) << r.reason;
    }
    auto o = g->outcome();
    wins += o.scores[sf_role] == 1.0;
    losses += o.scores[sf_role] == 0.0;
  }
  EXPECT_GE(wins, 2);
  EXPECT_EQ(losses, 0);
}

TEST(StockfishBot, ClearConfigErrors) {
  try {
    make_bot("stockfish", "chess", {{"path", "/nonexistent/stockfish"}}, 1);
    FAIL() << "missing binary accepted";
  } catch (const GameConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/stockfish"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("scripts/setup.sh"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make_bot("stockfish", "chess", {{"skill", 21}}, 1), GameConfigError);
  EXPECT_THROW(make_bot("stockfish", "chess", {{"movetime_ms", 0}}, 1), GameConfigError);
  EXPECT_THROW(make_bot("stockfish", "chess", {{"elo", 1500}}, 1), GameConfigError);
  EXPECT_THROW(make_bot("stockfish", "poker", {}, 1), GameConfigError);
}

TEST(StockfishBot, DepthModeAndFullHistory) {
  REQUIRE_STOCKFISH();
  auto g = make_game("chess", {{"fen", "7k/8/6K1/8/8/8/8/R7 w - - 0 1"}}, 1);
  auto sf = make_bot("stockfish", "chess", {{"depth", 6}}, 1);
  EXPECT_EQ(sf->choose_move(*g), "a1a8");
  ASSERT_TRUE(g->apply("a1a8").legal);
  EXPECT_EQ(g->outcome().reason, "checkmate");
  EXPECT_THROW(sf->choose_move(*g), std::runtime_error);
}

TEST(UciEngine, NeverHangsOnAnEngineThatDoesNotSpeakUci) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(UciEngine("/bin/cat", std::chrono::milliseconds(300)), GameConfigError);  // echoes, never "uciok"
  EXPECT_THROW(UciEngine("/bin/true", std::chrono::milliseconds(300)), GameConfigError);  // exits at once
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(UciEngine, ReadTimesOut) {
  REQUIRE_STOCKFISH();
  UciEngine engine("/usr/games/stockfish");
  EXPECT_FALSE(engine.id_name().empty());
  EXPECT_THROW(engine.read_until("never", std::chrono::milliseconds(100)), std::runtime_error);
  engine.sync();
}

}  // namespace
}  // namespace gauntlet::games
