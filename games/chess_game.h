#pragma once
// ChessGame: standard chess as a Game. Roles "white", "black"; canonical moves are UCI; any SAN,
// UCI or free text that names one legal move is accepted. Ends on checkmate, stalemate,
// insufficient material, the 50-move rule (automatically at 100 plies without capture or pawn
// move, where FIDE only lets a player claim it), the 75-move rule, threefold repetition
// (automatic, FIDE: claimable), fivefold repetition, or the optional max_plies cap (a draw).
#include <memory>
#include <string>
#include <vector>

#include "games/chess_position.h"
#include "games/game.h"

namespace gauntlet::games {

class ChessGame : public Game {
 public:
  // max_plies: 0 for no cap; otherwise the game is adjudicated a draw after that many plies.
  explicit ChessGame(chess::Position start, int max_plies = 0);

  std::string name() const override { return "chess"; }
  std::vector<std::string> roles() const override { return {"white", "black"}; }
  int to_move() const override;
  std::string observation(int role) const override;
  std::vector<std::string> legal_moves() const override;
  std::optional<std::string> parse_move(const std::string& text, std::string* reason) const override;
  Legality apply(const std::string& move) override;
  Outcome outcome() const override { return outcome_; }
  std::string state() const override { return position_.fen(); }
  std::unique_ptr<Game> clone() const override { return std::make_unique<ChessGame>(*this); }

  const chess::Position& position() const { return position_; }
  const std::string& start_fen() const { return start_fen_; }
  const std::vector<chess::Move>& moves() const { return moves_; }
  // "1. e4 e5 2. Nf3" (or "12... Nf6 13. Bg5" from a black-to-move FEN); empty before any move.
  std::string history_text() const;

 private:
  Outcome compute_outcome() const;

  chess::Position position_;
  std::string start_fen_;
  int start_fullmove_;
  chess::Color start_side_;
  int max_plies_;
  std::vector<chess::Move> moves_;
  std::vector<std::string> san_;
  Outcome outcome_;
};

}  // namespace gauntlet::games
