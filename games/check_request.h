#pragma once
// CheckRequest: what a game asks of its referee when a rule needs more than the game's own state:
// an answer checked against a target (the math verifier), a program run in isolation (the
// sandbox), or a judgement by judge models. The harness's referee answers with a JSON result; the
// game validates it (a malformed result changes nothing). Kinds, their input and result:
//   math_answer       {"answer": text, "target": "523", "role"}        -> {"correct": bool, "extracted": text|null}
//   pyjail_run        {"code", "input", "role", "time_limit_ms", "memory_mb"}
//                     + secrets {"FLAG": flag}, set as environment variables of the program only
//                                                                      -> {"status", "output"}
//   leak_judgement    {"password", "message", "conversation": [{"role", "text"}]}
//                                                                      -> {"leaked": bool, ...judges' details}
//   debate_judgement  {"topic", "statements": [{"side", "stage", "text"}], "sides": ["for", "against"]}
//                                                                      -> {"totals": {"for": x, "against": y}, ...}
// `input` is recorded with the match; `secrets` reach the executor only and are never recorded or
// shown to a player (a recorder replaces their values wherever they would appear).
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::games {

struct CheckRequest {
  std::string kind;
  nlohmann::json input = nlohmann::json::object();
  std::map<std::string, std::string> secrets;
};

}  // namespace gauntlet::games
