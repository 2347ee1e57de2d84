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

#include "harness/run/run_options.h"
#include "harness/selfplay/config.h"
#include "harness/store/store.h"
#include "sandbox/sandbox.h"

namespace gauntlet::harness {

// Self-play has no shards (options.shard is ignored); the rest is as for suites.
using SelfPlayOptions = RunOptions;

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
