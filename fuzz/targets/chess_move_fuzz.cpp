// Entry point: a model's move text (SAN, UCI, long algebraic, free text) read by parse_san,
// parse_uci and parse_move_text against a few positions (the start, a middlegame with castling and
// en passant, a promotion race). Any move they return must be legal. No exceptions are documented.
#include "fuzz/support/fuzz_target.h"
#include "games/chess_notation.h"
#include "games/chess_position.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::games::chess;
  static const char* const kFens[] = {
      "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1",
      "r3k2r/pp3ppp/2p1pn2/3pP3/1b1P4/2NB1N2/PPP2PPP/R3K2R w KQkq d6 0 9",
      "8/2P5/8/8/8/8/5p2/K6k b - - 0 1"};
  const std::string_view text = gauntlet::fuzz::as_text(data, size);
  for (const char* fen : kFens) {
    Position pos = Position::from_fen(fen);
    std::string reason;
    for (auto move : {parse_san(pos, text, &reason), parse_uci(pos, text, &reason), parse_move_text(pos, text, &reason)})
      if (move && !pos.is_legal(*move)) __builtin_trap();
    if (pos.fen() != Position::from_fen(fen).fen()) __builtin_trap();  // parsing leaves the position alone
  }
  return 0;
}
