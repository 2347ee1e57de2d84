#pragma once
// Game: a deterministic turn-based state machine for head-to-head matches. Given the same seed, the
// same moves and the same check results it always reaches the same state. Rules and state only;
// players live elsewhere, and what a rule needs from outside (a verifier, the sandbox, judges) is
// asked for with a CheckRequest that the match's referee answers.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "games/check_request.h"

namespace gauntlet::games {

// Bad game options (unknown key, out-of-range value): names the game and the option.
class GameConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Legality {
  bool legal = false;
  std::string reason;  // human-readable, for re-prompting a player; empty when legal
};

struct Outcome {
  bool finished = false;
  // Per role, in roles() order: 1 win, 0 loss, 0.5 draw for two-player games; for multi-player
  // games a score whose order gives the final standing (e.g. chips, or rounds survived).
  std::vector<double> scores;
  std::string reason;  // "checkmate", "stalemate", "threefold repetition", "last player with dice", ...
};

class Game {
 public:
  virtual ~Game() = default;

  virtual std::string name() const = 0;
  virtual std::vector<std::string> roles() const = 0;
  // Index into roles() of the player to move; -1 once finished or while a check is pending.
  virtual int to_move() const = 0;
  // What the given role sees: rules, its private information, public state, a legal-move hint and
  // whatever history the game shows. Never reveals other roles' private information.
  virtual std::string observation(int role) const = 0;
  // Canonical moves available to the player to move (may be a representative subset when the move
  // space is continuous, e.g. poker bet sizes; parse_move accepts any legal move). Empty for games
  // whose moves are free text (questions, programs, messages, speeches).
  virtual std::vector<std::string> legal_moves() const = 0;
  // Free text (a model's answer) to a canonical move of the player to move; nullopt with `reason`
  // set when no move can be read, or the move read is illegal or ambiguous.
  virtual std::optional<std::string> parse_move(const std::string& text, std::string* reason) const = 0;
  // Applies a move given in canonical (or any parseable) form. An illegal move changes nothing.
  virtual Legality apply(const std::string& move) = 0;
  virtual Outcome outcome() const = 0;
  // Full state as text (FEN for chess, JSON for others) for logs and replays.
  virtual std::string state() const = 0;
  virtual std::unique_ptr<Game> clone() const = 0;

  // A check the game needs answered before play goes on (see check_request.h); nullopt when none.
  virtual std::optional<CheckRequest> pending_check() const { return std::nullopt; }
  // Answers the pending check. A result of the wrong shape is rejected and changes nothing.
  virtual Legality resolve_check(const nlohmann::json& /*result*/) { return {false, "no check is pending"}; }

  // Whether model players keep one conversation each across the match. If so, each turn adds
  // conversation_message(role) to the player's conversation; otherwise each turn is a fresh prompt
  // holding the whole observation (which for chess, dice and poker already shows the history).
  virtual bool conversational() const { return false; }
  // What `role` is told at its turn: everything it may see since its previous move and what to do
  // now; its first message also holds the rules and its private information.
  virtual std::string conversation_message(int role) const { return observation(role); }
};

// Names: "chess", "liars_dice", "poker", "mathquiz", "pyjail", "gandalf", "debate". `options` is the game's option object (may be empty);
// unknown games or options throw GameConfigError.
std::unique_ptr<Game> make_game(const std::string& name, const nlohmann::json& options, std::uint64_t seed);
std::vector<std::string> game_names();

}  // namespace gauntlet::games
