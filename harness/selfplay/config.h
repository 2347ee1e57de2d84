#pragma once
// SelfPlayConfig: an Absolute Zero self-play file (YAML): the proposer and solver models (the same
// one unless `solver:` names another), the task types, steps, batch sizes, sandbox limits and
// reward rules. Validated on load like suites: errors name file:line:key, unknown keys are errors.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/selfplay/rewards.h"
#include "harness/selfplay/task.h"
#include "harness/selfplay/validator.h"
#include "harness/clients/model_spec.h"
#include "harness/clients/model_spec_reader.h"

namespace gauntlet::harness {

struct SelfPlayConfig {
  std::filesystem::path path;
  std::string name;        // the run's key in the database
  std::uint64_t seed = 1;  // every random choice derives from it
  int steps = 1;           // the run ends after this many finished steps (may grow later)
  std::vector<TaskType> task_types = all_task_types();
  int batch = 4;              // proposals per task type per step, and solver problems per task type
  int solver_samples = 8;     // n: solver samples per problem (AZR's learnability estimate)
  int references = 6;         // K reference programs shown to deduction/abduction proposers
  int induction_inputs = 10;  // inputs an induction proposer writes (half shown, half hidden)
  int new_window = 1;         // solver batch: tasks from the last new_window steps come first
  ModelSpec proposer;
  ModelSpec solver;
  bool same_model = true;     // solver is the proposer (one client)
  bool logprobs = true;       // ask every request for per-token logprobs
  bool require_think = true;  // format: reasoning before the <answer> block
  ValidationLimits limits;    // program runs: validation and solver checks alike
  RewardRules rewards;
  AdvantageOptions advantage;
  int sandbox_lanes = 0;  // 0: one per core
  double progress_interval_s = 30.0;

  // Everything that decides what a step does (not steps, lanes or progress): a run resumed with a
  // different fingerprint is refused.
  nlohmann::json fingerprint_json() const;
};

// Throws ConfigError.
SelfPlayConfig load_selfplay(const std::filesystem::path& path);

}  // namespace gauntlet::harness
