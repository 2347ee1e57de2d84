#pragma once
// Statistics of one self-play step, as stored with the step and printed after it: proposals by
// task type with their valid rate and reject reasons, solve rate per task type, mean learnability
// of the valid proposals, buffer sizes, tokens, requests, sandbox executions and wall time.
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/store/rollout_record.h"
#include "harness/selfplay/task.h"

namespace gauntlet::harness {

class StepTally {
 public:
  // A checked proposal; acc is the solvers' accuracy on it when it was valid.
  void add_proposal(TaskType type, const RolloutRecord& proposal, std::optional<double> acc);
  void add_solution(TaskType type, const RolloutRecord& solution);
  void add_tokens(const RolloutRecord& rollout);

  // {"step", "proposals": {type: {"total", "valid", "rejected": {reason: n}}},
  //  "valid_rate": {type: x, "all": x}, "reject_reasons": {reason: n},
  //  "solutions": {type: {"total", "correct", "format_errors"}}, "solve_rate": {type: x|null},
  //  "learnability": {type: x|null}, "buffer_sizes": {type: n}, "tokens": {"prompt", "completion"},
  //  "requests", "sandbox_execs", "wall_s"}; the step runner adds "phase_s" {"propose", "validate",
  //  "solve", "verify"}.
  nlohmann::json to_json(int step, const std::map<std::string, std::size_t>& buffer_sizes, long sandbox_execs,
                         double wall_s) const;

 private:
  struct Proposals {
    int total = 0, valid = 0;
    std::map<std::string, int> rejected;
    double learnability_sum = 0.0;
  };
  struct Solutions {
    int total = 0, correct = 0, format_errors = 0;
  };
  std::map<std::string, Proposals> proposals_;
  std::map<std::string, Solutions> solutions_;
  std::int64_t prompt_tokens_ = 0, completion_tokens_ = 0, requests_ = 0;
};

// "step 3/10: valid 5/12 (format 2, timeout 1) | solved abduction 0.62 deduction 0.50 … | buffers … |
// tokens 1.2k+40.1k | 85 execs | 4.1 s"
std::string format_step_line(const nlohmann::json& stats, int steps_total);

}  // namespace gauntlet::harness
