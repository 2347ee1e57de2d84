#pragma once
// LiarsDiceGame: 2-8 players bid on how many dice among all players show a face; a call reveals the
// dice. Moves "[Bid] q f" and "[Call]". A new bid raises the quantity (any face) or keeps the
// quantity and raises the face. With ones_wild, ones also count for any other face bid. In
// "multi_round" mode the loser of a call loses a die and the last player with dice wins (scores =
// finishing place, 0 for the first out); in "single_round" mode (ZeroSumEval's) the first call decides
// (loser 0, everyone else 1). Each round's roll depends only on the seed and the round number.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "games/game.h"

namespace gauntlet::games {

struct LiarsDiceOptions {
  int players = 2;
  int dice = 5;
  int faces = 6;
  bool ones_wild = false;
  bool single_round = false;

  static LiarsDiceOptions from_json(const nlohmann::json& options);  // throws GameConfigError
};

class LiarsDiceGame : public Game {
 public:
  struct Bid {
    int quantity = 0;  // 0: no bid yet
    int face = 0;
    friend bool operator==(const Bid&, const Bid&) = default;
  };

  LiarsDiceGame(const LiarsDiceOptions& options, std::uint64_t seed);

  std::string name() const override { return "liars_dice"; }
  std::vector<std::string> roles() const override;
  int to_move() const override { return finished_ ? -1 : to_move_; }
  std::string observation(int role) const override;
  std::vector<std::string> legal_moves() const override;
  std::optional<std::string> parse_move(const std::string& text, std::string* reason) const override;
  Legality apply(const std::string& move) override;
  Outcome outcome() const override;
  std::string state() const override;
  std::unique_ptr<Game> clone() const override { return std::make_unique<LiarsDiceGame>(*this); }

  // Public state, for bots and tests.
  const LiarsDiceOptions& options() const { return options_; }
  const std::vector<int>& dice(int seat) const { return dice_[seat]; }  // sorted
  int total_dice() const;
  Bid current_bid() const { return bid_; }
  int bidder() const { return bidder_; }
  int round() const { return round_; }
  // Whether `next` is a legal raise over `current` (quantity up, or same quantity and face up).
  static bool outbids(const Bid& next, const Bid& current);
  // Dice among all players that count for `face` (ones included when wild and face != 1).
  int count_matching(int face) const;
  bool counts_for(int die, int face) const { return die == face || (options_.ones_wild && face != 1 && die == 1); }

 private:
  std::string role(int seat) const { return "player_" + std::to_string(seat); }
  int next_with_dice(int seat) const;
  void roll();
  static std::string format_bid(const Bid& b) { return "[Bid] " + std::to_string(b.quantity) + " " + std::to_string(b.face); }
  std::optional<std::string> check_bid(const Bid& b, std::string* reason) const;

  LiarsDiceOptions options_;
  std::uint64_t seed_;
  std::vector<std::vector<int>> dice_;
  Bid bid_;
  int bidder_ = -1;
  int to_move_ = 0;
  int round_ = 0;
  bool finished_ = false;
  std::vector<int> out_order_;          // seats in the order they lost their last die
  std::vector<double> scores_;
  std::string end_reason_;
  std::vector<std::string> history_;    // this round's moves
  std::vector<std::string> past_rounds_;
};

}  // namespace gauntlet::games
