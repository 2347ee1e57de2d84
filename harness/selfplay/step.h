#pragma once
// One Absolute Zero step, resumable at any point:
//   1. propose: `batch` proposals per task type, each prompt showing references sampled from the
//      buffers as they were when the step began; each generation is committed as it arrives;
//   2. validate the proposals in the sandbox (verdicts committed together);
//   3. choose each task type's solver batch: this step's valid tasks first, then uniformly from
//      the buffer (select_solver_batch);
//   4. solve: `solver_samples` generations per problem, committed as they arrive;
//   5. verify the solutions in the sandbox (verdicts committed together);
//   6. rewards, per-group advantages, the new tasks appended to the buffers and the step's
//      statistics, all in one transaction.
// Every choice is seeded from the config seed and its place in the run, so after a crash the
// same step asks for exactly the generations that are missing and reaches the same result.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/clients/model_client.h"
#include "harness/selfplay/config.h"
#include "harness/selfplay/validator.h"
#include "harness/store/store.h"
#include "verifiers/code_reasoning_verifier.h"

namespace gauntlet::harness {

struct StepContext {
  const SelfPlayConfig& config;
  Store& store;
  ModelClient& proposer;
  ModelClient& solver;
  ProposalValidator& validator;
  verifiers::CodeReasoningVerifier& verifier;
  std::int64_t run_id = 0;
  const std::atomic<bool>* stop = nullptr;
  std::function<void()> tick;                     // progress while waiting for the model
  std::function<void(std::int64_t)> on_requests;  // how many requests a phase is about to send
  std::function<void()> on_response;              // one request finished
};

struct StepResult {
  bool finished = false;  // false: stopped (interrupt) or failed
  std::string failure;    // why the step could not finish (requests that failed after retries)
  nlohmann::json stats;   // when finished: what was committed as the step's statistics
};

StepResult run_selfplay_step(StepContext& context, int step);

}  // namespace gauntlet::harness
