#include "harness/cli/command.h"

#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/cli/run_setup.h"
#include "harness/errors/errors.h"
#include "harness/report/html_escape.h"
#include "harness/tournament/match_battles.h"
#include "harness/tournament/match_export.h"
#include "harness/ratings/ratings_report.h"
#include "harness/report/match_transcripts.h"
#include "harness/report/curves.h"
#include "harness/report/curves_svg.h"
#include "harness/report/report.h"
#include "harness/report/selfplay_html.h"
#include "harness/selfplay/rollout_export.h"
#include "harness/eval/sample_export.h"
#include "harness/selfplay/stats.h"
#include "harness/store/store.h"
#include "harness/eval/suite_config.h"
#include "harness/eval/suite_runner.h"
#include "harness/run/database_lock.h"
#include "harness/run/progress.h"

namespace gauntlet::harness {
namespace {

ReportOptions report_options(Store& store) {
  ReportOptions options;
  for (const auto& task : store.tasks()) {
    auto config = nlohmann::json::parse(task.config_json, nullptr, false);
    if (config.is_object() && config.contains("pass_at_k") && config["pass_at_k"].is_array() &&
        !config["pass_at_k"].empty())
      options.pass_at_k[task.name] = config["pass_at_k"].get<std::vector<int>>();
  }
  return options;
}

// The budget / variant curves of the stored samples (report/curves.h), models grouped by their
// stored definitions.
std::vector<CurveGroup> curves(Store& store, const std::vector<SampleRecord>& samples, const ReportOptions& options) {
  std::map<std::string, nlohmann::json> models;
  for (const auto& m : store.models()) models[m.name] = nlohmann::json::parse(m.config_json, nullptr, false);
  return build_curves(samples, models, options);
}

Store open_existing(const std::string& db) {
  if (std::error_code ec; !std::filesystem::exists(db, ec))
    throw UsageError(fmt::format("--db {}: no such database", db));
  return Store(db);
}

int cmd_eval(const std::string& suite_path, const std::string& db_arg, bool resume, const std::string& shard_arg,
             bool no_progress, const std::string& command_line) {
  auto suite = load_suite(suite_path);
  auto prepared = prepare_suite(suite);  // everything checked before the database is created or touched
  auto [db, options] = cli_run_setup(suite.name, db_arg, shard_arg, no_progress, command_line);
  auto opened = open_run_store(db, resume, command_line);
  Store& store = *opened.store;
  auto summary = run_suite(prepared, store, options);
  std::cerr << fmt::format(
      "gauntlet: run {} on {}: {} samples planned, {} already done, {} completed, {} failed, {} retries, {} from cache{}\n",
      summary.run_id, db.string(), summary.planned, summary.already_done, summary.completed, summary.failed,
      summary.retries, summary.cached, summary.interrupted ? " (interrupted)" : "");
  if (summary.context_overflows > 0)
    std::cerr << fmt::format("gauntlet: warning: {} samples did not fit the model's context ({}; finish_reason "
                             "\"context\")\n",
                             summary.context_overflows,
                             suite.context_overflow == ContextOverflowPolicy::kWrong ? "scored as wrong" : "recorded as errors");
  if (summary.context_cut > 0)
    std::cerr << fmt::format("gauntlet: warning: {} answers were cut off at the end of the model's context "
                             "(finish_reason \"context\")\n",
                             summary.context_cut);
  const auto samples = store.samples();
  const auto report = report_options(store);
  std::cout << render_text(build_report(samples, report)) << render_curves_text(curves(store, samples, report));
  if (summary.interrupted) {
    std::cerr << "gauntlet: interrupted; rerun the same command to finish the missing samples\n";
    return 130;
  }
  if (summary.failed > 0) {
    std::cerr << fmt::format("gauntlet: {} samples failed after retries (last error: {}); rerun the same command to "
                             "retry only those\n",
                             summary.failed, shorten(summary.last_error, 300));
    return 1;
  }
  return 0;
}

// Tournament leaderboards (one per game) for the report, when the database holds matches.
struct GameLeaderboard {
  std::string game;
  std::size_t matches = 0;
  RatingTable table;
  WdlMatrix wdl;
  std::string description;
};

std::vector<GameLeaderboard> leaderboards(Store& store) {
  std::vector<GameLeaderboard> out;
  RatingOptions options;
  for (const auto& [game, matches] : matches_by_game(store.matches())) {
    auto battles = battles_from_matches(matches);
    if (battles.empty()) continue;
    GameLeaderboard board;
    board.game = game;
    board.matches = matches.size();
    board.table = compute_ratings(battles, options);
    board.wdl = wdl_matrix(battles);
    board.description = describe_ratings(options, board.table.bootstrap);
    out.push_back(std::move(board));
  }
  return out;
}

// Self-play runs in the database: run name → the stats of each finished step (selfplay/stats.h).
std::vector<std::pair<std::string, std::vector<nlohmann::json>>> selfplay_steps(Store& store) {
  std::vector<std::pair<std::string, std::vector<nlohmann::json>>> runs;
  for (const auto& run : store.selfplay_runs()) {
    std::vector<nlohmann::json> steps;
    for (const auto& row : store.selfplay_steps(run.name)) {
      auto stats = nlohmann::json::parse(row.stats_json, nullptr, false);
      if (!stats.is_discarded()) steps.push_back(std::move(stats));
    }
    runs.emplace_back(run.name, std::move(steps));
  }
  return runs;
}

int cmd_report(const std::string& db, bool json, const std::string& html) {
  Store store = open_existing(db);
  const auto samples = store.samples();
  const auto options = report_options(store);
  auto cells = build_report(samples, options);
  const auto groups = curves(store, samples, options);
  auto boards = leaderboards(store);
  auto selfplay = selfplay_steps(store);
  // Every match of every game label (errors included), for the match lists and transcripts.
  std::map<std::string, std::vector<MatchRecord>> all_matches;
  for (auto& m : store.matches()) all_matches[m.game].push_back(std::move(m));
  if (!html.empty()) {
    std::string sections = render_curves_html_section(groups);
    auto turns = [&](const std::string& id) { return store.turns(id); };
    for (const auto& b : boards)
      sections += fmt::format("<h2>Tournament: {} ({} matches)</h2>\n", html_escape(b.game), b.matches) +
                  render_ratings_html_section(b.table, b.wdl, b.description) +
                  render_matches_html(all_matches[b.game], turns);
    for (const auto& [run, steps] : selfplay) sections += render_selfplay_html_section(run, steps);
    std::string page = render_html(
        cells, fmt::format("Gauntlet report: {}", std::filesystem::path(db).filename().string()), sections);
    std::ofstream out(html, std::ios::binary);
    if (!out) throw UsageError(fmt::format("--html {}: cannot write", html));
    out << page;
    if (!out) throw GauntletError(fmt::format("--html {}: write failed", html));
  }
  if (json) {
    auto j = render_json(cells);
    if (!groups.empty()) j["curves"] = render_curves_json(groups);
    if (!boards.empty()) {
      j["tournaments"] = nlohmann::json::object();
      for (const auto& b : boards) {
        j["tournaments"][b.game] = render_ratings_json(b.table)["ratings"];
        for (const auto& w : b.table.warnings) std::cerr << fmt::format("gauntlet: warning: {}: {}\n", b.game, w);
      }
    }
    if (!all_matches.empty()) {
      // Each match, for finding its transcript (`gauntlet export --matches --match ID`).
      j["tournament_matches"] = nlohmann::json::object();
      for (const auto& [game, matches] : all_matches) j["tournament_matches"][game] = matches_summary_json(matches);
    }
    if (!selfplay.empty()) {
      j["selfplay"] = nlohmann::json::object();
      for (const auto& [run, steps] : selfplay) j["selfplay"][run] = steps;
    }
    std::cout << j.dump(2) << "\n";
  } else if (html.empty()) {
    if (!cells.empty() || (boards.empty() && selfplay.empty())) std::cout << render_text(cells) << render_curves_text(groups);
    for (const auto& b : boards)
      std::cout << fmt::format("\n== {} ({} matches)\n", b.game, b.matches)
                << render_ratings_text(b.table, b.wdl, b.description)
                << fmt::format("{}; transcripts: gauntlet export --db {} --matches OUT.jsonl --game {}\n",
                               matches_summary_line(all_matches[b.game]), db, b.game);
    for (const auto& [run, steps] : selfplay) {
      std::cout << fmt::format("\n== self-play {} ({} steps finished)\n", run, steps.size());
      for (const auto& stats : steps) std::cout << format_step_line(stats, static_cast<int>(steps.size())) << "\n";
    }
  }
  return 0;
}

// Writes one export to `path` ('-' = stdout); returns the lines written.
template <typename Export>
std::int64_t export_to(const std::string& option, const std::string& path, Export&& write) {
  if (path == "-") return write(std::cout);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw UsageError(fmt::format("{} {}: cannot write", option, path));
  auto n = write(out);
  if (!out) throw GauntletError(fmt::format("{} {}: write failed", option, path));
  return n;
}

int cmd_export(const std::string& db, const std::string& samples_path, const std::string& rollouts_path,
               const std::string& matches_path, const MatchFilter& filter) {
  if (samples_path.empty() && rollouts_path.empty() && matches_path.empty())
    throw UsageError("export: give --samples OUT.jsonl, --rollouts OUT.jsonl and/or --matches OUT.jsonl");
  if (matches_path.empty() && (!filter.game.empty() || !filter.match_id.empty()))
    throw UsageError("export: --game and --match select matches; give --matches OUT.jsonl");
  if ((samples_path == "-") + (rollouts_path == "-") + (matches_path == "-") > 1)
    throw UsageError("export: only one of --samples, --rollouts and --matches can write to stdout");
  Store store = open_existing(db);
  if (!samples_path.empty()) {
    auto n = export_to("--samples", samples_path, [&](std::ostream& out) { return export_samples(store, out); });
    std::cerr << fmt::format("gauntlet: exported {} samples\n", n);
  }
  if (!rollouts_path.empty()) {
    auto n = export_to("--rollouts", rollouts_path, [&](std::ostream& out) { return export_rollouts(store, out); });
    std::cerr << fmt::format("gauntlet: exported {} rollouts\n", n);
  }
  if (!matches_path.empty()) {
    auto n =
        export_to("--matches", matches_path, [&](std::ostream& out) { return export_matches(store, out, filter); });
    std::cerr << fmt::format("gauntlet: exported {} matches\n", n);
  }
  return 0;
}

int cmd_merge(const std::string& out_path, const std::vector<std::string>& inputs, const std::string& command_line) {
  for (const auto& in : inputs)
    if (std::error_code ec; !std::filesystem::exists(in, ec))
      throw UsageError(fmt::format("merge: {}: no such database", in));
  Store out(out_path);
  DatabaseLock lock(out, out_path, command_line);  // one writer: no run may write to OUT meanwhile
  for (const auto& in : inputs) {
    auto added = out.merge_from(in);
    std::cerr << fmt::format(
        "gauntlet: merged {}: {} new samples, {} matches ({} turns), {} self-play rollouts, {} self-play steps, {} runs\n",
        in, added.samples, added.matches, added.turns, added.rollouts, added.steps, added.runs);
  }
  auto total = out.totals();
  std::cerr << fmt::format(
      "gauntlet: {} now holds {} samples, {} matches ({} turns), {} self-play rollouts, {} self-play steps, {} runs\n",
      out_path, total.samples, total.matches, total.turns, total.rollouts, total.steps, total.runs);
  return 0;
}

}  // namespace

void add_eval_commands(CLI::App& app, CliCommands& commands, const std::string& command_line) {
  struct Args {
    std::string suite_path, db, shard, html, samples, rollouts, matches, merge_out;
    MatchFilter match_filter;
    std::vector<std::string> merge_inputs;
    bool resume = false, json = false, no_progress = false;
  };
  auto a = std::make_shared<Args>();

  auto* eval = app.add_subcommand("eval", "Run a benchmark suite; reruns do only the missing work");
  eval->add_option("suite", a->suite_path, "Suite file (YAML)")->required();
  eval->add_option("--db", a->db, "SQLite run database (default: runs/<suite name>.db)");
  eval->add_flag("--resume", a->resume, "Continue an earlier run on the same --db (rerunning does the same)");
  eval->add_option("--shard", a->shard, "Run only slice i of n (i taken mod n, so 0..n-1 or 1..n): for Slurm arrays");
  eval->add_flag("--no-progress", a->no_progress, "No progress output on stderr");
  commands.push_back({eval, [a, command_line] {
                        return cmd_eval(a->suite_path, a->db, a->resume, a->shard, a->no_progress, command_line);
                      }});

  auto* report = app.add_subcommand("report", "Per model x task results from a run database");
  report->add_option("--db", a->db, "Run database")->required();
  report->add_flag("--json", a->json, "Print JSON: {\"results\":[...]}");
  report->add_option("--html", a->html, "Also write a self-contained HTML report to this file");
  commands.push_back({report, [a] { return cmd_report(a->db, a->json, a->html); }});

  auto* exporter =
      app.add_subcommand("export", "Write every sample, self-play rollout or tournament match as JSON lines");
  exporter->add_option("--db", a->db, "Run database")->required();
  exporter->add_option("--samples", a->samples, "Samples to this JSONL file ('-' for stdout)");
  exporter->add_option("--rollouts", a->rollouts, "Self-play rollouts to this JSONL file ('-' for stdout)");
  exporter->add_option("--matches", a->matches,
                       "Tournament matches, each with its transcript of turns, to this JSONL file ('-' for stdout)");
  exporter->add_option("--game", a->match_filter.game, "With --matches: only the matches of this game (its label)");
  exporter->add_option("--match", a->match_filter.match_id, "With --matches: only the match with this id");
  commands.push_back(
      {exporter, [a] { return cmd_export(a->db, a->samples, a->rollouts, a->matches, a->match_filter); }});

  auto* merge = app.add_subcommand("merge", "Merge shard databases into one");
  merge->add_option("out", a->merge_out, "Output database (created if missing)")->required();
  merge->add_option("inputs", a->merge_inputs, "Input databases")->required();
  commands.push_back({merge, [a, command_line] { return cmd_merge(a->merge_out, a->merge_inputs, command_line); }});
}

}  // namespace gauntlet::harness
