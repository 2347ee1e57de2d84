// Entry point: a FEN read by Position::from_fen; a position that loads must give its legal moves,
// write each in SAN and UCI and read it back, play and take back each, and print itself as the same
// FEN again. Documented errors: FenError.
#include "fuzz/support/fuzz_target.h"
#include "games/chess_notation.h"
#include "games/chess_position.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::games::chess;
  Position pos;
  try {
    pos = Position::from_fen(gauntlet::fuzz::as_text(data, size));
  } catch (const FenError&) {
    return 0;
  }
  const std::string fen = pos.fen();
  (void)pos.ascii();
  for (Move m : pos.legal_moves()) {
    const std::string san = to_san(pos, m);
    if (parse_san(pos, san, nullptr) != m) __builtin_trap();  // SAN round trip
    if (parse_uci(pos, to_uci(m), nullptr) != m) __builtin_trap();
    pos.do_move(m);
    (void)pos.legal_moves();
    (void)pos.repetition_count();
    pos.undo_move(m);
  }
  if (pos.fen() != fen) __builtin_trap();  // do/undo must restore the position
  return 0;
}
