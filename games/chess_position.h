#pragma once
// chess::Position: a bitboard chess position with full rules (castling, en passant, promotion, check,
// draw rules), FEN in and out, make/unmake and a strictly legal move generator; perft counts paths.
// Squares are a1 = 0 .. h8 = 63. Standard chess only (no Chess960).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "games/game.h"

namespace gauntlet::games::chess {

using Bitboard = std::uint64_t;

enum Color : int { kWhite, kBlack };
enum PieceType : int { kNoPieceType, kPawn, kKnight, kBishop, kRook, kQueen, kKing };
// Piece = color * 8 + type; kNoPiece = 0.
enum Piece : int { kNoPiece = 0 };
enum Square : int { kA1 = 0, kE1 = 4, kH1 = 7, kA8 = 56, kE8 = 60, kH8 = 63, kNoSquare = 64 };
enum CastlingRight : int { kWhiteOO = 1, kWhiteOOO = 2, kBlackOO = 4, kBlackOOO = 8, kAllCastling = 15 };

constexpr Color operator~(Color c) { return Color(c ^ 1); }
constexpr Piece make_piece(Color c, PieceType t) { return Piece(c * 8 + t); }
constexpr PieceType type_of(Piece p) { return PieceType(p & 7); }
constexpr Color color_of(Piece p) { return Color(p >> 3); }
constexpr int file_of(Square s) { return s & 7; }
constexpr int rank_of(Square s) { return s >> 3; }
constexpr Square make_square(int file, int rank) { return Square(rank * 8 + file); }
constexpr Bitboard square_bb(Square s) { return Bitboard(1) << s; }
// Rank from the given side's point of view (0 = its back rank).
constexpr int relative_rank(Color c, Square s) { return c == kWhite ? rank_of(s) : 7 - rank_of(s); }

// Move: 16 bits. from (6) | to (6) | promotion piece - knight (2) | kind (2). Castling is encoded as
// the king's move (e1g1), as in UCI.
class Move {
 public:
  enum Kind : int { kNormal = 0, kPromotion = 1, kEnPassant = 2, kCastling = 3 };
  constexpr Move() = default;
  constexpr Move(Square from, Square to, Kind kind = kNormal, PieceType promotion = kKnight)
      : data_(std::uint16_t(from | (to << 6) | ((promotion - kKnight) << 12) | (kind << 14))) {}
  constexpr Square from() const { return Square(data_ & 63); }
  constexpr Square to() const { return Square((data_ >> 6) & 63); }
  constexpr Kind kind() const { return Kind(data_ >> 14); }
  constexpr PieceType promotion() const { return PieceType(((data_ >> 12) & 3) + kKnight); }
  constexpr bool is_none() const { return data_ == 0; }
  constexpr std::uint16_t raw() const { return data_; }
  constexpr bool operator==(const Move&) const = default;

 private:
  std::uint16_t data_ = 0;
};

// Fixed-capacity list (no position has more than 218 legal moves).
class MoveList {
 public:
  void push(Move m) { moves_[size_++] = m; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Move operator[](std::size_t i) const { return moves_[i]; }
  const Move* begin() const { return moves_.data(); }
  const Move* end() const { return moves_.data() + size_; }
  bool contains(Move m) const;

 private:
  std::array<Move, 256> moves_;
  std::size_t size_ = 0;
};

// A malformed or impossible FEN. The message names the field ("FEN field 2 (side to move): ...").
class FenError : public GameConfigError {
 public:
  using GameConfigError::GameConfigError;
};

inline constexpr std::string_view kStartFen = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";

class Position {
 public:
  Position();  // the standard starting position
  // Throws FenError. The halfmove clock and fullmove number may be omitted (default 0 and 1).
  static Position from_fen(std::string_view fen);

  // FEN; the en-passant square is written only when an en-passant capture is legal.
  std::string fen() const;
  // 8 lines "8 r n b q k b n r" ... "  a b c d e f g h"; uppercase White, '.' empty.
  std::string ascii() const;

  Color side_to_move() const { return side_; }
  Piece piece_on(Square s) const { return board_[s]; }
  Bitboard pieces() const { return by_color_[kWhite] | by_color_[kBlack]; }
  Bitboard pieces(Color c) const { return by_color_[c]; }
  Bitboard pieces(PieceType t) const { return by_type_[t]; }
  Bitboard pieces(Color c, PieceType t) const { return by_color_[c] & by_type_[t]; }
  Square king_square(Color c) const;
  int castling_rights() const { return state().castling; }
  Square en_passant_square() const { return state().ep; }  // kNoSquare unless a capture is legal
  int halfmove_clock() const { return state().rule50; }
  int fullmove_number() const { return fullmove_; }
  int game_ply() const { return int(states_.size()) - 1; }  // plies played since from_fen()
  std::uint64_t key() const { return state().key; }

  bool in_check() const { return state().checkers != 0; }
  Bitboard checkers() const { return state().checkers; }
  // Pieces of `by` attacking `s` given occupancy `occupied`.
  Bitboard attackers_to(Square s, Bitboard occupied) const;
  bool is_attacked(Square s, Color by) const { return attackers_to(s, pieces()) & pieces(by); }

  MoveList legal_moves() const;
  // Moves that obey piece movement but may leave the own king in check; castling only checks
  // rights and empty squares. For explaining why a move is illegal.
  MoveList pseudo_legal_moves() const;
  bool is_legal(Move m) const { return legal_moves().contains(m); }
  bool is_capture(Move m) const { return m.kind() == Move::kEnPassant || board_[m.to()] != kNoPiece; }

  // `m` must be legal. undo_move must receive the moves in reverse order.
  void do_move(Move m);
  void undo_move(Move m);

  // How many times the current position (placement, side, castling rights, en-passant capture)
  // has occurred since the last irreversible move, counting now. 3 = threefold, 5 = fivefold.
  int repetition_count() const;
  // Dead by material alone: no pawns, rooks or queens, and at most one minor piece in all or only
  // bishops all on squares of one colour (covers K v K, K+B v K, K+N v K, K+B v K+B same colour).
  bool insufficient_material() const;

 private:
  struct Blank {};
  explicit Position(Blank) {}
  struct State {
    std::uint64_t key = 0;
    Bitboard checkers = 0;
    int castling = 0;
    Square ep = kNoSquare;
    int rule50 = 0;
    Piece captured = kNoPiece;
  };
  const State& state() const { return states_.back(); }
  void put_piece(Piece p, Square s);
  void remove_piece(Square s);
  void move_piece(Square from, Square to);
  // Legal en-passant capture by the side to move onto `ep` exists (after a double push).
  bool en_passant_legal(Square ep) const;
  bool en_passant_move_legal(Square from, Square to) const;
  Bitboard blockers_for_king(Color c) const;
  void compute_key_and_checkers();

  std::array<Piece, 64> board_{};
  std::array<Bitboard, 7> by_type_{};
  std::array<Bitboard, 2> by_color_{};
  Color side_ = kWhite;
  int fullmove_ = 1;
  std::vector<State> states_;
};

// Leaf nodes at `depth` (bulk-counted at depth 1). depth 0 counts 1.
std::uint64_t perft(Position& pos, int depth);
// Per root move (in legal_moves() order) the leaf count below it.
std::vector<std::pair<Move, std::uint64_t>> perft_divide(Position& pos, int depth);

// Attack helpers, usable by notation code.
Bitboard attacks_from(PieceType t, Square s, Bitboard occupied);
Bitboard pawn_attacks(Color c, Square s);
std::string square_name(Square s);

}  // namespace gauntlet::games::chess
