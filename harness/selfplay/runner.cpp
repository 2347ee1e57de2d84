#include "harness/selfplay/runner.h"

#include <chrono>
#include <mutex>

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/run/progress.h"
#include "harness/run/run_lifecycle.h"
#include "harness/selfplay/stats.h"
#include "harness/selfplay/step.h"
#include "harness/digest/fingerprint.h"

namespace gauntlet::harness {
SelfPlaySummary run_selfplay(const SelfPlayConfig& config, Store& store, const sandbox::SandboxOptions& sandbox_options,
                             const SelfPlayOptions& options) {
  SelfPlaySummary summary;
  summary.steps_planned = config.steps;

  // 1. The database must hold this run (if at all) with the same configuration.
  //    Checked together before anything is written.
  std::vector<DefinitionWrite> definitions;
  auto proposer_json = config.proposer.fingerprint_json();
  definitions.push_back({"models", "model", {config.proposer.name, fingerprint(proposer_json), proposer_json.dump()}});
  if (!config.same_model) {
    auto solver_json = config.solver.fingerprint_json();
    definitions.push_back({"models", "model", {config.solver.name, fingerprint(solver_json), solver_json.dump()}});
  }
  auto run_json = config.fingerprint_json();
  definitions.push_back({"selfplay_runs", "self-play run", {config.name, fingerprint(run_json), run_json.dump()}});
  store.record_definitions(definitions);
  std::vector<BufferRow> seeds;
  for (TaskType type : all_task_types()) {
    CodeTask seed = seed_task(type);
    seeds.push_back({to_string(type), 0, -1, seed.id, dump_json(seed.to_json())});
  }
  store.seed_selfplay_buffer(config.name, seeds);

  int next = 0;
  for (const auto& row : store.selfplay_steps(config.name)) {
    if (row.step != next) break;
    ++next;
  }
  summary.already_done = std::min(next, config.steps);

  RunLifecycle run(store, options.run_info(config.name, config.path));
  summary.run_id = run.id();

  std::unique_ptr<ModelClient> proposer, solver;
  proposer = options.client_for(config.proposer);
  if (!config.same_model) solver = options.client_for(config.solver);
  auto sandbox = std::make_unique<sandbox::Sandbox>(sandbox_options);
  auto second_options = sandbox_options;
  second_options.hash_seed = sandbox_options.hash_seed + 1;
  auto other_seed = std::make_unique<sandbox::Sandbox>(second_options);
  verifiers::CodeLimits code_limits{config.limits.timeout_ms, config.limits.memory_mb};
  ProposalValidator validator(*sandbox, *other_seed, config.limits);
  verifiers::CodeReasoningVerifier verifier(*sandbox, code_limits);

  // Request progress over this invocation's steps.
  std::unique_ptr<Progress> progress;
  std::mutex progress_mutex;
  ProgressCounts counts;
  if (options.progress_out)
    progress = std::make_unique<Progress>(*options.progress_out, options.progress_live, config.progress_interval_s);
  auto tick = [&] {
    if (!progress) return;
    std::lock_guard lock(progress_mutex);
    auto s = proposer->stats();
    counts.in_flight = s.in_flight + (solver ? solver->stats().in_flight : 0);
    counts.retries = s.retries + (solver ? solver->stats().retries : 0);
    counts.errors = s.errors + (solver ? solver->stats().errors : 0);
    counts.last_error = solver && !solver->last_error().empty() ? solver->last_error() : proposer->last_error();
    progress->tick(counts);
  };

  StepContext context{config,
                      store,
                      *proposer,
                      solver ? *solver : *proposer,
                      validator,
                      verifier,
                      summary.run_id,
                      options.stop,
                      tick,
                      [&](std::int64_t n) {
                        std::lock_guard lock(progress_mutex);
                        counts.total += n;
                      },
                      [&] {
                        std::lock_guard lock(progress_mutex);
                        ++counts.done;
                      }};

  auto started = std::chrono::steady_clock::now();
  std::string failure;
  for (int step = next; step < config.steps; ++step) {
    if (options.stop_requested()) {
      summary.interrupted = true;
      break;
    }
    StepResult result = run_selfplay_step(context, step);
    if (!result.finished) {
      failure = result.failure;
      summary.interrupted = failure.empty();
      break;
    }
    ++summary.finished;
    if (options.progress_out) {
      std::lock_guard lock(progress_mutex);
      *options.progress_out << (options.progress_live ? "\r\033[K" : "")
                            << "selfplay: " << format_step_line(result.stats, config.steps) << "\n"
                            << std::flush;
    }
  }
  summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  summary.sandbox_execs = validator.executions() + verifier.executions();
  if (progress) {
    counts.in_flight = 0;  // every request has completed (pump_requests waits for them)
    progress->finish(counts);
  }
  if (!failure.empty()) throw GauntletError(failure);  // the run is marked failed
  run.finish(summary.interrupted);
  return summary;
}

}  // namespace gauntlet::harness
