#pragma once
// ConversationalGame: the base of the free-text games (MathQuiz, PyJail, Gandalf, Debate): no
// enumerable moves, one conversation per model player. A role's observation is its intro (rules
// and its private information), every event of the log it may see, then what to do now; its turn
// message is the same with only the events new since its previous move (the intro only before
// its first move).
#include <string>
#include <vector>

#include "games/conversation_log.h"
#include "games/game.h"

namespace gauntlet::games {

class ConversationalGame : public Game {
 public:
  std::vector<std::string> legal_moves() const final { return {}; }
  bool conversational() const final { return true; }
  std::string observation(int role) const final;
  std::string conversation_message(int role) const final;

 protected:
  explicit ConversationalGame(int roles) : log_(roles) {}
  // The rules and what only `role` knows.
  virtual std::string intro(int role) const = 0;
  // What `role` is to do now ("" when it is not its turn; how it ended once over).
  virtual std::string instruction(int role) const = 0;

  ConversationLog log_;
};

}  // namespace gauntlet::games
