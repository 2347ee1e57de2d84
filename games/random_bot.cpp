// RandomBot: a uniformly random legal mover for any game (from legal_moves()).
#include <random>
#include <stdexcept>

#include "games/game_factories.h"

namespace gauntlet::games {
namespace {

class RandomBot : public Bot {
 public:
  explicit RandomBot(std::uint64_t seed) : rng_(seed) {}
  std::string name() const override { return "random"; }
  std::string choose_move(const Game& game) override {
    auto moves = game.legal_moves();
    if (moves.empty()) throw std::runtime_error("random bot: no legal move in " + game.name());
    std::uniform_int_distribution<std::size_t> pick(0, moves.size() - 1);
    return moves[pick(rng_)];
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

std::unique_ptr<Bot> make_random_bot(std::uint64_t seed) { return std::make_unique<RandomBot>(seed); }

}  // namespace gauntlet::games
