#include "games/chess_notation.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>

namespace gauntlet::games::chess {
namespace {

constexpr std::string_view kPieceLetters = "  NBRQK";  // index = PieceType; pawns have none in SAN
constexpr std::string_view kPieceNames[] = {"", "pawn", "knight", "bishop", "rook", "queen", "king"};

std::string_view color_name(Color c) { return c == kWhite ? "White" : "Black"; }
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

PieceType piece_from_letter(char c) {
  switch (std::toupper(static_cast<unsigned char>(c))) {
    case 'N': return kKnight;
    case 'B': return kBishop;
    case 'R': return kRook;
    case 'Q': return kQueen;
    case 'K': return kKing;
    default: return kNoPieceType;
  }
}

bool is_file(char c) { return c >= 'a' && c <= 'h'; }
bool is_rank(char c) { return c >= '1' && c <= '8'; }

// A move as written, before it is matched against the position. piece == kNoPieceType means
// "whatever stands on the from-square" (UCI / long algebraic without a piece letter).
struct Pattern {
  PieceType piece = kPawn;
  int from_file = -1;
  int from_rank = -1;
  Square to = kNoSquare;
  PieceType promotion = kNoPieceType;
  bool full_from() const { return from_file >= 0 && from_rank >= 0; }
};

// `core`: a move with x : - = / ( ) removed and the piece letter (if any) already taken off.
std::optional<Pattern> scan(std::string_view core, PieceType piece, bool had_letter) {
  Pattern p;
  p.piece = piece;
  std::string s(core);
  if (s.size() >= 3 && piece_from_letter(s.back()) != kNoPieceType && piece_from_letter(s.back()) != kKing &&
      is_rank(s[s.size() - 2])) {
    p.promotion = piece_from_letter(s.back());
    s.pop_back();
  }
  if (s.size() < 2 || s.size() > 4 || !is_file(s[s.size() - 2]) || !is_rank(s.back())) return std::nullopt;
  p.to = make_square(s[s.size() - 2] - 'a', s.back() - '1');
  std::string_view prefix = std::string_view(s).substr(0, s.size() - 2);
  if (prefix.size() == 2) {
    if (!is_file(prefix[0]) || !is_rank(prefix[1])) return std::nullopt;
    p.from_file = prefix[0] - 'a', p.from_rank = prefix[1] - '1';
  } else if (prefix.size() == 1) {
    if (is_file(prefix[0])) p.from_file = prefix[0] - 'a';
    else if (is_rank(prefix[0])) p.from_rank = prefix[0] - '1';
    else return std::nullopt;
  }
  if (!had_letter && p.full_from()) p.piece = kNoPieceType;
  if (p.promotion != kNoPieceType && had_letter) return std::nullopt;
  return p;
}

struct Token {
  std::string shown;   // what the player wrote, trimmed, for messages
  std::string core;    // x : - = / ( ) + # ! ? removed
  std::optional<bool> castle_long;  // set for castling
  std::vector<Pattern> patterns;    // usually one; "bc4" reads as b-pawn, then as bishop
};

std::string trim_token(std::string_view text) {
  auto keep_start = [](char c) { return std::isalnum(static_cast<unsigned char>(c)); };
  auto keep_end = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == ')'; };
  std::size_t b = 0, e = text.size();
  while (b < e && !keep_start(text[b])) ++b;
  while (e > b && !keep_end(text[e - 1])) --e;
  return std::string(text.substr(b, e - b));
}

std::optional<Token> tokenize_move(std::string_view text) {
  Token t;
  t.shown = trim_token(text);
  // "12.Nf3", "1...e5": drop a move number.
  if (auto dot = t.shown.find('.'); dot != std::string::npos && dot > 0 &&
                                    std::all_of(t.shown.begin(), t.shown.begin() + long(dot), ::isdigit))
    t.shown = trim_token(std::string_view(t.shown).substr(dot));
  if (t.shown.empty()) return std::nullopt;
  for (char c : t.shown)
    if (std::string_view("x:-=/()").find(c) == std::string_view::npos) t.core += c;
  if (t.core.empty()) return std::nullopt;

  std::string castle;
  for (char c : t.core) castle += (c == '0' || c == 'o') ? 'O' : c;
  if (castle == "OO" || castle == "OOO") {
    t.castle_long = castle.size() == 3;
    return t;
  }
  const char c0 = t.core[0];
  const PieceType letter = piece_from_letter(c0);
  const bool upper = std::isupper(static_cast<unsigned char>(c0));
  if (letter != kNoPieceType && (upper || c0 != 'b')) {
    if (auto p = scan(std::string_view(t.core).substr(1), letter, true)) t.patterns.push_back(*p);
  } else if (c0 == 'b') {
    if (auto p = scan(t.core, kPawn, false)) t.patterns.push_back(*p);
    if (auto p = scan(std::string_view(t.core).substr(1), kBishop, true)) t.patterns.push_back(*p);
  } else if (auto p = scan(t.core, kPawn, false)) {
    t.patterns.push_back(*p);
  }
  if (t.patterns.empty()) return std::nullopt;
  return t;
}

struct Matches {
  std::vector<Move> moves;
  std::vector<Move> need_promotion;  // promotions written without the piece
};

Matches match(const Position& pos, const MoveList& moves, const Pattern& p) {
  Matches out;
  for (Move m : moves) {
    if (m.to() != p.to) continue;
    PieceType pt = type_of(pos.piece_on(m.from()));
    if (p.piece != kNoPieceType && pt != p.piece) continue;
    if (p.from_file >= 0 && file_of(m.from()) != p.from_file) continue;
    if (p.from_rank >= 0 && rank_of(m.from()) != p.from_rank) continue;
    if (m.kind() == Move::kPromotion) {
      if (p.promotion == kNoPieceType) {
        out.need_promotion.push_back(m);
        continue;
      }
      if (m.promotion() != p.promotion) continue;
    } else if (p.promotion != kNoPieceType) {
      continue;
    }
    out.moves.push_back(m);
  }
  // A bare pawn move ("d5") is a push; fall back to captures only when no push fits.
  if (p.piece == kPawn && p.from_file < 0) {
    std::vector<Move> pushes;
    for (Move m : out.moves)
      if (file_of(m.from()) == file_of(m.to())) pushes.push_back(m);
    if (!pushes.empty()) out.moves = pushes;
  }
  return out;
}

std::string join_or(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string explain_castling(const Position& pos, bool long_side, std::string_view label) {
  const Color us = pos.side_to_move();
  const int right = long_side ? (us == kWhite ? kWhiteOOO : kBlackOOO) : (us == kWhite ? kWhiteOO : kBlackOO);
  const std::string side = long_side ? "queenside" : "kingside";
  if (!(pos.castling_rights() & right))
    return fmt::format("{}: {} can no longer castle {} (king or rook has moved)", label, color_name(us), side);
  const int base = us == kWhite ? 0 : 56;
  for (int f : long_side ? std::vector<int>{1, 2, 3} : std::vector<int>{5, 6})
    if (pos.piece_on(Square(base + f)) != kNoPiece)
      return fmt::format("{}: {} is not empty", label, square_name(Square(base + f)));
  if (pos.in_check()) return fmt::format("{}: cannot castle out of check", label);
  for (int f : long_side ? std::vector<int>{3, 2} : std::vector<int>{5, 6})
    if (pos.is_attacked(Square(base + f), ~us))
      return fmt::format("{}: the king would pass through or land on an attacked square ({})", label,
                         square_name(Square(base + f)));
  return fmt::format("{}: castling is not legal here", label);
}

std::string explain_illegal(const Position& pos, const Pattern& p, std::string_view label) {
  const Color us = pos.side_to_move();
  auto pseudo = match(pos, pos.pseudo_legal_moves(), p);
  if (!pseudo.moves.empty() || !pseudo.need_promotion.empty()) {
    const Move m = pseudo.moves.empty() ? pseudo.need_promotion[0] : pseudo.moves[0];
    const PieceType pt = type_of(pos.piece_on(m.from()));
    if (pt == kKing) return fmt::format("{}: king would be in check", label);
    if (pos.in_check()) return fmt::format("{}: king would be in check (the move does not answer the check)", label);
    return fmt::format("{}: king would be in check (the {} on {} is pinned)", label, kPieceNames[pt],
                       square_name(m.from()));
  }
  if (p.full_from()) {
    const Square from = make_square(p.from_file, p.from_rank);
    const Piece pc = pos.piece_on(from);
    if (pc == kNoPiece) return fmt::format("{}: there is no piece on {}", label, square_name(from));
    if (color_of(pc) != us)
      return fmt::format("{}: the {} on {} belongs to {}; {} is to move", label, kPieceNames[type_of(pc)],
                         square_name(from), color_name(~us), color_name(us));
    if (p.piece != kNoPieceType && type_of(pc) != p.piece)
      return fmt::format("{}: the piece on {} is a {}, not a {}", label, square_name(from), kPieceNames[type_of(pc)],
                         kPieceNames[p.piece]);
    return fmt::format("{}: the {} on {} cannot move to {}", label, kPieceNames[type_of(pc)], square_name(from),
                       square_name(p.to));
  }
  if (!pos.pieces(us, p.piece)) return fmt::format("{}: {} has no {}", label, color_name(us), kPieceNames[p.piece]);
  if (p.promotion != kNoPieceType && relative_rank(us, p.to) != 7)
    return fmt::format("{}: only a pawn reaching the last rank can promote", label);
  return fmt::format("{}: no {} {} can move to {}", label, lower(color_name(us)), kPieceNames[p.piece],
                     square_name(p.to));
}

std::optional<Move> fail(std::string* reason, std::string text) {
  if (reason) *reason = std::move(text);
  return std::nullopt;
}

std::optional<Move> resolve(Position& pos, const Token& t, std::string* reason) {
  const MoveList legal = pos.legal_moves();
  const std::string& label = t.shown;
  if (legal.empty())
    return fail(reason, fmt::format("{}: no legal moves, the game is over ({})", label,
                                    pos.in_check() ? "checkmate" : "stalemate"));
  if (t.castle_long) {
    const int base = pos.side_to_move() == kWhite ? 0 : 56;
    const Move castle(Square(base + 4), Square(base + (*t.castle_long ? 2 : 6)), Move::kCastling);
    if (legal.contains(castle)) return castle;
    return fail(reason, explain_castling(pos, *t.castle_long, label));
  }
  // Readings in order of preference ("bc4": the b-pawn first, as SAN says, then a bishop); the
  // first reading that fits any legal move decides.
  std::vector<Move> found, need_promotion;
  for (const Pattern& p : t.patterns) {
    auto m = match(pos, legal, p);
    found = m.moves;
    need_promotion = m.need_promotion;
    if (!found.empty() || !need_promotion.empty()) break;
  }
  if (found.size() == 1) return found[0];
  if (found.size() > 1) {
    std::vector<std::string> sans;
    for (Move m : found) sans.push_back(to_san(pos, m));
    return fail(reason, fmt::format("{} is ambiguous: {}", label, join_or(sans)));
  }
  if (!need_promotion.empty()) {
    const std::string to = square_name(need_promotion[0].to());
    return fail(reason, fmt::format("{}: say which piece to promote to ({}=Q, {}=R, {}=B or {}=N)", label, to, to, to,
                                    to));
  }
  return fail(reason, explain_illegal(pos, t.patterns.front(), label));
}

}  // namespace

std::string to_uci(Move m) {
  std::string s = square_name(m.from()) + square_name(m.to());
  if (m.kind() == Move::kPromotion) s += "  nbrq"[m.promotion()];
  return s;
}

std::string to_san(Position& pos, Move m) {
  std::string san;
  const Square from = m.from(), to = m.to();
  const PieceType pt = type_of(pos.piece_on(from));
  if (m.kind() == Move::kCastling) {
    san = to > from ? "O-O" : "O-O-O";
  } else if (pt == kPawn) {
    if (pos.is_capture(m)) san = {char('a' + file_of(from)), 'x'};
    san += square_name(to);
    if (m.kind() == Move::kPromotion) san += {'=', kPieceLetters[m.promotion()]};
  } else {
    san = kPieceLetters[pt];
    bool others = false, same_file = false, same_rank = false;
    for (Move o : pos.legal_moves()) {
      if (o.to() != to || o.from() == from || type_of(pos.piece_on(o.from())) != pt) continue;
      others = true;
      same_file |= file_of(o.from()) == file_of(from);
      same_rank |= rank_of(o.from()) == rank_of(from);
    }
    if (others) {
      if (!same_file) san += char('a' + file_of(from));
      else if (!same_rank) san += char('1' + rank_of(from));
      else san += square_name(from);
    }
    if (pos.is_capture(m)) san += 'x';
    san += square_name(to);
  }
  pos.do_move(m);
  if (pos.in_check()) san += pos.legal_moves().empty() ? '#' : '+';
  pos.undo_move(m);
  return san;
}

std::optional<Move> parse_uci(const Position& pos, std::string_view text, std::string* reason) {
  const bool shape = (text.size() == 4 || text.size() == 5) && is_file(text[0]) && is_rank(text[1]) &&
                     is_file(text[2]) && is_rank(text[3]) &&
                     (text.size() == 4 || std::string_view("qrbn").find(text[4]) != std::string_view::npos);
  if (!shape) return fail(reason, fmt::format("'{}' is not a UCI move (like e2e4 or e7e8q)", text));
  Pattern p;
  p.piece = kNoPieceType;
  p.from_file = text[0] - 'a', p.from_rank = text[1] - '1';
  p.to = make_square(text[2] - 'a', text[3] - '1');
  if (text.size() == 5) p.promotion = piece_from_letter(text[4]);
  const MoveList legal = pos.legal_moves();
  auto m = match(pos, legal, p);
  if (m.moves.size() == 1) return m.moves[0];
  if (legal.empty()) return fail(reason, fmt::format("{}: no legal moves, the game is over", text));
  if (!m.need_promotion.empty())
    return fail(reason, fmt::format("{}: say which piece to promote to ({}q, {}r, {}b or {}n)", text, text, text, text,
                                    text));
  return fail(reason, explain_illegal(pos, p, text));
}

std::optional<Move> parse_san(Position& pos, std::string_view text, std::string* reason) {
  auto token = tokenize_move(text);
  if (!token)
    return fail(reason, fmt::format("'{}' is not a chess move; answer in SAN (e.g. Nf3, exd5, O-O, e8=Q) or UCI "
                                    "(e.g. g1f3)",
                                    trim_token(text)));
  return resolve(pos, *token, reason);
}

std::optional<Move> parse_move_text(Position& pos, std::string_view text, std::string* reason) {
  // Words, with markdown emphasis / code / \boxed{} noted as "marked as the answer".
  struct Word {
    std::string raw;
    bool marked = false;
  };
  std::vector<Word> words;
  {
    std::string cur;
    auto flush = [&] {
      if (!cur.empty()) words.push_back({cur, false});
      cur.clear();
    };
    for (char c : text) {
      if (std::isspace(static_cast<unsigned char>(c)) || c == '{' || c == '}' || c == ',' || c == ';' || c == '"' ||
          c == '\'')
        flush();
      else
        cur += c;
    }
    flush();
  }
  bool after_colon = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].raw;
    bool emphasis = w.find("**") != std::string::npos || w.find('`') != std::string::npos ||
                    (w.size() > 2 && w.front() == '*' && w.back() == '*');
    if (i > 0 && lower(words[i - 1].raw).find("boxed") != std::string::npos) emphasis = true;
    words[i].marked = emphasis || after_colon;
    std::string plain;
    for (char c : w)
      if (c != '*' && c != '`' && c != '_') plain += c;
    after_colon = !plain.empty() && plain.back() == ':';
  }

  struct Candidate {
    Token token;
    bool marked;
  };
  std::vector<Candidate> candidates;
  for (const Word& w : words)
    if (auto t = tokenize_move(w.raw)) candidates.push_back({*t, w.marked});
  if (candidates.empty())
    return fail(reason, "no chess move found in the answer; answer with one move in SAN (e.g. Nf3) or UCI (e.g. g1f3)");

  // Marked candidates, last first: the first legal one wins.
  std::string first_reason;
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
    if (!it->marked) continue;
    std::string why;
    if (auto m = resolve(pos, it->token, &why)) return m;
    if (first_reason.empty()) first_reason = why;
  }
  // Otherwise every legal move mentioned must agree.
  std::vector<Move> legal_found;
  std::vector<std::string> shown;
  std::string last_reason;
  for (const Candidate& c : candidates) {
    std::string why;
    if (auto m = resolve(pos, c.token, &why)) {
      if (std::find(legal_found.begin(), legal_found.end(), *m) == legal_found.end()) {
        legal_found.push_back(*m);
        shown.push_back(c.token.shown);
      }
    } else {
      last_reason = why;
    }
  }
  if (legal_found.size() == 1 && first_reason.empty()) return legal_found[0];
  if (!first_reason.empty()) return fail(reason, first_reason);
  if (legal_found.size() > 1)
    return fail(reason, fmt::format("the answer names several moves ({}); give exactly one move, e.g. **{}**",
                                    join_or(shown), shown.back()));
  return fail(reason, last_reason);
}

}  // namespace gauntlet::games::chess
