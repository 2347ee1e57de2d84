#pragma once
// DebateGame (ZeroSumEval's Debate): roles "for", "against" argue a motion drawn from `topics`
// (seeded; the built-in list by default) or the fixed `topic`: two openings, `rebuttal_rounds`
// pairs of rebuttals (default 1), two closings, "for" first in each stage. Then one
// debate_judgement check: the referee's judges score both sides and return a total per side; the
// higher total wins (1/0), equal totals are a tie (0.5/0.5; ZeroSumEval counts a tie as a win for
// "against"). The judges' scores and reasoning are kept in the state. Seats are swapped by the
// tournament's paired match (same seed, same topic), so position bias cancels.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "games/conversational_game.h"

namespace gauntlet::games {

struct DebateOptions {
  std::vector<std::string> topics;  // empty: the built-in list
  std::optional<std::string> topic;
  int rebuttal_rounds = 1;
  int max_chars = 6000;             // per statement

  static DebateOptions from_json(const nlohmann::json& options);  // throws GameConfigError
};

class DebateGame : public ConversationalGame {
 public:
  static constexpr int kFor = 0, kAgainst = 1;
  struct Statement {
    int side;
    std::string stage;  // "opening" | "rebuttal" | "closing"
    std::string text;
  };

  DebateGame(const DebateOptions& options, std::uint64_t seed);

  std::string name() const override { return "debate"; }
  std::vector<std::string> roles() const override { return {"for", "against"}; }
  int to_move() const override;
  std::optional<std::string> parse_move(const std::string& text, std::string* reason) const override;
  Legality apply(const std::string& move) override;
  Outcome outcome() const override { return outcome_; }
  std::string state() const override;
  std::unique_ptr<Game> clone() const override { return std::make_unique<DebateGame>(*this); }
  std::optional<CheckRequest> pending_check() const override;
  Legality resolve_check(const nlohmann::json& result) override;

  const std::string& topic() const { return topic_; }
  const std::vector<Statement>& statements() const { return statements_; }
  // The stage of the next statement ("" once all are made).
  std::string next_stage() const;
  const nlohmann::json& judgement() const { return judgement_; }

 private:
  std::string intro(int role) const override;
  std::string instruction(int role) const override;
  int total_statements() const { return 4 + 2 * options_.rebuttal_rounds; }

  DebateOptions options_;
  std::string topic_;
  std::vector<Statement> statements_;
  nlohmann::json judgement_;  // the referee's result, once judged
  Outcome outcome_;
};

}  // namespace gauntlet::games
