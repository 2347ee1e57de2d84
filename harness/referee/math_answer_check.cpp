#include "harness/referee/math_answer_check.h"

#include <memory>
#include <stdexcept>

#include "verifiers/scorer.h"

namespace gauntlet::harness {

RefereeAnswer check_math_answer(const nlohmann::json& input) {
  static const std::unique_ptr<verifiers::Scorer> scorer =
      verifiers::make_scorer("math", {{"fallback", "last_number"}, {"symbolic", "false"}});
  if (!input.contains("answer") || !input["answer"].is_string() || !input.contains("target") || !input["target"].is_string())
    throw std::invalid_argument("math_answer: the check needs strings \"answer\" and \"target\"");
  auto verdict = scorer->score(input["answer"].get<std::string>(), input["target"].get<std::string>());
  RefereeAnswer a;
  a.result = {{"correct", verdict.correct},
              {"extracted", verdict.extracted ? nlohmann::json(*verdict.extracted) : nlohmann::json(nullptr)}};
  a.details = {{"verifier", "math (numeric, last number as fallback)"}, {"score", verdict.score}};
  return a;
}

}  // namespace gauntlet::harness
