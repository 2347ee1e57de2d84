// `gauntlet tournament`: plays a tournament file's missing matches and prints the leaderboards.
#include <iostream>
#include <utility>

#include <fmt/format.h>

#include "harness/cli/command.h"
#include "harness/cli/run_setup.h"
#include "harness/run/progress.h"
#include "harness/errors/errors.h"
#include "harness/tournament/match_battles.h"
#include "harness/ratings/ratings_report.h"
#include "harness/tournament/config.h"
#include "harness/tournament/runner.h"

namespace gauntlet::harness {
namespace {

int cmd_tournament(const std::string& config_path, const std::string& db_arg, bool resume, const std::string& shard,
                   bool no_progress, const std::string& command_line) {
  auto config = load_tournament(config_path);
  // Players checked and the sandbox started before the database is created or touched.
  check_players(config);
  auto sandbox = start_tournament_sandbox(config);
  auto [db, options] = cli_run_setup(config.name, db_arg, shard, no_progress, command_line);
  auto opened = open_run_store(db, resume, command_line);
  Store& store = *opened.store;
  auto summary = run_tournament(config, store, options, std::move(sandbox));
  std::cerr << fmt::format("gauntlet: run {} on {}: {} matches planned, {} already done, {} played ({} forfeits{}){}\n",
                           summary.run_id, db.string(), summary.planned, summary.already_done, summary.played,
                           summary.forfeits,
                           summary.errors ? fmt::format(", {} errors", summary.errors) : std::string(),
                           summary.interrupted ? " (interrupted)" : "");
  if (summary.request_errors > 0)
    std::cerr << fmt::format("gauntlet: {} model requests failed (last error: {})\n", summary.request_errors,
                             shorten(summary.last_error, 300));
  RatingOptions rating_options;
  for (const auto& [game, matches] : matches_by_game(store.matches(config.name))) {
    auto battles = battles_from_matches(matches);
    if (battles.empty()) continue;
    auto table = compute_ratings(battles, rating_options);
    std::cout << fmt::format("== {} ({} matches)\n", game, matches.size())
              << render_ratings_text(table, wdl_matrix(battles), describe_ratings(rating_options, table.bootstrap))
              << "\n";
  }
  if (summary.interrupted) {
    std::cerr << "gauntlet: interrupted; rerun the same command to play the missing matches\n";
    return 130;
  }
  if (summary.errors > 0) {
    std::cerr << fmt::format("gauntlet: {} matches ended in an error (a judge or the sandbox failed; the reason is in "
                             "the store); rerun the same command to replay only those\n",
                             summary.errors);
    return 1;
  }
  return 0;
}

}  // namespace

void add_tournament_commands(CLI::App& app, CliCommands& commands, const std::string& command_line) {
  struct Args {
    std::string config, db, shard;
    bool resume = false, no_progress = false;
  };
  auto a = std::make_shared<Args>();
  auto* t = app.add_subcommand("tournament", "Play a tournament of models and bots; reruns play only missing matches");
  t->add_option("config", a->config, "Tournament file (YAML)")->required();
  t->add_option("--db", a->db, "SQLite run database (default: runs/<tournament name>.db)");
  t->add_flag("--resume", a->resume, "Continue an earlier tournament on the same --db (rerunning does the same)");
  t->add_option("--shard", a->shard, "Play only slice i of n of the schedule (i taken mod n)");
  t->add_flag("--no-progress", a->no_progress, "No progress output on stderr");
  commands.push_back({t, [a, command_line] {
                        return cmd_tournament(a->config, a->db, a->resume, a->shard, a->no_progress, command_line);
                      }});
}

}  // namespace gauntlet::harness
