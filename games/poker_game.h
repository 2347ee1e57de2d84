#pragma once
// PokerGame: no-limit Texas hold'em for 2-10 players over a number of hands, dealt from a seeded deck
// (hand k's deck depends only on the seed and k). Scores are the final chip counts.
//
// Moves: "fold", "check", "call", "bet N", "raise N", "all-in". N is the total the player has put in
// during the current betting round after the move ("raise 120" = raise TO 120); "raise by N" in free
// text means to current bet + N. "call" with nothing to call is a check; folding when a check is free
// is refused. A bet is at least the big blind; a raise adds at least the last full bet or raise of
// the round. An all-in short of a full raise does not reopen the betting for players who already
// acted (they may only call or fold unless facing a full raise in total). Heads-up the button posts
// the small blind and acts first preflop. Side pots are split by contribution level; an odd chip
// goes to the winner nearest the left of the button. Players with no chips sit out.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "games/game.h"
#include "games/hand_evaluator.h"

namespace gauntlet::games {

struct PokerOptions {
  int players = 2;
  int stack = 1000;
  std::vector<int> stacks;  // per-player starting stacks; overrides `stack` when set
  int small_blind = 5;
  int big_blind = 10;
  int hands = 10;
  // Cards of the first hand: seat i's hole cards at 2i, 2i+1, then the five board cards. For tests
  // and replays; the rest of the deck is seeded.
  std::vector<Card> first_deck;

  static PokerOptions from_json(const nlohmann::json& options);  // throws GameConfigError
};

class PokerGame : public Game {
 public:
  enum Street { Preflop, Flop, Turn, River };

  struct Pot {
    int amount = 0;
    std::vector<int> eligible;  // seats that can win it
  };

  PokerGame(const PokerOptions& options, std::uint64_t seed);

  std::string name() const override { return "poker"; }
  std::vector<std::string> roles() const override;
  int to_move() const override { return finished_ ? -1 : to_move_; }
  std::string observation(int role) const override;
  std::vector<std::string> legal_moves() const override;
  std::optional<std::string> parse_move(const std::string& text, std::string* reason) const override;
  Legality apply(const std::string& move) override;
  Outcome outcome() const override;
  std::string state() const override;
  std::unique_ptr<Game> clone() const override { return std::make_unique<PokerGame>(*this); }

  // Public state, for bots and tests.
  int players() const { return static_cast<int>(seats_.size()); }
  int stack(int seat) const { return seats_[seat].stack; }
  int committed(int seat) const { return seats_[seat].hand_total; }     // this hand
  int round_bet(int seat) const { return seats_[seat].street_bet; }     // this betting round
  bool folded(int seat) const { return seats_[seat].folded; }
  bool dealt_in(int seat) const { return seats_[seat].dealt; }
  std::array<Card, 2> hole_cards(int seat) const { return seats_[seat].hole; }
  std::vector<Card> board() const;
  Street street() const { return street_; }
  int button() const { return button_; }
  int hand_number() const { return hand_number_; }  // 1-based
  int big_blind() const { return big_blind_; }
  int pot() const;
  int total_chips() const;                         // stacks plus pot: constant over a match
  std::vector<Pot> pots() const;                   // main pot first
  int to_call() const;                             // for the player to move
  bool can_raise() const;                          // the player to move may bet or raise
  int min_raise_to() const;                        // smallest legal bet/raise total (capped at all-in)
  int max_raise_to() const;                        // all-in total for this round
  int current_bet() const { return current_bet_; }
  const std::vector<std::string>& hand_history() const { return history_; }

 private:
  struct Seat {
    int stack = 0;
    int street_bet = 0;
    int hand_total = 0;
    bool dealt = false;   // has cards this hand (had chips when it started)
    bool folded = false;
    bool needs_action = false;
    bool acted = false;   // acted in this round since the round began
    int acted_level = 0;  // the current bet right after its last action
    std::array<Card, 2> hole{};
  };
  enum class Intent { Fold, Check, Call, AllIn, Wager };
  struct Action {
    Intent intent = Intent::Fold;
    int amount = -1;  // wager amount, -1 when not given
    bool relative = false;
  };

  bool live(int seat) const { return seats_[seat].dealt && !seats_[seat].folded; }
  bool can_act(int seat) const { return live(seat) && seats_[seat].stack > 0; }
  int next_seat(int seat) const;  // next seat with chips or cards, clockwise
  std::string role(int seat) const { return "player_" + std::to_string(seat); }
  std::optional<std::string> resolve(const Action& action, std::string* reason) const;
  void start_hand();
  void post(int seat, int amount, const char* what);
  void commit(int seat, int amount);
  void advance(int from);  // next player to act from seat `from`, or the next street / showdown
  void start_street(Street street);
  void finish_hand();
  void award(const std::vector<int>& winners, int amount);

  std::vector<Seat> seats_;
  int small_blind_, big_blind_, hands_;
  std::uint64_t seed_;
  std::vector<Card> first_deck_;
  std::vector<Card> deck_;  // this hand's deal order (see first_deck)
  int board_count_ = 0;
  Street street_ = Preflop;
  int button_ = 0;
  int hand_number_ = 0;
  int to_move_ = -1;
  int current_bet_ = 0;
  int min_raise_ = 0;  // size of the last full bet or raise this round
  bool finished_ = false;
  std::string end_reason_;
  std::vector<std::string> history_;  // this hand
  std::vector<std::string> last_hand_;  // summary of the previous hand
};

}  // namespace gauntlet::games
