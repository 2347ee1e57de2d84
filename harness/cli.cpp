#include "harness/cli.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/errors.h"
#include "harness/report.h"
#include "harness/sample_export.h"
#include "harness/store.h"
#include "harness/suite_config.h"
#include "harness/suite_runner.h"

#ifndef GAUNTLET_VERSION
#define GAUNTLET_VERSION "dev"
#endif

namespace gauntlet::harness {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
  if (g_stop.exchange(true)) _exit(130);  // second signal: leave now; committed samples are safe
  const char msg[] = "\ngauntlet: stopping after in-flight requests finish (signal again to quit now)\n";
  [[maybe_unused]] auto n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

std::filesystem::path default_db(const SuiteConfig& suite) { return std::filesystem::path("runs") / (suite.name + ".db"); }

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

Store open_existing(const std::string& db) {
  if (!std::filesystem::exists(db)) throw UsageError(fmt::format("--db {}: no such database", db));
  return Store(db);
}

int cmd_eval(const std::string& suite_path, const std::string& db_arg, bool resume, const std::string& shard_arg,
             bool no_progress, const std::string& command_line) {
  auto suite = load_suite(suite_path);
  std::filesystem::path db = db_arg.empty() ? default_db(suite) : std::filesystem::path(db_arg);
  RunOptions options;
  if (!shard_arg.empty()) options.shard = Shard::parse(shard_arg);
  options.command_line = command_line;
  if (!no_progress) {
    options.progress_out = &std::cerr;
    options.progress_live = isatty(STDERR_FILENO);
  }
  options.stop = &g_stop;
  bool existed = std::filesystem::exists(db);
  Store store(db);
  if (resume && !existed) std::cerr << fmt::format("gauntlet: {} does not exist yet; starting a new run\n", db.string());
  install_signal_handlers();
  auto summary = run_suite(suite, store, options);
  std::cerr << fmt::format(
      "gauntlet: run {} on {}: {} samples planned, {} already done, {} completed, {} failed, {} retries, {} from cache{}\n",
      summary.run_id, db.string(), summary.planned, summary.already_done, summary.completed, summary.failed,
      summary.retries, summary.cached, summary.interrupted ? " (interrupted)" : "");
  std::cout << render_text(build_report(store.samples(), report_options(store)));
  if (summary.interrupted) {
    std::cerr << "gauntlet: interrupted; rerun the same command to finish the missing samples\n";
    return 130;
  }
  if (summary.failed > 0) {
    std::cerr << fmt::format("gauntlet: {} samples failed after retries (errors are in the store); rerun the same "
                             "command to retry only those\n",
                             summary.failed);
    return 1;
  }
  return 0;
}

int cmd_report(const std::string& db, bool json, const std::string& html) {
  Store store = open_existing(db);
  auto cells = build_report(store.samples(), report_options(store));
  if (!html.empty()) {
    std::ofstream out(html, std::ios::binary);
    if (!out) throw UsageError(fmt::format("--html {}: cannot write", html));
    out << render_html(cells, fmt::format("Gauntlet report: {}", std::filesystem::path(db).filename().string()));
    if (!out) throw GauntletError(fmt::format("--html {}: write failed", html));
  }
  if (json) std::cout << render_json(cells).dump(2) << "\n";
  else if (html.empty()) std::cout << render_text(cells);
  return 0;
}

int cmd_export(const std::string& db, const std::string& samples_path) {
  Store store = open_existing(db);
  std::int64_t n;
  if (samples_path == "-") {
    n = export_samples(store, std::cout);
  } else {
    std::ofstream out(samples_path, std::ios::binary);
    if (!out) throw UsageError(fmt::format("--samples {}: cannot write", samples_path));
    n = export_samples(store, out);
    if (!out) throw GauntletError(fmt::format("--samples {}: write failed", samples_path));
  }
  std::cerr << fmt::format("gauntlet: exported {} samples\n", n);
  return 0;
}

int cmd_merge(const std::string& out_path, const std::vector<std::string>& inputs) {
  for (const auto& in : inputs)
    if (!std::filesystem::exists(in)) throw UsageError(fmt::format("merge: {}: no such database", in));
  Store out(out_path);
  for (const auto& in : inputs) {
    auto added = out.merge_from(in);
    std::cerr << fmt::format("gauntlet: merged {}: {} new samples\n", in, added);
  }
  std::cerr << fmt::format("gauntlet: {} now holds {} samples\n", out_path, out.sample_count());
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"Gauntlet: evaluation and self-play harness for language models", "gauntlet"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("gauntlet ") + GAUNTLET_VERSION);

  std::string suite_path, db, shard, html, samples, merge_out;
  std::vector<std::string> merge_inputs;
  bool resume = false, json = false, no_progress = false;

  auto* eval = app.add_subcommand("eval", "Run a benchmark suite; reruns do only the missing work");
  eval->add_option("suite", suite_path, "Suite file (YAML)")->required();
  eval->add_option("--db", db, "SQLite run database (default: runs/<suite name>.db)");
  eval->add_flag("--resume", resume, "Continue an earlier run on the same --db (rerunning does the same)");
  eval->add_option("--shard", shard, "Run only slice i of n (i taken mod n, so 0..n-1 or 1..n): for Slurm arrays");
  eval->add_flag("--no-progress", no_progress, "No progress output on stderr");

  auto* report = app.add_subcommand("report", "Per model x task results from a run database");
  report->add_option("--db", db, "Run database")->required();
  report->add_flag("--json", json, "Print JSON: {\"results\":[...]}");
  report->add_option("--html", html, "Also write a self-contained HTML report to this file");

  auto* exporter = app.add_subcommand("export", "Write every sample as JSON lines");
  exporter->add_option("--db", db, "Run database")->required();
  exporter->add_option("--samples", samples, "Output JSONL file ('-' for stdout)")->required();

  auto* merge = app.add_subcommand("merge", "Merge shard databases into one");
  merge->add_option("out", merge_out, "Output database (created if missing)")->required();
  merge->add_option("inputs", merge_inputs, "Input databases")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  try {
    if (*eval) return cmd_eval(suite_path, db, resume, shard, no_progress, command_line);
    if (*report) return cmd_report(db, json, html);
    if (*exporter) return cmd_export(db, samples);
    if (*merge) return cmd_merge(merge_out, merge_inputs);
  } catch (const ConfigError& e) {
    std::cerr << "gauntlet: config error: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "gauntlet: " << e.what() << "\n";
    return 2;
  } catch (const DatasetError& e) {
    std::cerr << "gauntlet: dataset error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gauntlet: error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}

}  // namespace gauntlet::harness
