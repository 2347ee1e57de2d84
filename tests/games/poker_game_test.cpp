#include "games/poker_game.h"

#include <random>

#include <gtest/gtest.h>

#include "games/bot.h"

namespace gauntlet::games {
namespace {

PokerGame make(nlohmann::json options, std::uint64_t seed = 1) { return PokerGame(PokerOptions::from_json(options), seed); }

void play(PokerGame& g, std::initializer_list<const char*> moves) {
  for (const char* m : moves) {
    Legality l = g.apply(m);
    ASSERT_TRUE(l.legal) << m << ": " << l.reason;
  }
}

TEST(PokerGame, HeadsUpButtonPostsSmallBlindAndActsFirstPreflop) {
  auto g = make({{"players", 2}});
  EXPECT_EQ(g.button(), 0);
  EXPECT_EQ(g.round_bet(0), 5);
  EXPECT_EQ(g.round_bet(1), 10);
  EXPECT_EQ(g.to_move(), 0);
  EXPECT_EQ(g.to_call(), 5);
  play(g, {"call"});
  EXPECT_EQ(g.to_move(), 1);  // big blind option
  play(g, {"check"});
  EXPECT_EQ(g.street(), PokerGame::Flop);
  EXPECT_EQ(g.board().size(), 3u);
  EXPECT_EQ(g.to_move(), 1);  // big blind first after the flop
  play(g, {"check", "check", "check", "check", "check", "check"});
  EXPECT_EQ(g.hand_number(), 2);
  EXPECT_EQ(g.button(), 1);  // rotated: seat 1 now posts the small blind and acts first
  EXPECT_EQ(g.round_bet(1), 5);
  EXPECT_EQ(g.to_move(), 1);
  EXPECT_EQ(g.total_chips(), 2000);
}

TEST(PokerGame, ThreeHandedOrder) {
  auto g = make({{"players", 3}});
  EXPECT_EQ(g.round_bet(1), 5);
  EXPECT_EQ(g.round_bet(2), 10);
  EXPECT_EQ(g.to_move(), 0);  // left of the big blind
  play(g, {"call", "call", "check"});
  EXPECT_EQ(g.to_move(), 1);  // small blind first after the flop
}

TEST(PokerGame, MinRaiseRule) {
  auto g = make({{"players", 2}});
  std::string reason;
  EXPECT_FALSE(g.parse_move("raise 15", &reason));  // must add at least the big blind
  EXPECT_NE(reason.find("minimum raise is to 20"), std::string::npos) << reason;
  play(g, {"raise 30"});  // a raise of 20
  EXPECT_EQ(g.min_raise_to(), 50);
  EXPECT_FALSE(g.apply("raise 45").legal);
  EXPECT_FALSE(g.parse_move("raise 30", &reason));  // not above the current bet
  play(g, {"raise 50"});
  EXPECT_EQ(g.min_raise_to(), 70);
  play(g, {"call"});
  // Postflop the minimum bet is the big blind.
  EXPECT_FALSE(g.apply("bet 5").legal);
  EXPECT_EQ(*g.parse_move("bet 10", &reason), "bet 10");
}

TEST(PokerGame, ShortAllInDoesNotReopenBetting) {
  // Button 0, small blind 1, big blind 2 (130 chips in all).
  auto g = make({{"stacks", {1000, 1000, 130}}});
  play(g, {"raise 100", "call"});  // a full raise of 90 and a call
  EXPECT_EQ(g.to_move(), 2);
  play(g, {"all-in"});  // to 130: a raise of 30, short of 90
  EXPECT_EQ(g.to_move(), 0);
  EXPECT_FALSE(g.can_raise());
  EXPECT_EQ(g.legal_moves(), (std::vector<std::string>{"fold", "call"}));
  std::string reason;
  EXPECT_FALSE(g.parse_move("raise 300", &reason));
  EXPECT_NE(reason.find("not reopened"), std::string::npos) << reason;
  EXPECT_FALSE(g.parse_move("all-in", &reason));
  play(g, {"call", "call"});
  EXPECT_EQ(g.street(), PokerGame::Flop);
  EXPECT_EQ(g.pot(), 390);
}

TEST(PokerGame, AccumulatedShortAllInsReopenWhenTheyMakeAFullRaise) {
  // Button 0, small blind 1, big blind 2; seats 3 and 4 are short.
  auto g = make({{"stacks", {1000, 1000, 1000, 150, 210}}});
  play(g, {"call", "call", "raise 100", "fold", "fold"});  // seat 0 raises by 90
  play(g, {"all-in"});                                      // seat 3 to 150: +50, short
  play(g, {"all-in"});                                      // seat 4 to 210: +60, short
  ASSERT_EQ(g.to_move(), 0);
  EXPECT_TRUE(g.can_raise());  // 110 more than when seat 0 acted: at least a full raise of 90
  EXPECT_EQ(g.min_raise_to(), 300);
}

TEST(PokerGame, SidePotsWithThreeAllInsOfDifferentSizes) {
  // Seats 0..3 hold AA, KK, QQ, 65 on a dry board; stacks 100, 200, 300, 1000.
  auto g = make({{"stacks", {100, 200, 300, 1000}}, {"hands", 1},
                 {"deck", "As Ah Ks Kh Qs Qh 5c 6d 2c 7d 9h Js 4s"}});
  EXPECT_EQ(g.to_move(), 3);
  play(g, {"all-in", "all-in", "all-in", "all-in"});
  ASSERT_TRUE(g.outcome().finished);
  // Main pot 4 x 100 to AA; side pot 3 x 100 to KK; side pot 2 x 100 to QQ; 700 uncalled back.
  EXPECT_EQ(g.outcome().scores, (std::vector<double>{400, 300, 200, 700}));
}

TEST(PokerGame, SidePotWonByShortStackOnlyWinsItsShare) {
  // Shortest stack has the best hand; the two bigger stacks split the rest by their own hands.
  auto g = make({{"stacks", {50, 300, 300, 500}}, {"hands", 1},
                 {"deck", "As Ah 5c 6d Ks Kh Qs Qh 2c 7d 9h Js 4s"}});
  play(g, {"all-in", "all-in", "all-in", "call"});
  ASSERT_TRUE(g.outcome().finished);
  // Main 200 -> seat 0; side (300-50) x 3 = 750 -> seat 2 (KK); seat 3 had 500, called 300: 200 left.
  EXPECT_EQ(g.outcome().scores, (std::vector<double>{200, 0, 750, 200}));
}

TEST(PokerGame, SplitPotOddChipGoesLeftOfButton) {
  // Button 0; seat 1 folds its small blind; seats 0 and 2 tie with the same straight: pot 25.
  auto g = make({{"players", 3}, {"hands", 1}, {"deck", "Tc 3c 5d 6d Th 4h As Ks Qs Js 2d"}});
  play(g, {"call", "fold", "check"});
  for (int i = 0; i < 6; ++i) play(g, {"check"});
  ASSERT_TRUE(g.outcome().finished);
  EXPECT_EQ(g.outcome().scores, (std::vector<double>{1002, 995, 1003}));
}

TEST(PokerGame, TolerantParsing) {
  auto g = make({{"players", 2}});
  std::string reason;
  EXPECT_EQ(*g.parse_move("I'll raise to 120", &reason), "raise 120");
  EXPECT_EQ(*g.parse_move("Raise by 50.", &reason), "raise 60");
  EXPECT_EQ(*g.parse_move("**CALL**", &reason), "call");
  EXPECT_EQ(*g.parse_move("I could call here, but...\nAction: fold", &reason), "fold");
  EXPECT_EQ(*g.parse_move("I'm going all in!", &reason), "all-in");
  EXPECT_EQ(*g.parse_move("raise 1,000", &reason), "all-in");
  EXPECT_EQ(*g.parse_move("I raise the bet to 40", &reason), "raise 40");
  EXPECT_FALSE(g.parse_move("call or raise 40?", &reason));
  EXPECT_NE(reason.find("several"), std::string::npos);
  EXPECT_FALSE(g.parse_move("hmm", &reason));
  EXPECT_FALSE(g.parse_move("check", &reason));
  EXPECT_NE(reason.find("to call"), std::string::npos);
  EXPECT_FALSE(g.parse_move("raise 5000", &reason));
  EXPECT_FALSE(g.parse_move("raise", &reason));
  play(g, {"call"});
  EXPECT_EQ(*g.parse_move("call", &reason), "check");  // nothing to call
  EXPECT_FALSE(g.parse_move("fold", &reason));          // folding a free check is refused
  for (const auto& m : g.legal_moves()) EXPECT_EQ(*g.parse_move(m, &reason), m);
}

TEST(PokerGame, SeededDeckIsReproducible) {
  auto a = make({{"players", 4}}, 42), b = make({{"players", 4}}, 42), c = make({{"players", 4}}, 43);
  EXPECT_EQ(a.state(), b.state());
  EXPECT_NE(a.state(), c.state());
}

TEST(PokerGame, OptionErrorsNameTheOption) {
  try {
    make({{"player", 3}});
    FAIL();
  } catch (const GameConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'player'"), std::string::npos);
  }
  EXPECT_THROW(make({{"players", 11}}), GameConfigError);
  EXPECT_THROW(make({{"small_blind", 20}, {"big_blind", 10}}), GameConfigError);
  EXPECT_THROW(make({{"deck", "As As"}}), GameConfigError);
  EXPECT_THROW(make({{"stacks", {100, 200}}, {"players", 3}}), GameConfigError);
}

TEST(PokerGame, ObservationShowsOnlyOwnHoleCards) {
  auto g = make({{"players", 3}, {"deck", "As Ah Ks Kh Qs Qh"}});
  std::string o = g.observation(1);
  EXPECT_NE(o.find("Your hole cards: Ks Kh"), std::string::npos) << o;
  EXPECT_EQ(o.find("As Ah"), std::string::npos);
  EXPECT_EQ(o.find("Qs Qh"), std::string::npos);
  EXPECT_NE(g.observation(0).find("Legal actions"), std::string::npos);
}

TEST(PokerGame, ChipsConservedInRandomGames) {
  std::mt19937_64 rng(5);
  int finished_early = 0;
  for (int game = 0; game < 600; ++game) {
    int players = 2 + game % 5;
    nlohmann::json options = {{"players", players}, {"hands", 20}, {"stack", 200 + 50 * (game % 4)}};
    if (game % 3 == 0) {
      options.erase("stack");
      std::vector<int> stacks;
      for (int i = 0; i < players; ++i) stacks.push_back(20 + static_cast<int>(rng() % 400));
      options["stacks"] = stacks;
    }
    auto g = make(options, static_cast<std::uint64_t>(game));
    const int total = g.total_chips();
    std::vector<std::unique_ptr<Bot>> bots;
    for (int i = 0; i < players; ++i) bots.push_back(make_bot("random", "poker", {}, static_cast<std::uint64_t>(game * 10 + i)));
    int moves = 0;
    while (g.to_move() >= 0) {
      std::string m = bots[static_cast<std::size_t>(g.to_move())]->choose_move(g);
      Legality l = g.apply(m);
      ASSERT_TRUE(l.legal) << m << ": " << l.reason << "\n" << g.state();
      ASSERT_EQ(g.total_chips(), total) << g.state();
      for (int i = 0; i < players; ++i) ASSERT_GE(g.stack(i), 0);
      ASSERT_LT(++moves, 100000);
    }
    double sum = 0;
    for (double s : g.outcome().scores) sum += s;
    ASSERT_EQ(sum, total);
    finished_early += g.hand_number() < 20;
  }
  EXPECT_GT(finished_early, 0);
}

}  // namespace
}  // namespace gauntlet::games
