// LiarsDiceHeuristicBot: estimates each bid's chance of holding from its own dice and a binomial
// model of the unseen dice; calls when the current bid is less likely to hold than its best raise,
// otherwise makes the most likely raise (ties broken by a seeded coin, then the smallest raise).
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "games/game_factories.h"
#include "games/liars_dice_game.h"
#include "games/split_mix64.h"

namespace gauntlet::games {
namespace {

// P(Binomial(n, p) >= k).
double binomial_tail(int n, double p, int k) {
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  double term = std::pow(1.0 - p, n), below = 0.0;  // P(X = 0)
  for (int i = 0; i < k; ++i) {
    below += term;
    term *= static_cast<double>(n - i) / (i + 1) * p / (1.0 - p);
  }
  return std::max(0.0, 1.0 - below);
}

class LiarsDiceHeuristicBot : public Bot {
 public:
  explicit LiarsDiceHeuristicBot(std::uint64_t seed) : rng_(seed) {}
  std::string name() const override { return "heuristic"; }

  std::string choose_move(const Game& game) override {
    const auto* g = dynamic_cast<const LiarsDiceGame*>(&game);
    if (!g) throw std::runtime_error("liars_dice heuristic bot: game is " + game.name());
    const int seat = g->to_move();
    if (seat < 0) throw std::runtime_error("liars_dice heuristic bot: the game is over");
    const auto& own = g->dice(seat);
    const int unseen = g->total_dice() - static_cast<int>(own.size());
    const auto& o = g->options();
    auto holds = [&](const LiarsDiceGame::Bid& b) {
      int known = 0;
      for (int d : own) known += g->counts_for(d, b.face);
      double p = (o.ones_wild && b.face != 1 ? 2.0 : 1.0) / o.faces;
      return binomial_tail(unseen, p, b.quantity - known);
    };
    const auto current = g->current_bid();
    double best = -1.0;
    LiarsDiceGame::Bid best_bid;
    for (int q = std::max(1, current.quantity); q <= g->total_dice(); ++q)
      for (int f = 1; f <= o.faces; ++f) {
        LiarsDiceGame::Bid b{q, f};
        if (current.quantity && !LiarsDiceGame::outbids(b, current)) continue;
        double jitter = static_cast<double>(rng_.below(1000)) * 1e-6;
        if (holds(b) + jitter > best) best = holds(b) + jitter, best_bid = b;
      }
    if (current.quantity && (best < 0 || 1.0 - holds(current) > best)) return "[Call]";
    if (best < 0) throw std::runtime_error("liars_dice heuristic bot: no legal move");
    return fmt::format("[Bid] {} {}", best_bid.quantity, best_bid.face);
  }

 private:
  SplitMix64 rng_;
};

}  // namespace

std::unique_ptr<Bot> make_liars_dice_heuristic_bot(const nlohmann::json& options, std::uint64_t seed) {
  for (const auto& [key, value] : options.items())
    throw GameConfigError(fmt::format("bot 'heuristic' (liars_dice): unknown option '{}' (it takes none)", key));
  return std::make_unique<LiarsDiceHeuristicBot>(seed);
}

}  // namespace gauntlet::games
