// Perft against the well-known suite and against stockfish's own `go perft` in the same run; FEN
// in/out and its errors; insufficient material, repetition and en-passant bookkeeping.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "games/chess_notation.h"
#include "games/chess_position.h"
#include "games/uci_engine.h"

namespace gauntlet::games::chess {
namespace {

constexpr const char* kStockfish = "/usr/games/stockfish";

std::unique_ptr<UciEngine> stockfish_or_fail() {
  if (!std::filesystem::exists(kStockfish)) {
    ADD_FAILURE() << kStockfish << " is missing: run scripts/setup.sh (installs the Debian package 'stockfish')";
    return nullptr;
  }
  return std::make_unique<UciEngine>(kStockfish);
}

struct PerftCase {
  const char* name;
  const char* fen;
  std::vector<std::uint64_t> counts;  // depth 1, 2, ...
};

// Positions 1-6 of the chessprogramming.org perft page.
const PerftCase kSuite[] = {
    {"start", "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", {20, 400, 8902, 197281, 4865609}},
    {"kiwipete", "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1", {48, 2039, 97862, 4085603}},
    {"position3", "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1", {14, 191, 2812, 43238, 674624}},
    {"position4", "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1", {6, 264, 9467, 422333, 15833292}},
    {"position5", "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8", {44, 1486, 62379, 2103487}},
    {"position6", "r4rk1/1pp1qppp/p1np1n2/2b1p1B1/2B1P1b1/P1NP1N2/1PP1QPPP/R4RK1 w - - 0 10", {46, 2079, 89890, 3894594}},
};

TEST(ChessPerft, KnownCountsMatchAndStockfishAgrees) {
  auto sf = stockfish_or_fail();
  ASSERT_TRUE(sf);
  for (const auto& c : kSuite) {
    Position pos = Position::from_fen(c.fen);
    for (std::size_t d = 1; d <= c.counts.size(); ++d) {
      EXPECT_EQ(perft(pos, int(d)), c.counts[d - 1]) << c.name << " depth " << d;
      EXPECT_EQ(pos.fen(), Position::from_fen(c.fen).fen()) << "make/unmake must restore " << c.name;
    }
    const int depth = int(c.counts.size());
    EXPECT_EQ(sf->perft(c.fen, depth, std::chrono::seconds(60)), c.counts.back()) << "stockfish on " << c.name;
  }
}

// Tricky positions (en passant that exposes the king, evasions by en passant, castling into or
// giving check, promotions with check): counted by us and by stockfish, no stored numbers.
TEST(ChessPerft, EdgeCasesMatchStockfish) {
  auto sf = stockfish_or_fail();
  ASSERT_TRUE(sf);
  const std::pair<const char*, int> cases[] = {
      {"3k4/3p4/8/K1P4r/8/8/8/8 b - - 0 1", 6},           // illegal ep (rank pin)
      {"8/8/4k3/8/2p5/8/B2P2K1/8 w - - 0 1", 6},          // illegal ep (diagonal pin)
      {"8/8/1k6/2b5/2pP4/8/5K2/8 b - d3 0 1", 6},         // ep capture gives check
      {"4k3/3p1p2/8/4P3/4K3/8/8/8 b - - 0 1", 5},         // check evaded by ep
      {"5k2/8/8/8/8/8/8/4K2R w K - 0 1", 6},              // short castling gives check
      {"3k4/8/8/8/8/8/8/R3K3 w Q - 0 1", 6},              // long castling gives check
      {"r3k2r/1b4bq/8/8/8/8/7B/R3K2R w KQkq - 0 1", 4},   // castling rights
      {"r3k2r/8/3Q4/8/8/5q2/8/R3K2R b KQkq - 0 1", 4},    // castling prevented
      {"2K2r2/4P3/8/8/8/8/8/3k4 w - - 0 1", 6},           // promote out of check
      {"8/8/1P2K3/8/2n5/1q6/8/5k2 b - - 0 1", 5},         // discovered check
      {"4k3/1P6/8/8/8/8/K7/8 w - - 0 1", 6},              // promote to give check
      {"8/P1k5/K7/8/8/8/8/8 w - - 0 1", 6},               // underpromote to check
      {"K1k5/8/P7/8/8/8/8/8 w - - 0 1", 6},               // self stalemate
      {"8/k1P5/8/1K6/8/8/8/8 w - - 0 1", 7},              // stalemate and checkmate
      {"8/8/2k5/5q2/5n2/8/5K2/8 b - - 0 1", 4},           // double check
  };
  for (const auto& [fen, depth] : cases) {
    Position pos = Position::from_fen(fen);
    EXPECT_EQ(perft(pos, depth), sf->perft(fen, depth, std::chrono::seconds(60))) << fen << " depth " << depth;
  }
}

TEST(ChessPerft, DivideSumsToTotal) {
  Position pos;
  std::uint64_t total = 0;
  auto divide = perft_divide(pos, 3);
  EXPECT_EQ(divide.size(), 20u);
  for (const auto& [move, n] : divide) total += n;
  EXPECT_EQ(total, 8902u);
  EXPECT_EQ(perft(pos, 0), 1u);
}

TEST(ChessPosition, FenRoundTripAndDefaults) {
  for (const auto& c : kSuite) EXPECT_EQ(Position::from_fen(c.fen).fen(), c.fen);
  EXPECT_EQ(Position().fen(), kStartFen);
  EXPECT_EQ(Position::from_fen("8/8/8/4k3/8/8/8/4K3 w - -").fen(), "8/8/8/4k3/8/8/8/4K3 w - - 0 1");
}

TEST(ChessPosition, FenErrorsNameTheField) {
  auto error_of = [](const char* fen) {
    try {
      Position::from_fen(fen);
    } catch (const FenError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("").find("4 to 6"), std::string::npos);
  EXPECT_NE(error_of("rnbqkbnr/pppppppp/9/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1").find("field 1 (piece placement)"),
            std::string::npos);
  EXPECT_NE(error_of("rnbqkbnr/ppppXppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1").find("unknown piece letter 'X'"),
            std::string::npos);
  EXPECT_NE(error_of("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w KQkq - 0 1").find("field 1"), std::string::npos);
  EXPECT_NE(error_of("8/8/8/8/8/8/8/4K3 w - - 0 1").find("Black has 0 kings"), std::string::npos);
  EXPECT_NE(error_of("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR x KQkq - 0 1").find("field 2 (side to move)"),
            std::string::npos);
  EXPECT_NE(error_of("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkz - 0 1").find("field 3 (castling)"),
            std::string::npos);
  EXPECT_NE(error_of("rnbqkbn1/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1").find("'k' needs the king on e8"),
            std::string::npos);
  EXPECT_NE(error_of("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e3 0 1").find("field 4 (en passant)"),
            std::string::npos);
  EXPECT_NE(error_of("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - -1 1").find("field 5 (halfmove clock)"),
            std::string::npos);
  EXPECT_NE(error_of("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 0").find("field 6 (fullmove number)"),
            std::string::npos);
  EXPECT_NE(error_of("4k3/8/8/8/8/8/8/4R1K1 w - - 0 1").find("not to move is in check"), std::string::npos);
  EXPECT_NE(error_of("4k3/8/8/8/8/8/8/P3K3 w - - 0 1").find("pawn stands on the first or last rank"),
            std::string::npos);
}

TEST(ChessPosition, EnPassantSquareOnlyWhenCaptureIsLegal) {
  Position pos;
  pos.do_move(*parse_uci(pos, "e2e4", nullptr));
  EXPECT_EQ(pos.fen(), "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1");
  // A capture exists: the square is kept.
  Position p2 = Position::from_fen("4k3/8/8/8/3p4/8/4P3/4K3 w - - 0 1");
  p2.do_move(*parse_uci(p2, "e2e4", nullptr));
  EXPECT_EQ(p2.en_passant_square(), make_square(4, 2));
  EXPECT_NE(p2.fen().find(" e3 "), std::string::npos);
  // The capturing pawn is pinned along the rank: no en-passant square.
  Position p3 = Position::from_fen("8/8/8/8/k2p3R/8/4P3/4K3 w - - 0 1");
  p3.do_move(*parse_uci(p3, "e2e4", nullptr));
  EXPECT_EQ(p3.en_passant_square(), kNoSquare);
  // A FEN naming an impossible capture is accepted, the square dropped.
  EXPECT_EQ(Position::from_fen("rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1").en_passant_square(),
            kNoSquare);
}

TEST(ChessPosition, InsufficientMaterial) {
  EXPECT_TRUE(Position::from_fen("8/8/8/4k3/8/8/8/4K3 w - - 0 1").insufficient_material());      // K v K
  EXPECT_TRUE(Position::from_fen("8/8/8/4k3/8/8/8/2B1K3 w - - 0 1").insufficient_material());    // KB v K
  EXPECT_TRUE(Position::from_fen("8/8/8/4k3/8/8/8/1N2K3 w - - 0 1").insufficient_material());    // KN v K
  EXPECT_TRUE(Position::from_fen("5b2/8/8/4k3/8/8/8/2B1K3 w - - 0 1").insufficient_material());  // same colour
  EXPECT_FALSE(Position::from_fen("2b5/8/8/4k3/8/8/8/2B1K3 w - - 0 1").insufficient_material()); // opposite
  EXPECT_FALSE(Position::from_fen("8/8/8/4k3/8/8/8/1NN1K3 w - - 0 1").insufficient_material());
  EXPECT_FALSE(Position::from_fen("8/8/8/4k3/8/8/8/1n2K1N1 w - - 0 1").insufficient_material());
  EXPECT_FALSE(Position::from_fen("8/8/8/4k3/8/8/4P3/4K3 w - - 0 1").insufficient_material());
  EXPECT_FALSE(Position::from_fen("8/8/8/4k3/8/8/8/R3K3 w - - 0 1").insufficient_material());
}

TEST(ChessPosition, RepetitionCountsIncludeCastlingRights) {
  Position pos;
  auto play = [&pos](std::initializer_list<const char*> moves) {
    for (const char* m : moves) pos.do_move(*parse_uci(pos, m, nullptr));
  };
  EXPECT_EQ(pos.repetition_count(), 1);
  play({"g1f3", "g8f6", "f3g1", "f6g8"});
  EXPECT_EQ(pos.repetition_count(), 2);
  play({"g1f3", "g8f6", "f3g1", "f6g8"});
  EXPECT_EQ(pos.repetition_count(), 3);
  play({"g1f3", "g8f6", "f3g1", "f6g8", "g1f3", "g8f6", "f3g1", "f6g8"});
  EXPECT_EQ(pos.repetition_count(), 5);

  // Rook out and back: same squares, but castling rights were lost, so it is a new position.
  Position q = Position::from_fen("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1");
  for (const char* m : {"h1g1", "h8g8", "g1h1", "g8h8"}) q.do_move(*parse_uci(q, m, nullptr));
  EXPECT_EQ(q.repetition_count(), 1);
  for (const char* m : {"h1g1", "h8g8", "g1h1", "g8h8"}) q.do_move(*parse_uci(q, m, nullptr));
  EXPECT_EQ(q.repetition_count(), 2);
}

TEST(ChessPosition, AsciiBoard) {
  EXPECT_EQ(Position().ascii(),
            "8 r n b q k b n r\n7 p p p p p p p p\n6 . . . . . . . .\n5 . . . . . . . .\n"
            "4 . . . . . . . .\n3 . . . . . . . .\n2 P P P P P P P P\n1 R N B Q K B N R\n  a b c d e f g h\n");
}

}  // namespace
}  // namespace gauntlet::games::chess
