#pragma once
// Referee: answers the checks games ask for (games/check_request.h) with the machinery the harness
// owns: math_answer with the math verifier, pyjail_run in the sandbox, leak_judgement and
// debate_judgement with the game's judge panel. An answer holds the result the game reads and the
// details recorded with the match (each judge's scores and reasoning, how a program ended).
// Failures of that machinery (a judge that cannot judge, a sandbox that cannot run) throw
// RefereeError: the match is then an error to replay, never a made-up result.
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "games/check_request.h"
#include "harness/clients/chat.h"
#include "harness/judges/judge.h"
#include "harness/judges/rubric.h"

namespace gauntlet::sandbox {
class Sandbox;
}

namespace gauntlet::harness {

class RefereeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a game entry's checks may use.
struct RefereeSetup {
  std::vector<Judge*> judges;
  Rubric rubric = default_rubric();
};

struct RefereeAnswer {
  nlohmann::json result;                               // for Game::resolve_check
  nlohmann::json details = nlohmann::json::object();   // recorded with the match
  Usage usage;                                         // judges' tokens
  double latency_s = 0.0;
};

class Referee {
 public:
  // `sandbox` runs pyjail programs; null when no game needs it (a pyjail_run then throws).
  explicit Referee(sandbox::Sandbox* sandbox) : sandbox_(sandbox) {}

  // `replay` > 0 when this match failed before: judges are asked afresh. Throws RefereeError, and
  // std::invalid_argument for a check kind it does not know.
  RefereeAnswer answer(const games::CheckRequest& request, const RefereeSetup& setup, int replay) const;

 private:
  sandbox::Sandbox* sandbox_;
};

}  // namespace gauntlet::harness
