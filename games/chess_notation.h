#pragma once
// Chess move notation: UCI (e2e4, e7e8q) and SAN (Nf3, exd5, O-O, e8=Q+, Nbd7, Qh4#) both ways.
// Parsing is tolerant (missing or extra +/#, optional x and =, 0-0, lowercase piece letters — a
// leading lowercase b is the b-file, a bishop only when no b-pawn move fits —, long algebraic Ng1-f3) and explains failures: "Nd2 is ambiguous: Nbd2 or Nfd2",
// "Ke2: king would be in check". parse_move_text finds the move in a model's free-text answer.
#include <optional>
#include <string>
#include <string_view>

#include "games/chess_position.h"

namespace gauntlet::games::chess {

std::string to_uci(Move m);
// Standard SAN with check/mate suffix. `m` must be legal in `pos`; `pos` is restored on return.
std::string to_san(Position& pos, Move m);

// Each returns the legal move, or nullopt with `reason` (if non-null) saying why.
std::optional<Move> parse_uci(const Position& pos, std::string_view text, std::string* reason);
// One move token in SAN, UCI or long algebraic, with the tolerances above.
std::optional<Move> parse_san(Position& pos, std::string_view text, std::string* reason);
// A whole answer ("My move: **Nf3**."). Prefers moves marked as the answer (bold, `code`, after
// "move:" / "answer:"), then the last move-like word that is legal.
std::optional<Move> parse_move_text(Position& pos, std::string_view text, std::string* reason);

}  // namespace gauntlet::games::chess
