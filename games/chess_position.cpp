#include "games/chess_position.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <sstream>

#include <fmt/format.h>

namespace gauntlet::games::chess {
namespace {

// ---- bitboard tables, all computed at compile time ----

constexpr Bitboard kRank1 = 0xFFULL, kRank8 = kRank1 << 56;
constexpr Bitboard rank_bb(int r) { return kRank1 << (8 * r); }

inline Square lsb(Bitboard b) { return Square(std::countr_zero(b)); }
inline Square msb(Bitboard b) { return Square(63 - std::countl_zero(b)); }
inline Square pop_lsb(Bitboard& b) {
  Square s = lsb(b);
  b &= b - 1;
  return s;
}
inline bool more_than_one(Bitboard b) { return b & (b - 1); }

// Directions as (file, rank) steps. The first four increase the square index.
constexpr int kDirFile[8] = {0, 1, 1, -1, 0, -1, -1, 1};  // N E NE NW S W SW SE
constexpr int kDirRank[8] = {1, 0, 1, 1, -1, 0, -1, -1};

constexpr Bitboard step_bb(int sq, int df, int dr) {
  int f = sq % 8 + df, r = sq / 8 + dr;
  return (f >= 0 && f < 8 && r >= 0 && r < 8) ? Bitboard(1) << (r * 8 + f) : 0;
}

struct Tables {
  Bitboard rays[8][64]{};
  Bitboard knight[64]{};
  Bitboard king[64]{};
  Bitboard pawn[2][64]{};
  Bitboard rook_empty[64]{};
  Bitboard bishop_empty[64]{};
  Bitboard between[64][64]{};  // squares strictly between two aligned squares
  Bitboard line[64][64]{};     // the whole line through two aligned squares
  int castling_mask[64]{};     // rights kept when a move touches the square
};

constexpr Tables make_tables() {
  Tables t;
  constexpr int kKnightSteps[8][2] = {{1, 2}, {2, 1}, {2, -1}, {1, -2}, {-1, -2}, {-2, -1}, {-2, 1}, {-1, 2}};
  for (int s = 0; s < 64; ++s) {
    for (int d = 0; d < 8; ++d) {
      for (int f = s % 8 + kDirFile[d], r = s / 8 + kDirRank[d]; f >= 0 && f < 8 && r >= 0 && r < 8;
           f += kDirFile[d], r += kDirRank[d])
        t.rays[d][s] |= Bitboard(1) << (r * 8 + f);
      t.king[s] |= step_bb(s, kDirFile[d], kDirRank[d]);
      t.knight[s] |= step_bb(s, kKnightSteps[d][0], kKnightSteps[d][1]);
    }
    t.pawn[kWhite][s] = step_bb(s, -1, 1) | step_bb(s, 1, 1);
    t.pawn[kBlack][s] = step_bb(s, -1, -1) | step_bb(s, 1, -1);
    t.rook_empty[s] = t.rays[0][s] | t.rays[1][s] | t.rays[4][s] | t.rays[5][s];
    t.bishop_empty[s] = t.rays[2][s] | t.rays[3][s] | t.rays[6][s] | t.rays[7][s];
    t.castling_mask[s] = kAllCastling;
  }
  for (int a = 0; a < 64; ++a)
    for (int d = 0; d < 8; ++d)
      for (Bitboard r = t.rays[d][a]; r; r &= r - 1) {
        int b = std::countr_zero(r);
        t.between[a][b] = t.rays[d][a] & t.rays[(d + 4) % 8][b];
        t.line[a][b] = t.rays[d][a] | t.rays[(d + 4) % 8][a] | (Bitboard(1) << a);
      }
  t.castling_mask[kE1] = kAllCastling & ~(kWhiteOO | kWhiteOOO);
  t.castling_mask[kH1] = kAllCastling & ~kWhiteOO;
  t.castling_mask[kA1] = kAllCastling & ~kWhiteOOO;
  t.castling_mask[kE8] = kAllCastling & ~(kBlackOO | kBlackOOO);
  t.castling_mask[kH8] = kAllCastling & ~kBlackOO;
  t.castling_mask[kA8] = kAllCastling & ~kBlackOOO;
  return t;
}

constexpr Tables kT = make_tables();

template <int Dir>
inline Bitboard ray_attacks(Square s, Bitboard occupied) {
  Bitboard a = kT.rays[Dir][s], blockers = a & occupied;
  if (blockers) a ^= kT.rays[Dir][Dir < 4 ? lsb(blockers) : msb(blockers)];
  return a;
}
inline Bitboard rook_attacks(Square s, Bitboard occ) {
  return ray_attacks<0>(s, occ) | ray_attacks<1>(s, occ) | ray_attacks<4>(s, occ) | ray_attacks<5>(s, occ);
}
inline Bitboard bishop_attacks(Square s, Bitboard occ) {
  return ray_attacks<2>(s, occ) | ray_attacks<3>(s, occ) | ray_attacks<6>(s, occ) | ray_attacks<7>(s, occ);
}

// ---- Zobrist keys (fixed xorshift stream, so keys are stable across runs) ----

struct Zobrist {
  std::uint64_t piece_square[16][64]{};
  std::uint64_t castling[16]{};
  std::uint64_t ep_file[8]{};
  std::uint64_t side = 0;
};

constexpr Zobrist make_zobrist() {
  Zobrist z;
  std::uint64_t x = 1070372ULL;
  auto next = [&x] {
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    return x * 2685821657736338717ULL;
  };
  for (auto& p : z.piece_square)
    for (auto& k : p) k = next();
  for (auto& k : z.castling) k = next();
  for (auto& k : z.ep_file) k = next();
  z.side = next();
  return z;
}

constexpr Zobrist kZ = make_zobrist();

constexpr std::string_view kPieceChars = " PNBRQK  pnbrqk";
constexpr PieceType kPromotions[4] = {kQueen, kRook, kBishop, kKnight};

constexpr int push_dir(Color c) { return c == kWhite ? 8 : -8; }

inline void push_pawn_move(MoveList& list, Square from, Square to) {
  if (rank_of(to) == 0 || rank_of(to) == 7) {
    for (PieceType p : kPromotions) list.push(Move(from, to, Move::kPromotion, p));
  } else {
    list.push(Move(from, to));
  }
}

}  // namespace

Bitboard attacks_from(PieceType t, Square s, Bitboard occupied) {
  switch (t) {
    case kKnight: return kT.knight[s];
    case kBishop: return bishop_attacks(s, occupied);
    case kRook: return rook_attacks(s, occupied);
    case kQueen: return bishop_attacks(s, occupied) | rook_attacks(s, occupied);
    case kKing: return kT.king[s];
    default: return 0;
  }
}

Bitboard pawn_attacks(Color c, Square s) { return kT.pawn[c][s]; }

std::string square_name(Square s) { return {char('a' + file_of(s)), char('1' + rank_of(s))}; }

bool MoveList::contains(Move m) const { return std::find(begin(), end(), m) != end(); }

// ---- construction and FEN ----

Position::Position() { *this = from_fen(kStartFen); }

void Position::put_piece(Piece p, Square s) {
  board_[s] = p;
  by_type_[type_of(p)] |= square_bb(s);
  by_color_[color_of(p)] |= square_bb(s);
}

void Position::remove_piece(Square s) {
  Piece p = board_[s];
  by_type_[type_of(p)] ^= square_bb(s);
  by_color_[color_of(p)] ^= square_bb(s);
  board_[s] = kNoPiece;
}

void Position::move_piece(Square from, Square to) {
  Piece p = board_[from];
  Bitboard ft = square_bb(from) | square_bb(to);
  by_type_[type_of(p)] ^= ft;
  by_color_[color_of(p)] ^= ft;
  board_[from] = kNoPiece;
  board_[to] = p;
}

Square Position::king_square(Color c) const { return lsb(pieces(c, kKing)); }

Bitboard Position::attackers_to(Square s, Bitboard occ) const {
  return (kT.pawn[kBlack][s] & pieces(kWhite, kPawn)) | (kT.pawn[kWhite][s] & pieces(kBlack, kPawn)) |
         (kT.knight[s] & by_type_[kKnight]) | (kT.king[s] & by_type_[kKing]) |
         (rook_attacks(s, occ) & (by_type_[kRook] | by_type_[kQueen])) |
         (bishop_attacks(s, occ) & (by_type_[kBishop] | by_type_[kQueen]));
}

void Position::compute_key_and_checkers() {
  State& st = states_.back();
  st.key = side_ == kBlack ? kZ.side : 0;
  for (int s = 0; s < 64; ++s)
    if (board_[s] != kNoPiece) st.key ^= kZ.piece_square[board_[s]][s];
  st.key ^= kZ.castling[st.castling];
  if (st.ep != kNoSquare) st.key ^= kZ.ep_file[file_of(st.ep)];
  st.checkers = attackers_to(king_square(side_), pieces()) & pieces(~side_);
}

Position Position::from_fen(std::string_view fen) {
  std::vector<std::string> fields;
  {
    std::istringstream in{std::string(fen)};
    for (std::string f; in >> f;) fields.push_back(f);
  }
  auto fail = [](int field, std::string_view name, const std::string& what) {
    return FenError(fmt::format("FEN field {} ({}): {}", field, name, what));
  };
  if (fields.size() < 4 || fields.size() > 6)
    throw FenError(fmt::format("FEN needs 4 to 6 space-separated fields (placement, side, castling, en passant, "
                               "halfmove clock, fullmove number), got {}: '{}'",
                               fields.size(), fen));
  Position pos{Blank{}};
  pos.states_.reserve(256);
  pos.states_.push_back(State{});
  State& st = pos.states_.back();

  // 1: piece placement, rank 8 first.
  int rank = 7, file = 0;
  for (char c : fields[0]) {
    if (c == '/') {
      if (file != 8) throw fail(1, "piece placement", fmt::format("rank {} has {} squares, not 8", rank + 1, file));
      if (--rank < 0) throw fail(1, "piece placement", "more than 8 ranks");
      file = 0;
    } else if (c >= '1' && c <= '8') {
      file += c - '0';
      if (file > 8) throw fail(1, "piece placement", fmt::format("rank {} has more than 8 squares", rank + 1));
    } else {
      auto idx = kPieceChars.find(c);
      if (c == ' ' || idx == std::string_view::npos)
        throw fail(1, "piece placement", fmt::format("unknown piece letter '{}' (use PNBRQK / pnbrqk)", c));
      if (file > 7) throw fail(1, "piece placement", fmt::format("rank {} has more than 8 squares", rank + 1));
      pos.put_piece(Piece(idx), make_square(file++, rank));
    }
  }
  if (rank != 0 || file != 8)
    throw fail(1, "piece placement", fmt::format("needs 8 ranks of 8 squares, stopped at rank {} after {} squares",
                                                 rank + 1, file));
  for (Color c : {kWhite, kBlack}) {
    int kings = std::popcount(pos.pieces(c, kKing));
    if (kings != 1)
      throw fail(1, "piece placement", fmt::format("{} has {} kings, needs exactly 1", c == kWhite ? "White" : "Black",
                                                   kings));
  }
  if (pos.pieces(kPawn) & (kRank1 | kRank8)) throw fail(1, "piece placement", "a pawn stands on the first or last rank");

  // 2: side to move.
  if (fields[1] != "w" && fields[1] != "b")
    throw fail(2, "side to move", fmt::format("'{}' must be 'w' or 'b'", fields[1]));
  pos.side_ = fields[1] == "w" ? kWhite : kBlack;

  // 3: castling rights; each needs its king and rook at home.
  if (fields[2] != "-") {
    for (char c : fields[2]) {
      std::string_view letters = "KQkq";
      auto i = letters.find(c);
      if (i == std::string_view::npos)
        throw fail(3, "castling", fmt::format("'{}' is not one of K, Q, k, q or '-'", c));
      int right = 1 << i;
      if (st.castling & right) throw fail(3, "castling", fmt::format("'{}' appears twice", c));
      Color color = i < 2 ? kWhite : kBlack;
      Square king = color == kWhite ? kE1 : kE8;
      Square rook = Square((i % 2 == 0 ? kH1 : kA1) + (color == kWhite ? 0 : 56));
      if (pos.board_[king] != make_piece(color, kKing) || pos.board_[rook] != make_piece(color, kRook))
        throw fail(3, "castling", fmt::format("'{}' needs the king on {} and a rook on {}", c, square_name(king),
                                              square_name(rook)));
      st.castling |= right;
    }
  }

  // 4: en passant target: the square a pawn just skipped.
  if (fields[3] != "-") {
    const std::string& e = fields[3];
    if (e.size() != 2 || e[0] < 'a' || e[0] > 'h' || e[1] < '1' || e[1] > '8')
      throw fail(4, "en passant", fmt::format("'{}' is not a square or '-'", e));
    Square ep = make_square(e[0] - 'a', e[1] - '1');
    Color us = pos.side_;
    Square pawn_sq = Square(ep - push_dir(us));
    Square origin = Square(ep + push_dir(us));
    if (relative_rank(us, ep) != 5 || pos.board_[pawn_sq] != make_piece(~us, kPawn) ||
        pos.board_[ep] != kNoPiece || pos.board_[origin] != kNoPiece)
      throw fail(4, "en passant",
                 fmt::format("{} is not the square a {} pawn just skipped over", e, us == kWhite ? "black" : "white"));
    if (pos.en_passant_legal(ep)) st.ep = ep;
  }

  // 5, 6: clocks.
  auto number = [&](int field, std::string_view name, int min) {
    const std::string& f = fields[field - 1];
    int v = 0;
    auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (ec != std::errc() || p != f.data() + f.size() || v < min)
      throw fail(field, name, fmt::format("'{}' must be an integer >= {}", f, min));
    return v;
  };
  st.rule50 = fields.size() > 4 ? number(5, "halfmove clock", 0) : 0;
  pos.fullmove_ = fields.size() > 5 ? number(6, "fullmove number", 1) : 1;

  if (pos.attackers_to(pos.king_square(~pos.side_), pos.pieces()) & pos.pieces(pos.side_))
    throw fail(2, "side to move", "the side not to move is in check");
  pos.compute_key_and_checkers();
  return pos;
}

std::string Position::fen() const {
  std::string out;
  for (int r = 7; r >= 0; --r) {
    int empty = 0;
    for (int f = 0; f < 8; ++f) {
      Piece p = board_[make_square(f, r)];
      if (p == kNoPiece) {
        ++empty;
        continue;
      }
      if (empty) out += char('0' + empty), empty = 0;
      out += kPieceChars[p];
    }
    if (empty) out += char('0' + empty);
    if (r) out += '/';
  }
  out += side_ == kWhite ? " w " : " b ";
  int cr = state().castling;
  if (!cr) out += '-';
  for (int i = 0; i < 4; ++i)
    if (cr & (1 << i)) out += "KQkq"[i];
  out += ' ';
  out += state().ep == kNoSquare ? "-" : square_name(state().ep);
  out += fmt::format(" {} {}", state().rule50, fullmove_);
  return out;
}

std::string Position::ascii() const {
  std::string out;
  for (int r = 7; r >= 0; --r) {
    out += char('1' + r);
    for (int f = 0; f < 8; ++f) {
      Piece p = board_[make_square(f, r)];
      out += ' ';
      out += p == kNoPiece ? '.' : kPieceChars[p];
    }
    out += '\n';
  }
  out += "  a b c d e f g h\n";
  return out;
}

// ---- legality helpers ----

Bitboard Position::blockers_for_king(Color c) const {
  Square ksq = king_square(c);
  Bitboard snipers = ((kT.rook_empty[ksq] & (by_type_[kRook] | by_type_[kQueen])) |
                      (kT.bishop_empty[ksq] & (by_type_[kBishop] | by_type_[kQueen]))) &
                     pieces(~c);
  Bitboard occ = pieces(), blockers = 0;
  while (snipers) {
    Bitboard b = kT.between[ksq][pop_lsb(snipers)] & occ;
    if (b && !more_than_one(b)) blockers |= b;
  }
  return blockers;
}

bool Position::en_passant_move_legal(Square from, Square to) const {
  Color us = side_;
  Square captured = Square(to - push_dir(us));
  Bitboard occ = (pieces() ^ square_bb(from) ^ square_bb(captured)) | square_bb(to);
  Square ksq = king_square(us);
  Bitboard them = pieces(~us) ^ square_bb(captured);
  return !((rook_attacks(ksq, occ) & (by_type_[kRook] | by_type_[kQueen]) & them) ||
           (bishop_attacks(ksq, occ) & (by_type_[kBishop] | by_type_[kQueen]) & them) ||
           (kT.knight[ksq] & by_type_[kKnight] & them) || (kT.pawn[us][ksq] & by_type_[kPawn] & them));
}

bool Position::en_passant_legal(Square ep) const {
  for (Bitboard b = kT.pawn[~side_][ep] & pieces(side_, kPawn); b;)
    if (en_passant_move_legal(pop_lsb(b), ep)) return true;
  return false;
}

// ---- move generation ----

MoveList Position::legal_moves() const {
  MoveList list;
  const Color us = side_, them = ~us;
  const Square ksq = king_square(us);
  const Bitboard occ = pieces(), ours = pieces(us), theirs = pieces(them);
  const Bitboard checkers = state().checkers;

  const Bitboard occ_without_king = occ ^ square_bb(ksq);
  for (Bitboard b = kT.king[ksq] & ~ours; b;) {
    Square to = pop_lsb(b);
    if (!(attackers_to(to, occ_without_king) & theirs)) list.push(Move(ksq, to));
  }
  if (more_than_one(checkers)) return list;

  const Bitboard target = checkers ? (kT.between[ksq][lsb(checkers)] | checkers) : ~ours;
  const Bitboard pinned = blockers_for_king(us) & ours;

  if (!checkers) {
    const int cr = state().castling & (us == kWhite ? (kWhiteOO | kWhiteOOO) : (kBlackOO | kBlackOOO));
    const int base = us == kWhite ? 0 : 56;
    auto safe = [&](int sq) { return !(attackers_to(Square(base + sq), occ) & theirs); };
    auto empty = [&](int sq) { return board_[base + sq] == kNoPiece; };
    if ((cr & (kWhiteOO | kBlackOO)) && empty(5) && empty(6) && safe(5) && safe(6))
      list.push(Move(ksq, Square(base + 6), Move::kCastling));
    if ((cr & (kWhiteOOO | kBlackOOO)) && empty(1) && empty(2) && empty(3) && safe(2) && safe(3))
      list.push(Move(ksq, Square(base + 2), Move::kCastling));
  }

  auto allowed = [&](Square from, Square to) {
    return !(pinned & square_bb(from)) || (kT.line[ksq][from] & square_bb(to));
  };

  for (PieceType pt : {kKnight, kBishop, kRook, kQueen}) {
    for (Bitboard pcs = pieces(us, pt); pcs;) {
      Square from = pop_lsb(pcs);
      Bitboard moves = attacks_from(pt, from, occ) & target;
      if (pinned & square_bb(from)) moves &= kT.line[ksq][from];
      while (moves) list.push(Move(from, pop_lsb(moves)));
    }
  }

  // Pawns.
  const int up = push_dir(us);
  const Bitboard pawns = pieces(us, kPawn);
  const Bitboard empty_sq = ~occ;
  const Bitboard third = rank_bb(us == kWhite ? 2 : 5);
  auto shift = [us](Bitboard b) { return us == kWhite ? b << 8 : b >> 8; };
  Bitboard single = shift(pawns) & empty_sq;
  Bitboard dbl = shift(single & third) & empty_sq & target;
  single &= target;
  while (single) {
    Square to = pop_lsb(single);
    Square from = Square(to - up);
    if (allowed(from, to)) push_pawn_move(list, from, to);
  }
  while (dbl) {
    Square to = pop_lsb(dbl);
    Square from = Square(to - 2 * up);
    if (allowed(from, to)) list.push(Move(from, to));
  }
  for (Bitboard p = pawns; p;) {
    Square from = pop_lsb(p);
    for (Bitboard caps = kT.pawn[us][from] & theirs & target; caps;) {
      Square to = pop_lsb(caps);
      if (allowed(from, to)) push_pawn_move(list, from, to);
    }
  }
  if (Square ep = state().ep; ep != kNoSquare)
    for (Bitboard b = kT.pawn[them][ep] & pawns; b;) {
      Square from = pop_lsb(b);
      if (en_passant_move_legal(from, ep)) list.push(Move(from, ep, Move::kEnPassant));
    }
  return list;
}

MoveList Position::pseudo_legal_moves() const {
  MoveList list;
  const Color us = side_;
  const Bitboard occ = pieces(), ours = pieces(us), theirs = pieces(~us);
  for (PieceType pt : {kKnight, kBishop, kRook, kQueen, kKing})
    for (Bitboard pcs = pieces(us, pt); pcs;) {
      Square from = pop_lsb(pcs);
      for (Bitboard m = attacks_from(pt, from, occ) & ~ours; m;) list.push(Move(from, pop_lsb(m)));
    }
  const int cr = state().castling & (us == kWhite ? (kWhiteOO | kWhiteOOO) : (kBlackOO | kBlackOOO));
  const int base = us == kWhite ? 0 : 56;
  auto empty = [&](int sq) { return board_[base + sq] == kNoPiece; };
  if ((cr & (kWhiteOO | kBlackOO)) && empty(5) && empty(6))
    list.push(Move(Square(base + 4), Square(base + 6), Move::kCastling));
  if ((cr & (kWhiteOOO | kBlackOOO)) && empty(1) && empty(2) && empty(3))
    list.push(Move(Square(base + 4), Square(base + 2), Move::kCastling));
  const int up = push_dir(us);
  for (Bitboard p = pieces(us, kPawn); p;) {
    Square from = pop_lsb(p);
    Square one = Square(from + up);
    if (board_[one] == kNoPiece) {
      push_pawn_move(list, from, one);
      Square two = Square(one + up);
      if (relative_rank(us, from) == 1 && board_[two] == kNoPiece) list.push(Move(from, two));
    }
    for (Bitboard caps = kT.pawn[us][from] & theirs; caps;) push_pawn_move(list, from, pop_lsb(caps));
    if (state().ep != kNoSquare && (kT.pawn[us][from] & square_bb(state().ep)))
      list.push(Move(from, state().ep, Move::kEnPassant));
  }
  return list;
}

// ---- make / unmake ----

void Position::do_move(Move m) {
  const State previous = states_.back();
  states_.push_back(previous);
  State& st = states_.back();
  const Color us = side_, them = ~us;
  const Square from = m.from(), to = m.to();
  const Piece pc = board_[from];
  st.captured = kNoPiece;
  ++st.rule50;
  st.key ^= kZ.side;
  if (st.ep != kNoSquare) {
    st.key ^= kZ.ep_file[file_of(st.ep)];
    st.ep = kNoSquare;
  }

  if (m.kind() == Move::kCastling) {
    const bool king_side = to > from;
    const Square rook_from = Square(king_side ? to + 1 : to - 2), rook_to = Square(king_side ? to - 1 : to + 1);
    const Piece rook = board_[rook_from];
    move_piece(from, to);
    move_piece(rook_from, rook_to);
    st.key ^= kZ.piece_square[pc][from] ^ kZ.piece_square[pc][to] ^ kZ.piece_square[rook][rook_from] ^
              kZ.piece_square[rook][rook_to];
  } else {
    const Square capsq = m.kind() == Move::kEnPassant ? Square(to - push_dir(us)) : to;
    if (const Piece captured = board_[capsq]; captured != kNoPiece) {
      remove_piece(capsq);
      st.key ^= kZ.piece_square[captured][capsq];
      st.captured = captured;
      st.rule50 = 0;
    }
    move_piece(from, to);
    st.key ^= kZ.piece_square[pc][from] ^ kZ.piece_square[pc][to];
    if (type_of(pc) == kPawn) {
      st.rule50 = 0;
      if (m.kind() == Move::kPromotion) {
        const Piece promoted = make_piece(us, m.promotion());
        remove_piece(to);
        put_piece(promoted, to);
        st.key ^= kZ.piece_square[pc][to] ^ kZ.piece_square[promoted][to];
      }
    }
  }

  const int cr = st.castling & kT.castling_mask[from] & kT.castling_mask[to];
  if (cr != st.castling) {
    st.key ^= kZ.castling[st.castling] ^ kZ.castling[cr];
    st.castling = cr;
  }

  side_ = them;
  if (us == kBlack) ++fullmove_;
  st.checkers = attackers_to(king_square(them), pieces()) & pieces(us);

  if (type_of(pc) == kPawn && (from ^ to) == 16) {
    const Square ep = Square((from + to) / 2);
    if ((kT.pawn[us][ep] & pieces(them, kPawn)) && en_passant_legal(ep)) {
      st.ep = ep;
      st.key ^= kZ.ep_file[file_of(ep)];
    }
  }
}

void Position::undo_move(Move m) {
  side_ = ~side_;
  const Color us = side_;
  if (us == kBlack) --fullmove_;
  const Square from = m.from(), to = m.to();
  const State& st = states_.back();

  if (m.kind() == Move::kCastling) {
    const bool king_side = to > from;
    move_piece(to, from);
    move_piece(Square(king_side ? to - 1 : to + 1), Square(king_side ? to + 1 : to - 2));
  } else {
    if (m.kind() == Move::kPromotion) {
      remove_piece(to);
      put_piece(make_piece(us, kPawn), to);
    }
    move_piece(to, from);
    if (st.captured != kNoPiece)
      put_piece(st.captured, m.kind() == Move::kEnPassant ? Square(to - push_dir(us)) : to);
  }
  states_.pop_back();
}

// ---- draw rules ----

int Position::repetition_count() const {
  const int n = int(states_.size());
  const int end = std::min(state().rule50, n - 1);
  int count = 1;
  for (int i = 4; i <= end; i += 2)
    if (states_[n - 1 - i].key == state().key) ++count;
  return count;
}

bool Position::insufficient_material() const {
  if (by_type_[kPawn] | by_type_[kRook] | by_type_[kQueen]) return false;
  const Bitboard minors = by_type_[kKnight] | by_type_[kBishop];
  if (!more_than_one(minors)) return true;
  constexpr Bitboard kDark = 0xAA55AA55AA55AA55ULL;
  const Bitboard bishops = by_type_[kBishop];
  return !by_type_[kKnight] && (!(bishops & kDark) || !(bishops & ~kDark));
}

// ---- perft ----

std::uint64_t perft(Position& pos, int depth) {
  if (depth <= 0) return 1;
  const MoveList moves = pos.legal_moves();
  if (depth == 1) return moves.size();
  std::uint64_t nodes = 0;
  for (Move m : moves) {
    pos.do_move(m);
    nodes += perft(pos, depth - 1);
    pos.undo_move(m);
  }
  return nodes;
}

std::vector<std::pair<Move, std::uint64_t>> perft_divide(Position& pos, int depth) {
  std::vector<std::pair<Move, std::uint64_t>> out;
  for (Move m : pos.legal_moves()) {
    pos.do_move(m);
    out.emplace_back(m, perft(pos, depth - 1));
    pos.undo_move(m);
  }
  return out;
}

}  // namespace gauntlet::games::chess
