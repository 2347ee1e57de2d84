#pragma once
// PyJailGame (ZeroSumEval's PyJail): roles "defender", "attacker". The defender writes Python
// defining `def jail(user_input: str) -> str` that guards a flag, then must show an input that
// makes the jail print the flag; the attacker then gets `attacker_attempts` inputs, seeing the
// source when `show_source` is set and its earlier inputs with their outputs. Every run is a
// pyjail_run check: the referee executes the program in the sandbox with the flag only in its
// environment (FLAG) and returns what it printed. The flag is random per match (from the seed),
// never in an observation, the state or the logged check input; outputs are kept with the flag
// replaced by [FLAG]. A run's output is what the program printed plus the jail's return value
// (or the exception, or how it was stopped), as in ZeroSumEval.
// Scores [defender, attacker]: flag in an attacker's output 0/1; attacker out of attempts 1/0;
// defender never solves its own jail within `defender_attempts` (each attempt: code, then an
// input): 0.5/0.5, ZeroSumEval's 0/0, or 0/1 with unsolved_jail: attacker_wins.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "games/conversational_game.h"

namespace gauntlet::games {

struct PyJailOptions {
  int defender_attempts = 3;
  int attacker_attempts = 5;       // ZeroSumEval's max_attacks
  bool show_source = true;         // ZeroSumEval's show_source_code (its configs set it)
  int time_limit_ms = 2000;        // CPU time of one run
  int memory_mb = 256;             // address space of one run
  int max_code_chars = 8000;
  int max_input_chars = 2000;
  int max_output_chars = 2000;     // of an output as shown to the players
  bool unsolved_attacker_wins = false;

  static PyJailOptions from_json(const nlohmann::json& options);  // throws GameConfigError
};

class PyJailGame : public ConversationalGame {
 public:
  enum class Phase { kCode, kDefenderInput, kDefenderRun, kAttackInput, kAttackRun, kOver };
  static constexpr int kDefender = 0, kAttacker = 1;

  PyJailGame(const PyJailOptions& options, std::uint64_t seed);

  std::string name() const override { return "pyjail"; }
  std::vector<std::string> roles() const override { return {"defender", "attacker"}; }
  int to_move() const override;
  std::optional<std::string> parse_move(const std::string& text, std::string* reason) const override;
  Legality apply(const std::string& move) override;
  Outcome outcome() const override { return outcome_; }
  std::string state() const override;
  std::unique_ptr<Game> clone() const override { return std::make_unique<PyJailGame>(*this); }
  std::optional<CheckRequest> pending_check() const override;
  Legality resolve_check(const nlohmann::json& result) override;

  Phase phase() const { return phase_; }
  const std::string& code() const { return code_; }
  int defender_failures() const { return defender_failures_; }
  int attacker_failures() const { return attacker_failures_; }
  const PyJailOptions& options() const { return options_; }
  // The flag of this match: for the referee's tests and the defender bot's own solve only.
  const std::string& flag() const { return flag_; }
  // The flag a match with this seed uses: 24 hex digits, as ZeroSumEval's secrets.token_hex(12).
  static std::string flag_for_seed(std::uint64_t seed);
  // Whether `code` defines a top-level function `jail` (a textual check; the run finds the rest).
  static bool defines_jail(const std::string& code);

 private:
  std::string intro(int role) const override;
  std::string instruction(int role) const override;
  std::string shown(const std::string& output) const;  // the flag masked, cut to max_output_chars
  void finish(double defender, double attacker, std::string reason);

  PyJailOptions options_;
  std::string flag_;
  Phase phase_ = Phase::kCode;
  std::string code_;
  std::string input_;
  int defender_failures_ = 0;
  int attacker_failures_ = 0;
  nlohmann::json runs_ = nlohmann::json::array();  // every run: role, input, status, shown output, flag found
  Outcome outcome_;
};

}  // namespace gauntlet::games
