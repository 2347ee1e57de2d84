#include "games/liars_dice_game.h"

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "games/bot.h"

namespace gauntlet::games {
namespace {

using Bid = LiarsDiceGame::Bid;

LiarsDiceGame make(nlohmann::json options, std::uint64_t seed = 1) {
  return LiarsDiceGame(LiarsDiceOptions::from_json(options), seed);
}

int manual_count(const LiarsDiceGame& g, int face, bool wild) {
  int n = 0;
  for (int p = 0; p < g.options().players; ++p)
    for (int d : g.dice(p)) n += d == face || (wild && face != 1 && d == 1);
  return n;
}

TEST(LiarsDice, BidOrdering) {
  EXPECT_TRUE(LiarsDiceGame::outbids({3, 2}, {2, 6}));   // more dice, any face
  EXPECT_TRUE(LiarsDiceGame::outbids({2, 5}, {2, 4}));   // same quantity, higher face
  EXPECT_FALSE(LiarsDiceGame::outbids({2, 4}, {2, 4}));
  EXPECT_FALSE(LiarsDiceGame::outbids({2, 3}, {2, 4}));
  EXPECT_FALSE(LiarsDiceGame::outbids({1, 6}, {2, 4}));  // ZeroSumEval accepted this; we do not
  auto g = make({});
  ASSERT_TRUE(g.apply("[Bid] 2 4").legal);
  Legality l = g.apply("[Bid] 1 6");
  EXPECT_FALSE(l.legal);
  EXPECT_NE(l.reason.find("does not raise"), std::string::npos) << l.reason;
  EXPECT_FALSE(g.apply("[Bid] 2 4").legal);
  EXPECT_FALSE(g.apply("[Bid] 2 7").legal);   // no such face
  EXPECT_FALSE(g.apply("[Bid] 11 6").legal);  // only 10 dice
  EXPECT_EQ(g.to_move(), 1);
  EXPECT_TRUE(g.apply("[Bid] 2 5").legal);
  EXPECT_EQ(g.to_move(), 0);
  for (const auto& m : g.legal_moves()) {
    std::string reason;
    EXPECT_EQ(*g.parse_move(m, &reason), m);
  }
  EXPECT_EQ(g.legal_moves().front(), "[Call]");
  EXPECT_EQ(g.legal_moves()[1], "[Bid] 2 6");
}

TEST(LiarsDice, CallResolution) {
  for (bool wild : {false, true}) {
    for (std::uint64_t seed = 0; seed < 40; ++seed) {
      for (int face : {1, 3, 6}) {
        for (int extra : {0, 1}) {  // bid exactly the count (holds) or one more (false)
          auto g = make({{"ones_wild", wild}}, seed);
          int count = manual_count(g, face, wild);
          ASSERT_EQ(g.count_matching(face), count);
          int q = count + extra;
          if (q < 1 || q > 10) continue;
          ASSERT_TRUE(g.apply("[Bid] " + std::to_string(q) + " " + std::to_string(face)).legal);
          ASSERT_TRUE(g.apply("[Call]").legal);
          // The loser (caller = seat 1 when the bid holds, else the bidder seat 0) lost a die.
          int loser = extra == 0 ? 1 : 0;
          EXPECT_EQ(g.dice(loser).size(), 4u);
          EXPECT_EQ(g.dice(1 - loser).size(), 5u);
          EXPECT_EQ(g.to_move(), loser);  // the loser opens the next round
          EXPECT_EQ(g.round(), 2);
        }
      }
    }
  }
}

TEST(LiarsDice, WildOnesCountForOtherFacesOnly) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    auto plain = make({}, seed), wild = make({{"ones_wild", true}}, seed);
    EXPECT_EQ(wild.count_matching(4), plain.count_matching(4) + plain.count_matching(1));
    EXPECT_EQ(wild.count_matching(1), plain.count_matching(1));
  }
}

TEST(LiarsDice, CallWithoutBidIsIllegal) {
  auto g = make({});
  Legality l = g.apply("[Call]");
  EXPECT_FALSE(l.legal);
  EXPECT_NE(l.reason.find("no bid"), std::string::npos);
}

TEST(LiarsDice, DiceLossAndEliminationOrder) {
  auto g = make({{"players", 3}, {"dice", 1}});
  // Each round: bid 3 of the most... bid quantity 3 of face 1 is false unless all three show 1.
  std::vector<int> eliminated;
  while (g.to_move() >= 0) {
    int bidder = g.to_move();
    int face = g.dice(bidder)[0];
    int q = g.total_dice();
    bool holds = g.count_matching(face) >= q;
    ASSERT_TRUE(g.apply(fmt::format("[Bid] {} {}", q, face)).legal);
    int caller = g.to_move();
    ASSERT_TRUE(g.apply("[Call]").legal);
    eliminated.push_back(holds ? caller : bidder);
  }
  ASSERT_EQ(eliminated.size(), 2u);
  auto o = g.outcome();
  EXPECT_TRUE(o.finished);
  EXPECT_EQ(o.reason, "last player with dice");
  EXPECT_EQ(o.scores[static_cast<std::size_t>(eliminated[0])], 0.0);
  EXPECT_EQ(o.scores[static_cast<std::size_t>(eliminated[1])], 1.0);
  EXPECT_EQ(o.scores[static_cast<std::size_t>(3 - eliminated[0] - eliminated[1])], 2.0);
}

TEST(LiarsDice, EliminatedPlayersAreSkipped) {
  auto g = make({{"players", 3}, {"dice", 2}}, 3);
  int guard = 0;
  while (g.to_move() >= 0 && ++guard < 100) {
    int me = g.to_move();
    EXPECT_FALSE(g.dice(me).empty());
    ASSERT_TRUE(g.apply(g.current_bid().quantity ? "[Call]" : "[Bid] 1 2").legal);
  }
  EXPECT_TRUE(g.outcome().finished);
}

TEST(LiarsDice, SingleRoundMode) {
  auto g = make({{"mode", "single_round"}}, 9);
  int count = g.count_matching(6);
  ASSERT_TRUE(g.apply(fmt::format("[Bid] {} 6", count + 1)).legal);
  ASSERT_TRUE(g.apply("[Call]").legal);
  auto o = g.outcome();
  EXPECT_TRUE(o.finished);
  EXPECT_EQ(o.scores, (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(g.to_move(), -1);
}

TEST(LiarsDice, SeededRollsAreReproducible) {
  auto a = make({{"players", 4}}, 77), b = make({{"players", 4}}, 77), c = make({{"players", 4}}, 78);
  EXPECT_EQ(a.state(), b.state());
  EXPECT_NE(a.state(), c.state());
  ASSERT_TRUE(a.apply("[Bid] 1 1").legal && b.apply("[Bid] 1 1").legal);
  ASSERT_TRUE(a.apply("[Call]").legal && b.apply("[Call]").legal);
  EXPECT_EQ(a.state(), b.state());
}

TEST(LiarsDice, TolerantParsing) {
  auto g = make({});
  std::string reason;
  EXPECT_EQ(*g.parse_move("[Bid] 3 5", &reason), "[Bid] 3 5");
  EXPECT_EQ(*g.parse_move("my answer: [bid] 2 4.", &reason), "[Bid] 2 4");
  EXPECT_EQ(*g.parse_move("[BID: 2 4]", &reason), "[Bid] 2 4");
  EXPECT_EQ(*g.parse_move("I bid three fives", &reason), "[Bid] 3 5");
  EXPECT_EQ(*g.parse_move("bid 4 x 2s", &reason), "[Bid] 4 2");
  EXPECT_EQ(*g.parse_move("Maybe [Bid] 2 2? No: [Bid] 3 3", &reason), "[Bid] 3 3");
  EXPECT_FALSE(g.parse_move("[Bid] three", &reason));
  EXPECT_FALSE(g.parse_move("pass", &reason));
  EXPECT_NE(reason.find("[Bid] q f"), std::string::npos);
  ASSERT_TRUE(g.apply("[Bid] 2 4").legal);
  EXPECT_EQ(*g.parse_move("You're a liar! [Call]", &reason), "[Call]");
  EXPECT_EQ(*g.parse_move("I call", &reason), "[Call]");
  EXPECT_FALSE(g.parse_move("I bid 3 4 or call", &reason));
}

TEST(LiarsDice, ObservationShowsOwnDiceOnly) {
  auto g = make({{"players", 3}}, 11);
  std::string mine;
  for (int d : g.dice(1)) mine += (mine.empty() ? "" : " ") + std::to_string(d);
  std::string o = g.observation(1);
  EXPECT_NE(o.find("Your dice: " + mine + "\n"), std::string::npos) << o;
  EXPECT_NE(o.find("total 15"), std::string::npos);
  EXPECT_EQ(o.find("Your move"), std::string::npos);  // not its turn
  EXPECT_NE(g.observation(0).find("open with [Bid] q f"), std::string::npos);
  ASSERT_TRUE(g.apply("[Bid] 2 3").legal);
  EXPECT_NE(g.observation(1).find("q > 2 (any face) or q = 2 and f > 3"), std::string::npos);
}

TEST(LiarsDice, OptionErrorsNameTheOption) {
  try {
    make({{"dice_per_player", 3}});
    FAIL();
  } catch (const GameConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'dice_per_player'"), std::string::npos);
  }
  EXPECT_THROW(make({{"players", 9}}), GameConfigError);
  EXPECT_THROW(make({{"mode", "best_of_3"}}), GameConfigError);
  EXPECT_THROW(make({{"ones_wild", 1}}), GameConfigError);
}

TEST(LiarsDice, RandomGamesAlwaysFinish) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    int players = 2 + static_cast<int>(seed % 7);
    auto g = make({{"players", players}, {"dice", 1 + static_cast<int>(seed % 5)}, {"ones_wild", seed % 2 == 0}}, seed);
    auto bot = make_bot("random", "liars_dice", {}, seed);
    int guard = 0;
    while (g.to_move() >= 0) {
      ASSERT_TRUE(g.apply(bot->choose_move(g)).legal);
      ASSERT_LT(++guard, 100000);
    }
    auto scores = g.outcome().scores;
    std::sort(scores.begin(), scores.end());
    for (int i = 0; i < players; ++i) EXPECT_EQ(scores[static_cast<std::size_t>(i)], i);
  }
}

}  // namespace
}  // namespace gauntlet::games
