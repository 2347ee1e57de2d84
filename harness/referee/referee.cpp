#include "harness/referee/referee.h"

#include <chrono>

#include <fmt/format.h>

#include "harness/judges/judge_error.h"
#include "harness/referee/debate_judging.h"
#include "harness/referee/jail_runner.h"
#include "harness/referee/leak_judging.h"
#include "harness/referee/math_answer_check.h"
#include "sandbox/sandbox_error.h"

namespace gauntlet::harness {

RefereeAnswer Referee::answer(const games::CheckRequest& request, const RefereeSetup& setup, int replay) const {
  const auto start = std::chrono::steady_clock::now();
  RefereeAnswer a;
  try {
    if (request.kind == "math_answer") {
      a = check_math_answer(request.input);
    } else if (request.kind == "pyjail_run") {
      if (!sandbox_) throw RefereeError("pyjail_run: no sandbox was started for this tournament");
      a = run_jail(*sandbox_, request.input, request.secrets);
    } else if (request.kind == "leak_judgement") {
      a = judge_leak(request.input, setup.judges, replay);
    } else if (request.kind == "debate_judgement") {
      a = judge_debate(request.input, setup.judges, setup.rubric, replay);
    } else {
      throw std::invalid_argument(fmt::format("the referee does not know the check '{}'", request.kind));
    }
  } catch (const JudgeError& e) {
    throw RefereeError(fmt::format("{}: {}", request.kind, e.what()));
  } catch (const sandbox::SandboxError& e) {
    throw RefereeError(fmt::format("{}: the sandbox failed: {}", request.kind, e.what()));
  }
  a.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return a;
}

}  // namespace gauntlet::harness
