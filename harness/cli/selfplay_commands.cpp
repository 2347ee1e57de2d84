// `gauntlet selfplay`: runs the missing steps of an Absolute Zero self-play config.
#include <iostream>

#include <fmt/format.h>

#include "harness/cli/command.h"
#include "harness/cli/run_setup.h"
#include "harness/clients/model_check.h"
#include "harness/selfplay/config.h"
#include "harness/selfplay/runner.h"
#include "sandbox/sandbox.h"

namespace gauntlet::harness {
namespace {

int cmd_selfplay(const std::string& config_path, const std::string& db_arg, bool resume, bool no_progress,
                 bool insecure, const std::string& command_line) {
  auto config = load_selfplay(config_path);
  check_model_loadable(config.proposer);  // before the database is created or touched
  if (!config.same_model) check_model_loadable(config.solver);
  auto [db, run_options] = cli_run_setup(config.name, db_arg, "", no_progress, command_line);
  auto opened = open_run_store(db, resume, command_line);
  auto& store = opened.store;
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.lanes = config.sandbox_lanes;
  sandbox_options.allow_insecure_no_isolation = insecure;
  auto summary = run_selfplay(config, *store, sandbox_options, run_options);
  int done = summary.already_done + summary.finished;
  std::cerr << fmt::format("gauntlet: self-play '{}' on {}: {}/{} steps finished ({} by this run{})", config.name,
                           db.string(), done, summary.steps_planned, summary.finished,
                           summary.interrupted ? ", interrupted" : "");
  if (summary.finished > 0)
    std::cerr << fmt::format("; {:.1f} sandbox executions per step, {:.2f} steps per minute",
                             static_cast<double>(summary.sandbox_execs) / summary.finished,
                             summary.finished * 60.0 / std::max(summary.wall_s, 1e-9));
  std::cerr << "\n";
  if (summary.interrupted) {
    std::cerr << "gauntlet: interrupted; rerun the same command to continue where it stopped\n";
    return 130;
  }
  return 0;
}

}  // namespace

void add_selfplay_commands(CLI::App& app, CliCommands& commands, const std::string& command_line) {
  struct Args {
    std::string config, db;
    bool resume = false, no_progress = false, insecure = false;
  };
  auto a = std::make_shared<Args>();
  auto* s = app.add_subcommand("selfplay", "Absolute Zero self-play: propose, validate, solve, reward; resumable");
  s->add_option("config", a->config, "Self-play file (YAML)")->required();
  s->add_option("--db", a->db, "SQLite run database (default: runs/<name>.db)");
  s->add_flag("--resume", a->resume, "Continue an earlier run on the same --db (rerunning does the same)");
  s->add_flag("--no-progress", a->no_progress, "No progress output on stderr");
  s->add_flag("--insecure-no-isolation", a->insecure,
              "Run programs without namespaces when they cannot be created (seccomp and limits still apply)");
  commands.push_back({s, [a, command_line] {
                        return cmd_selfplay(a->config, a->db, a->resume, a->no_progress, a->insecure, command_line);
                      }});
}

}  // namespace gauntlet::harness
