// PokerHeuristicBot: a simple player. Sorts its hand into a tier (0 weak .. 3 very strong): preflop
// by pairs, high cards and suitedness; postflop by the made hand's category and whether the hole
// cards improve on the board. Tier 3 bets or raises big; otherwise it checks when free and calls
// when the tier's rough equity beats the pot odds, else folds. Always picks one of legal_moves().
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "games/game_factories.h"
#include "games/poker_game.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

int preflop_tier(std::array<Card, 2> hole) {
  int hi = std::max(card_rank(hole[0]), card_rank(hole[1])), lo = std::min(card_rank(hole[0]), card_rank(hole[1]));
  bool suited = card_suit(hole[0]) == card_suit(hole[1]);
  constexpr int kFour = 2, kSix = 4, kEight = 6, kNine = 7, kTen = 8, kJack = 9, kQueen = 10, kKing = 11, kAce = 12;
  if (hi == lo) return hi >= kNine ? 3 : hi >= kFour + 1 ? 2 : 1;
  if (hi == kAce) return lo >= kQueen ? 3 : lo >= kSix || suited ? 2 : 1;
  if (hi == kKing) return lo >= kJack ? 2 : 1;
  if (lo >= kTen || (suited && hi - lo <= 2 && lo >= kSix) || lo >= kEight) return 1;
  return 0;
}

int postflop_tier(std::array<Card, 2> hole, const std::vector<Card>& board) {
  std::uint64_t board_mask = 0;
  for (Card c : board) board_mask |= card_bit(c);
  HandValue on_board = evaluate_mask(board_mask);
  HandValue mine = evaluate_mask(board_mask | card_bit(hole[0]) | card_bit(hole[1]));
  if (mine.category <= on_board.category) return 0;  // the hole cards add nothing
  if (mine.category >= HandCategory::TwoPair) return 3;
  // One pair made with a hole card: top pair or an overpair is tier 2.
  int top_board = 0;
  for (Card c : board) top_board = std::max(top_board, card_rank(c));
  int pair_rank = static_cast<int>((mine.strength >> 13) & 0xf);
  return pair_rank >= top_board ? 2 : 1;
}

class PokerHeuristicBot : public Bot {
 public:
  explicit PokerHeuristicBot(std::uint64_t seed) : rng_(seed) {}
  std::string name() const override { return "heuristic"; }

  std::string choose_move(const Game& game) override {
    const auto* g = dynamic_cast<const PokerGame*>(&game);
    if (!g) throw std::runtime_error("poker heuristic bot: game is " + game.name());
    auto moves = g->legal_moves();
    if (moves.empty()) throw std::runtime_error("poker heuristic bot: the match is over");
    auto has = [&](const std::string& m) { return std::find(moves.begin(), moves.end(), m) != moves.end(); };
    const int seat = g->to_move();
    const auto board = g->board();
    int tier = board.empty() ? preflop_tier(g->hole_cards(seat)) : postflop_tier(g->hole_cards(seat), board);
    const int to_call = g->to_call();
    const int pot = g->pot();
    const std::string passive = has("check") ? "check" : "call";
    // Rough chance to beat one random hand per tier, compounded over the opponents still in.
    static constexpr double kEquity[2][4] = {{0.36, 0.52, 0.6, 0.72}, {0.3, 0.55, 0.7, 0.85}};
    int opponents = 0;
    for (int i = 0; i < g->players(); ++i) opponents += i != seat && g->dealt_in(i) && !g->folded(i);
    const double equity = std::pow(kEquity[board.empty() ? 0 : 1][tier], opponents);
    const bool worth_calling = to_call > 0 && equity > static_cast<double>(to_call) / (pot + to_call);

    if (tier == 3) {
      // The largest sized bet or raise below all-in, else all-in, else call.
      for (auto it = moves.rbegin(); it != moves.rend(); ++it)
        if (it->starts_with("bet ") || it->starts_with("raise ")) return *it;
      return has("all-in") ? "all-in" : passive;
    }
    if (tier == 2 && to_call == 0 && moves.size() > 1 && moves[1].starts_with("bet ") && rng_.below(2) == 0)
      return moves[1];  // a small bet
    if (to_call == 0) return "check";
    return worth_calling ? "call" : "fold";
  }

 private:
  SplitMix64 rng_;
};

}  // namespace

std::unique_ptr<Bot> make_poker_heuristic_bot(const nlohmann::json& options, std::uint64_t seed) {
  for (const auto& [key, value] : options.items())
    throw GameConfigError(fmt::format("bot 'heuristic' (poker): unknown option '{}' (it takes none)", key));
  return std::make_unique<PokerHeuristicBot>(seed);
}

}  // namespace gauntlet::games
