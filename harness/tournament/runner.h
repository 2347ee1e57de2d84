#pragma once
// TournamentRunner: plays the scheduled matches of a tournament that are not yet in the store,
// `concurrency` at a time, and records each as it ends. Rerunning the same tournament on the same
// database plays only the missing matches (a match interrupted mid-way, or one that ended in an
// error because a judge or the sandbox failed, is replayed from the start). Judges are model
// clients like players, behind the response cache of the run database; their model configs are
// recorded (and guarded) like the players'. A sandbox is started when a game runs code (pyjail).
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>

#include "harness/run/run_options.h"
#include "harness/store/store.h"
#include "harness/tournament/config.h"
#include "sandbox/sandbox.h"

namespace gauntlet::harness {

// Same knobs as a suite run (shard = a slice of the match schedule, in schedule order).
using TournamentOptions = RunOptions;

struct TournamentSummary {
  std::int64_t run_id = 0;
  std::int64_t planned = 0;       // matches in this run's slice
  std::int64_t already_done = 0;
  std::int64_t played = 0;
  std::int64_t forfeits = 0;
  std::int64_t errors = 0;        // matches that ended in an error (replayed by the next run)
  std::int64_t request_errors = 0;  // model requests that failed (after the clients' retries)
  std::string last_error;           // the latest of them ("" when none)
  bool interrupted = false;
};

// The sandbox for a tournament whose games run code (pyjail), else null. A machine where it cannot
// start is a GauntletError naming the file: start it before the database is created or touched.
std::unique_ptr<sandbox::Sandbox> start_tournament_sandbox(const TournamentConfig& config);

// Plays with `sandbox` (from start_tournament_sandbox, after check_players). The three-argument form
// does both checks itself, for callers whose store already exists.
TournamentSummary run_tournament(const TournamentConfig& config, Store& store, const TournamentOptions& options,
                                 std::unique_ptr<sandbox::Sandbox> sandbox);
TournamentSummary run_tournament(const TournamentConfig& config, Store& store, const TournamentOptions& options);

}  // namespace gauntlet::harness
