// SAN / UCI both ways over random games, tolerant parsing, and the reasons given for ambiguous,
// illegal and unreadable moves.
#include <gtest/gtest.h>

#include <random>

#include "games/chess_notation.h"
#include "games/chess_position.h"

namespace gauntlet::games::chess {
namespace {

std::string strip(std::string s, std::string_view chars) {
  std::string out;
  for (char c : s)
    if (chars.find(c) == std::string_view::npos) out += c;
  return out;
}

// Every legal move of every position of 200 random games: SAN and back, UCI and back, tolerant
// spellings of the SAN, and FEN (with its incremental hash) round trips.
TEST(ChessNotation, RoundTripsOverRandomGames) {
  std::mt19937_64 rng(20240611);
  std::size_t checked = 0;
  for (int game = 0; game < 200; ++game) {
    Position pos;
    for (int ply = 0; ply < 160; ++ply) {
      const MoveList moves = pos.legal_moves();
      if (moves.empty() || pos.insufficient_material()) break;
      const std::string fen = pos.fen();
      const Position reparsed = Position::from_fen(fen);
      ASSERT_EQ(reparsed.fen(), fen);
      ASSERT_EQ(reparsed.key(), pos.key()) << fen;
      for (Move m : moves) {
        std::string why;
        const std::string san = to_san(pos, m);
        auto back = parse_san(pos, san, &why);
        ASSERT_TRUE(back) << fen << " " << san << ": " << why;
        ASSERT_EQ(*back, m) << fen << " " << san;
        auto uci = parse_uci(pos, to_uci(m), &why);
        ASSERT_TRUE(uci) << fen << " " << to_uci(m) << ": " << why;
        ASSERT_EQ(*uci, m);
        ASSERT_EQ(*parse_san(pos, to_uci(m), nullptr), m) << "UCI through the SAN parser: " << to_uci(m);
        // Tolerated spellings: no check marks, no '=', no 'x' (except b-pawn captures, which
        // would read as a bishop move when one fits), a spurious '+', a move number.
        std::vector<std::string> variants = {strip(san, "+#"), strip(san, "="), san + "+", "12. " + san};
        if (san[0] != 'b') variants.push_back(strip(san, "x"));
        if (san[0] == 'N' || san[0] == 'R' || san[0] == 'Q' || san[0] == 'K')
          variants.push_back(char(std::tolower(san[0])) + san.substr(1));
        for (const auto& v : variants) {
          auto parsed = parse_san(pos, v, &why);
          ASSERT_TRUE(parsed) << fen << " '" << v << "': " << why;
          ASSERT_EQ(*parsed, m) << fen << " '" << v << "'";
        }
        ++checked;
      }
      pos.do_move(moves[std::uniform_int_distribution<std::size_t>(0, moves.size() - 1)(rng)]);
    }
  }
  EXPECT_GT(checked, 100000u);
}

TEST(ChessNotation, SanOutput) {
  Position pos;
  auto san_of = [&pos](const char* uci) { return to_san(pos, *parse_uci(pos, uci, nullptr)); };
  auto play = [&pos](const char* uci) { pos.do_move(*parse_uci(pos, uci, nullptr)); };
  EXPECT_EQ(san_of("g1f3"), "Nf3");
  EXPECT_EQ(san_of("e2e4"), "e4");
  play("f2f3");
  play("e7e5");
  play("g2g4");
  EXPECT_EQ(san_of("d8h4"), "Qh4#");

  pos = Position::from_fen("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1");
  EXPECT_EQ(san_of("e1g1"), "O-O");
  EXPECT_EQ(san_of("e1c1"), "O-O-O");
  EXPECT_EQ(san_of("a1a8"), "Rxa8+");

  pos = Position::from_fen("4k3/8/8/8/8/5N2/8/1N2K3 w - - 0 1");
  EXPECT_EQ(san_of("b1d2"), "Nbd2");
  EXPECT_EQ(san_of("f3d2"), "Nfd2");
  pos = Position::from_fen("k7/8/8/8/8/4R3/8/4RK2 w - - 0 1");
  EXPECT_EQ(san_of("e1e2"), "R1e2");
  pos = Position::from_fen("k7/8/8/8/8/2Q1Q3/8/2Q1K3 w - - 0 1");
  EXPECT_EQ(san_of("c3d2"), "Qc3d2");
  pos = Position::from_fen("2k5/4P3/8/8/8/8/8/4K3 w - - 0 1");
  EXPECT_EQ(san_of("e7e8q"), "e8=Q+");
  EXPECT_EQ(san_of("e7e8n"), "e8=N");
  pos = Position::from_fen("4k3/8/8/3pP3/8/8/8/4K3 w - d6 0 1");
  EXPECT_EQ(san_of("e5d6"), "exd6");
}

struct ParseCase {
  const char* fen;
  const char* text;
  const char* uci;
};

TEST(ChessNotation, TolerantParsingFindsTheMove) {
  const char* start = kStartFen.data();
  const ParseCase cases[] = {
      {start, "Nf3", "g1f3"},
      {start, "nf3", "g1f3"},
      {start, "Ng1f3", "g1f3"},
      {start, "Ng1-f3", "g1f3"},
      {start, "g1f3", "g1f3"},
      {start, "e2-e4", "e2e4"},
      {start, "1. e4", "e2e4"},
      {start, "1.e4", "e2e4"},
      {start, "Nf3+", "g1f3"},
      {start, "Nf3!?", "g1f3"},
      {start, "My move: **Nf3**.", "g1f3"},
      {start, "I'll develop the knight: `Nf3`", "g1f3"},
      {start, "The answer is \\boxed{e4}", "e2e4"},
      {start, "After thinking about e4 and d4, my move: d4", "d2d4"},
      {start, "Nf3, which controls e5 and d4... final answer **Nf3**", "g1f3"},
      {start, "I play e4.", "e2e4"},
      {"r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "O-O", "e1g1"},
      {"r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "0-0", "e1g1"},
      {"r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "o-o-o", "e1c1"},
      {"r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "e1g1", "e1g1"},
      {"r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1", "Castle: O-O-O", "e8c8"},
      {"2k5/4P3/8/8/8/8/8/4K3 w - - 0 1", "e8=Q+", "e7e8q"},
      {"2k5/4P3/8/8/8/8/8/4K3 w - - 0 1", "e8Q", "e7e8q"},
      {"2k5/4P3/8/8/8/8/8/4K3 w - - 0 1", "e8q", "e7e8q"},
      {"2k5/4P3/8/8/8/8/8/4K3 w - - 0 1", "e8=N", "e7e8n"},
      {"2k5/4P3/8/8/8/8/8/4K3 w - - 0 1", "e8(R)", "e7e8r"},
      {"2k5/4P3/8/8/8/8/8/4K3 w - - 0 1", "e7e8b", "e7e8b"},
      {"4k3/8/8/3p4/4P3/8/8/4K3 w - - 0 1", "exd5", "e4d5"},
      {"4k3/8/8/3p4/4P3/8/8/4K3 w - - 0 1", "ed5", "e4d5"},
      {"4k3/8/8/3p4/4P3/8/8/4K3 w - - 0 1", "d5", "e4d5"},  // no push fits: the capture
      {"4k3/8/8/8/2p5/1P6/8/4KB2 w - - 0 1", "bxc4", "b3c4"},
      {"4k3/8/8/8/2p5/1P6/8/4KB2 w - - 0 1", "Bxc4", "f1c4"},
      {"4k3/8/8/8/2p5/8/8/4KB2 w - - 0 1", "bc4", "f1c4"},  // no b-pawn: lowercase bishop
      {"4k3/8/8/8/8/5N2/8/1N2K3 w - - 0 1", "Nbd2", "b1d2"},
      {"4k3/8/8/8/8/5N2/8/1N2K3 w - - 0 1", "N1d2", "b1d2"},
      {"4k3/8/8/8/8/5N2/8/1N2K3 w - - 0 1", "Nf3d2", "f3d2"},
      {"4k3/8/8/3pP3/8/8/8/4K3 w - d6 0 1", "exd6 e.p.", "e5d6"},
  };
  for (const auto& c : cases) {
    Position pos = Position::from_fen(c.fen);
    std::string why;
    auto m = parse_move_text(pos, c.text, &why);
    ASSERT_TRUE(m) << "'" << c.text << "': " << why;
    EXPECT_EQ(to_uci(*m), c.uci) << "'" << c.text << "'";
  }
}

struct ReasonCase {
  const char* fen;
  const char* text;
  const char* reason;  // substring of the reason
};

TEST(ChessNotation, ReasonsForAmbiguousIllegalAndUnreadable) {
  const char* start = kStartFen.data();
  const ReasonCase cases[] = {
      {"4k3/8/8/8/8/5N2/8/1N2K3 w - - 0 1", "Nd2", "Nd2 is ambiguous: Nbd2 or Nfd2"},
      {"k7/8/8/8/8/2Q1Q3/8/2Q1K3 w - - 0 1", "Qd2", "Qd2 is ambiguous: Q1d2, Qc3d2 or Qed2"},
      {"4k3/8/8/7b/8/8/8/4K3 w - - 0 1", "Ke2", "Ke2: king would be in check"},
      {"4k3/4r3/8/8/8/8/4N3/4K3 w - - 0 1", "Nc3", "Nc3: king would be in check (the knight on e2 is pinned)"},
      {"4k3/8/8/8/8/8/8/r3K2R w K - 0 1", "Rh5", "Rh5: king would be in check (the move does not answer the check)"},
      {"4k3/8/8/8/8/8/5r2/4K2R w K - 0 1", "O-O", "O-O: the king would pass through or land on an attacked square (f1)"},
      {"4k3/8/8/8/8/8/8/4K2R w - - 0 1", "O-O", "O-O: White can no longer castle kingside"},
      {start, "O-O", "O-O: f1 is not empty"},
      {"4k3/8/8/8/8/8/8/r3K2R w K - 0 1", "O-O", "O-O: cannot castle out of check"},
      {"2k5/4P3/8/8/8/8/8/4K3 w - - 0 1", "e8", "e8: say which piece to promote to (e8=Q, e8=R, e8=B or e8=N)"},
      {start, "Nf6", "Nf6: no white knight can move to f6"},
      {start, "Bb5", "Bb5: no white bishop can move to b5"},
      {"4k3/8/8/8/8/8/8/4K3 w - - 0 1", "Qd2", "Qd2: White has no queen"},
      {start, "e5", "e5: no white pawn can move to e5"},
      {start, "e2e5", "e2e5: the pawn on e2 cannot move to e5"},
      {start, "e7e5", "e7e5: the pawn on e7 belongs to Black; White is to move"},
      {start, "e3e4", "e3e4: there is no piece on e3"},
      {start, "hello there", "no chess move found in the answer"},
      {start, "I like e4 and d4", "the answer names several moves (e4 or d4)"},
      {start, "**Nf6**", "Nf6: no white knight can move to f6"},
      {"7k/5Q2/6K1/8/8/8/8/8 b - - 0 1", "Kg8", "no legal moves, the game is over (stalemate)"},
  };
  for (const auto& c : cases) {
    Position pos = Position::from_fen(c.fen);
    std::string why;
    auto m = parse_move_text(pos, c.text, &why);
    EXPECT_FALSE(m) << "'" << c.text << "' read as " << (m ? to_uci(*m) : "");
    EXPECT_NE(why.find(c.reason), std::string::npos) << "'" << c.text << "': got '" << why << "'";
  }
  Position pos;
  std::string why;
  EXPECT_FALSE(parse_uci(pos, "e2e9", &why));
  EXPECT_NE(why.find("not a UCI move"), std::string::npos);
  EXPECT_FALSE(parse_san(pos, "zz", &why));
  EXPECT_NE(why.find("'zz' is not a chess move"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::games::chess
