// ChessGame: outcomes for every end rule from constructed positions, options, observation, apply.
#include <gtest/gtest.h>

#include "games/chess_game.h"
#include "games/game.h"

namespace gauntlet::games {
namespace {

std::unique_ptr<Game> chess(const nlohmann::json& options = nlohmann::json::object()) {
  return make_game("chess", options, 1);
}

void play(Game& g, std::initializer_list<const char*> moves) {
  for (const char* m : moves) {
    auto r = g.apply(m);
    ASSERT_TRUE(r.legal) << m << ": " << r.reason;
  }
}

void expect_draw(const Game& g, const std::string& reason) {
  auto o = g.outcome();
  EXPECT_TRUE(o.finished);
  EXPECT_EQ(o.scores, (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(o.reason, reason);
  EXPECT_EQ(g.to_move(), -1);
  EXPECT_TRUE(g.legal_moves().empty());
}

TEST(ChessGame, CheckmateScoresTheWinner) {
  auto g = chess();
  play(*g, {"f3", "e5", "g4"});
  EXPECT_FALSE(g->outcome().finished);
  play(*g, {"Qh4#"});
  auto o = g->outcome();
  EXPECT_TRUE(o.finished);
  EXPECT_EQ(o.reason, "checkmate");
  EXPECT_EQ(o.scores, (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(g->to_move(), -1);
  auto late = g->apply("e4");
  EXPECT_FALSE(late.legal);
  EXPECT_NE(late.reason.find("the game is over (checkmate)"), std::string::npos);

  auto w = chess({{"fen", "7k/8/6K1/8/8/8/8/R7 w - - 0 1"}});
  play(*w, {"Ra8"});
  EXPECT_EQ(w->outcome().scores, (std::vector<double>{1.0, 0.0}));
}

TEST(ChessGame, EveryDrawRule) {
  expect_draw(*chess({{"fen", "7k/5Q2/6K1/8/8/8/8/8 b - - 0 1"}}), "stalemate");
  for (const char* fen : {"8/8/8/4k3/8/8/8/4K3 w - - 0 1", "8/8/8/4k3/8/8/8/2B1K3 w - - 0 1",
                          "8/8/8/4k3/8/8/8/1N2K3 b - - 0 1", "5b2/8/8/4k3/8/8/8/2B1K3 w - - 0 1"})
    expect_draw(*chess({{"fen", fen}}), "insufficient material");
  // Insufficient material reached by a capture.
  auto capture = chess({{"fen", "8/8/8/4k3/8/8/3r4/4K3 w - - 0 1"}});
  play(*capture, {"Kxd2"});
  expect_draw(*capture, "insufficient material");

  // Fifty-move rule: automatic at 100 plies (FIDE: claimable), unless the last move mates.
  auto fifty = chess({{"fen", "4k3/8/8/8/8/8/4P3/R3K3 w - - 98 80"}});
  play(*fifty, {"Ra2"});
  EXPECT_FALSE(fifty->outcome().finished);
  play(*fifty, {"Kd7"});
  expect_draw(*fifty, "fifty-move rule");
  auto reset = chess({{"fen", "4k3/8/8/8/8/8/4P3/R3K3 w - - 99 80"}});
  play(*reset, {"e4"});
  EXPECT_FALSE(reset->outcome().finished);
  auto mate = chess({{"fen", "7k/8/6K1/8/8/8/8/R7 w - - 99 80"}});
  play(*mate, {"Ra8#"});
  EXPECT_EQ(mate->outcome().reason, "checkmate");
  // Seventy-five-move rule (only reachable from a FEN, since we stop at fifty).
  expect_draw(*chess({{"fen", "4k3/8/8/8/8/8/4P3/R3K3 w - - 150 120"}}), "seventy-five-move rule");

  // Threefold repetition: automatic (FIDE: claimable). The start position occurs a third time.
  auto three = chess();
  play(*three, {"Nf3", "Nf6", "Ng1", "Ng8", "Nf3", "Nf6", "Ng1"});
  EXPECT_FALSE(three->outcome().finished);
  play(*three, {"Ng8"});
  expect_draw(*three, "threefold repetition");
  // Fivefold: from a FEN the history is unknown, so count within the game; a position already
  // repeated five times ends as fivefold (ChessPosition tests count to five directly).
  auto max = chess({{"max_plies", 3}});
  play(*max, {"e4", "e5"});
  EXPECT_FALSE(max->outcome().finished);
  play(*max, {"Nf3"});
  expect_draw(*max, "adjudicated draw: max_plies (3) reached");
}

TEST(ChessGame, OptionsAreValidated) {
  EXPECT_THROW(chess({{"colour", "white"}}), GameConfigError);
  EXPECT_THROW(chess({{"max_plies", 0}}), GameConfigError);
  EXPECT_THROW(chess({{"max_plies", "ten"}}), GameConfigError);
  EXPECT_THROW(chess({{"fen", 3}}), GameConfigError);
  try {
    chess({{"fen", "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 x"}});
    FAIL() << "bad FEN accepted";
  } catch (const GameConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("option 'fen': FEN field 6 (fullmove number)"), std::string::npos) << e.what();
  }
}

TEST(ChessGame, ObservationApplyCloneAndState) {
  auto g = chess();
  EXPECT_EQ(g->name(), "chess");
  EXPECT_EQ(g->roles(), (std::vector<std::string>{"white", "black"}));
  EXPECT_EQ(g->to_move(), 0);
  EXPECT_EQ(g->legal_moves().size(), 20u);
  play(*g, {"e2e4", "e5"});
  auto bad = g->apply("Ke3");
  EXPECT_FALSE(bad.legal);
  EXPECT_NE(bad.reason.find("Ke3"), std::string::npos);
  EXPECT_EQ(g->state(), "rnbqkbnr/pppp1ppp/8/4p3/4P3/8/PPPP1PPP/RNBQKBNR w KQkq - 0 2");

  std::string obs = g->observation(0);
  for (const char* part : {"You are playing chess as White.", "Position (FEN): rnbqkbnr/pppp1ppp/8/4p3/4P3/8/",
                           "4 . . . . P . . .", "Side to move: White", "Moves so far (SAN): 1. e4 e5",
                           "Legal moves (UCI): ", "g1f3", "Legal moves (SAN): ", "Nf3", "Answer with exactly one"})
    EXPECT_NE(obs.find(part), std::string::npos) << part << "\n" << obs;
  EXPECT_NE(g->observation(1).find("Waiting for White to move."), std::string::npos);

  std::string why;
  EXPECT_EQ(g->parse_move("My move: **Nf3**.", &why), "g1f3");
  EXPECT_FALSE(g->parse_move("Nf6", &why));
  EXPECT_NE(why.find("no white knight can move to f6"), std::string::npos);

  auto copy = g->clone();
  play(*copy, {"Nf3"});
  EXPECT_EQ(g->to_move(), 0);
  EXPECT_EQ(copy->to_move(), 1);

  auto from_black = chess({{"fen", "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1"}});
  play(*from_black, {"e5", "Nf3"});
  EXPECT_EQ(dynamic_cast<ChessGame&>(*from_black).history_text(), "1... e5 2. Nf3");
}

}  // namespace
}  // namespace gauntlet::games
