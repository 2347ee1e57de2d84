#pragma once
// Game: a deterministic turn-based state machine for head-to-head matches. Given the same seed and
// the same moves it always reaches the same state. Rules and state only; players live elsewhere.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  // Index into roles() of the player to move; -1 once finished.
  virtual int to_move() const = 0;
  // What the given role sees: rules, its private information, public state, a legal-move hint and
  // whatever history the game shows. Never reveals other roles' private information.
  virtual std::string observation(int role) const = 0;
  // Canonical moves available to the player to move (may be a representative subset when the move
  // space is continuous, e.g. poker bet sizes; parse_move accepts any legal move).
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
};

// Names: "chess", "liars_dice", "poker". `options` is the game's option object (may be empty);
// unknown games or options throw GameConfigError.
std::unique_ptr<Game> make_game(const std::string& name, const nlohmann::json& options, std::uint64_t seed);
std::vector<std::string> game_names();

}  // namespace gauntlet::games
