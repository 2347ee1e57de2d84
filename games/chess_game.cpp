#include "games/chess_game.h"

#include <fmt/format.h>

#include "games/chess_notation.h"
#include "games/game_factories.h"

namespace gauntlet::games {

using namespace chess;

ChessGame::ChessGame(Position start, int max_plies)
    : position_(std::move(start)),
      start_fen_(position_.fen()),
      start_fullmove_(position_.fullmove_number()),
      start_side_(position_.side_to_move()),
      max_plies_(max_plies) {
  outcome_ = compute_outcome();
}

int ChessGame::to_move() const { return outcome_.finished ? -1 : int(position_.side_to_move()); }

Outcome ChessGame::compute_outcome() const {
  auto draw = [](std::string reason) { return Outcome{true, {0.5, 0.5}, std::move(reason)}; };
  const Position& p = position_;
  if (p.legal_moves().empty()) {
    if (!p.in_check()) return draw("stalemate");
    Outcome o{true, {1.0, 1.0}, "checkmate"};
    o.scores[p.side_to_move()] = 0.0;
    return o;
  }
  if (p.insufficient_material()) return draw("insufficient material");
  if (p.halfmove_clock() >= 150) return draw("seventy-five-move rule");
  if (p.halfmove_clock() >= 100) return draw("fifty-move rule");
  const int reps = p.repetition_count();
  if (reps >= 5) return draw("fivefold repetition");
  if (reps >= 3) return draw("threefold repetition");
  if (max_plies_ > 0 && int(moves_.size()) >= max_plies_)
    return draw(fmt::format("adjudicated draw: max_plies ({}) reached", max_plies_));
  return Outcome{false, {0.0, 0.0}, ""};
}

std::string ChessGame::history_text() const {
  std::string out;
  int number = start_fullmove_;
  Color side = start_side_;
  for (std::size_t i = 0; i < san_.size(); ++i) {
    if (!out.empty()) out += ' ';
    if (side == kWhite) out += fmt::format("{}. ", number);
    else if (i == 0) out += fmt::format("{}... ", number);
    out += san_[i];
    if (side == kBlack) ++number;
    side = ~side;
  }
  return out;
}

std::string ChessGame::observation(int role) const {
  const Color me = role == 0 ? kWhite : kBlack;
  const Color stm = position_.side_to_move();
  Position pos = position_;
  std::string out = fmt::format("You are playing chess as {}.\n\n", me == kWhite ? "White" : "Black");
  out += fmt::format("Position (FEN): {}\n\nBoard (White pieces uppercase, Black lowercase, rank 8 at the top):\n{}\n",
                     pos.fen(), pos.ascii());
  out += fmt::format("Side to move: {}{}\n", stm == kWhite ? "White" : "Black", pos.in_check() ? " (in check)" : "");
  out += fmt::format("Moves so far (SAN): {}\n", san_.empty() ? "(none)" : history_text());
  if (outcome_.finished) {
    out += fmt::format("\nThe game is over: {}.\n", outcome_.reason);
    return out;
  }
  if (me != stm) {
    out += fmt::format("\nWaiting for {} to move.\n", stm == kWhite ? "White" : "Black");
    return out;
  }
  std::string uci, san;
  for (Move m : pos.legal_moves()) {
    uci += (uci.empty() ? "" : " ") + to_uci(m);
    san += (san.empty() ? "" : " ") + to_san(pos, m);
  }
  out += fmt::format("Legal moves (UCI): {}\nLegal moves (SAN): {}\n\n", uci, san);
  out += "Answer with exactly one legal move in SAN (e.g. Nf3, exd5, O-O, e8=Q) or UCI (e.g. g1f3, e7e8q), "
         "without a move number. If you explain your choice, put the move last in bold, like **Nf3**.\n";
  return out;
}

std::vector<std::string> ChessGame::legal_moves() const {
  std::vector<std::string> out;
  if (outcome_.finished) return out;
  for (Move m : position_.legal_moves()) out.push_back(to_uci(m));
  return out;
}

std::optional<std::string> ChessGame::parse_move(const std::string& text, std::string* reason) const {
  if (outcome_.finished) {
    if (reason) *reason = fmt::format("the game is over ({})", outcome_.reason);
    return std::nullopt;
  }
  Position pos = position_;
  auto m = parse_move_text(pos, text, reason);
  if (!m) return std::nullopt;
  return to_uci(*m);
}

Legality ChessGame::apply(const std::string& move) {
  if (outcome_.finished) return {false, fmt::format("the game is over ({})", outcome_.reason)};
  std::string reason;
  auto m = parse_move_text(position_, move, &reason);
  if (!m) return {false, reason};
  san_.push_back(to_san(position_, *m));
  moves_.push_back(*m);
  position_.do_move(*m);
  outcome_ = compute_outcome();
  return {true, ""};
}

std::unique_ptr<Game> make_chess_game(const nlohmann::json& options, std::uint64_t /*seed: chess is deterministic*/) {
  std::string fen(kStartFen);
  int max_plies = 0;
  for (const auto& [key, value] : options.items()) {
    if (key == "fen") {
      if (!value.is_string()) throw GameConfigError("game 'chess': option 'fen' must be a string");
      fen = value.get<std::string>();
    } else if (key == "max_plies") {
      if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > 100000)
        throw GameConfigError("game 'chess': option 'max_plies' must be an integer from 1 to 100000");
      max_plies = value.get<int>();
    } else {
      throw GameConfigError(fmt::format("game 'chess': unknown option '{}' (valid: fen, max_plies)", key));
    }
  }
  try {
    return std::make_unique<ChessGame>(Position::from_fen(fen), max_plies);
  } catch (const FenError& e) {
    throw GameConfigError(fmt::format("game 'chess': option 'fen': {}", e.what()));
  }
}

}  // namespace gauntlet::games
