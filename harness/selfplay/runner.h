#pragma once
// run_selfplay: runs the missing steps of a self-play config on a database (steps are finished in
// order; a step interrupted mid-way resumes with the generations it already has), printing one line
// per step. Rerunning with a larger `steps:` continues the same run.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "harness/clients/model_client.h"
#include "harness/selfplay/config.h"
#include "harness/store/store.h"
#include "sandbox/sandbox.h"

namespace gauntlet::harness {

struct SelfPlayOptions {
  std::string command_line;                 // recorded in the runs table
  std::ostream* progress_out = nullptr;     // per-step lines and request progress; nullptr: none
  bool progress_live = false;               // redraw the request progress line in place (TTY)
  const std::atomic<bool>* stop = nullptr;  // set by SIGINT: in-flight requests finish and commit, then stop
  // Builds a model's client; the default makes OpenAIClient / ToyClient / EngineClient.
  std::function<std::unique_ptr<ModelClient>(const ModelConfig&)> make_client;
};

struct SelfPlaySummary {
  std::int64_t run_id = 0;
  int steps_planned = 0;  // config.steps
  int already_done = 0;   // finished before this invocation
  int finished = 0;       // finished by this invocation
  bool interrupted = false;
  long sandbox_execs = 0;  // by this invocation
  double wall_s = 0.0;     // of this invocation's steps
};

// Programs run in two sandbox pools made from `sandbox_options`: one with its hash seed, one with
// the seed + 1 (the second runs of the determinism check). Throws ConfigError / StoreError before
// anything is sent when the database holds this run with another configuration, SandboxError
// when the sandbox cannot start, GauntletError when requests keep failing (what arrived is kept).
SelfPlaySummary run_selfplay(const SelfPlayConfig& config, Store& store, const sandbox::SandboxOptions& sandbox_options,
                             const SelfPlayOptions& options);

}  // namespace gauntlet::harness
