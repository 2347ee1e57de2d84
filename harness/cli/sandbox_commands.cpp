// `gauntlet sandbox run` and `gauntlet sandbox batch`: untrusted Python through the sandbox pool.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"
#include "harness/cli/command.h"
#include "harness/errors/errors.h"
#include "harness/input/jsonl_reader.h"
#include "sandbox/sandbox.h"

namespace gauntlet::harness {
namespace {

using sandbox::ExecResult;
using sandbox::Job;
using sandbox::Sandbox;
using sandbox::SandboxOptions;
using sandbox::Status;

struct RunArgs {
  std::string file, code, call;
  int timeout_ms = 1000;
  int memory_mb = 512;
  bool json = false;
  bool insecure = false;
};

struct BatchArgs {
  std::string jsonl;
  int lanes = 0;
  bool json = false;
  bool insecure = false;
};


std::string indent(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out += "  " + line + "\n";
  return out;
}

void print_human(const ExecResult& r, bool show_id) {
  std::cout << fmt::format("{}status: {}  (wall {:.1f} ms, cpu {:.1f} ms, exit {}{}){}\n",
                           show_id ? r.id + "  " : "", sandbox::to_string(r.status), r.wall_ms, r.cpu_ms,
                           r.exit_code, r.signal ? fmt::format(", signal {}", r.signal) : "",
                           r.isolated ? "" : "  [NO ISOLATION: --insecure-no-isolation]");
  if (!r.error_type.empty()) std::cout << "error: " << r.error_type << ": " << r.error_message << "\n";
  else if (!r.error_message.empty()) std::cout << "note: " << r.error_message << "\n";
  if (r.return_repr) std::cout << "return: " << *r.return_repr << "\n";
  if (!r.stdout_text.empty()) std::cout << "stdout:\n" << indent(r.stdout_text);
  if (!r.stderr_text.empty()) std::cout << "stderr:\n" << indent(r.stderr_text);
}

int cmd_run(const RunArgs& a) {
  Job job;
  if (!a.file.empty()) {
    std::ifstream in(a.file, std::ios::binary);
    if (!in) throw UsageError(fmt::format("--file {}: cannot read the file", a.file));
    std::ostringstream s;
    s << in.rdbuf();
    job.code = s.str();
    job.id = a.file;
  } else {
    job.code = a.code;
    job.id = "code";
  }
  if (!a.call.empty()) job.call = a.call;
  try {
    sandbox::check_job_limits(a.timeout_ms, a.memory_mb);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  job.timeout_ms = a.timeout_ms;
  job.memory_mb = a.memory_mb;
  SandboxOptions options;
  options.lanes = 1;
  options.allow_insecure_no_isolation = a.insecure;
  Sandbox box(options);
  ExecResult r = box.run(job);
  if (a.json) std::cout << dump_json(r.to_json()) << "\n";
  else print_human(r, false);
  if (!r.isolated) std::cerr << "gauntlet: sandbox: this job ran WITHOUT isolation (--insecure-no-isolation)\n";
  return r.status == Status::ok ? 0 : 1;
}

std::vector<Job> read_jobs(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("--jsonl {}: cannot read the file", path));
  std::vector<Job> jobs;
  JsonlReader reader(in, path);
  nlohmann::json j;
  while (reader.next(j)) {
    try {
      jobs.push_back(sandbox::job_from_json(j, std::to_string(reader.line())));
    } catch (const std::invalid_argument& e) {
      reader.fail(e.what());
    }
  }
  return jobs;
}

int cmd_batch(const BatchArgs& a) {
  std::vector<Job> jobs = read_jobs(a.jsonl);
  if (a.lanes < 0) throw UsageError("--lanes must be positive");
  SandboxOptions options;
  options.lanes = a.lanes;
  options.allow_insecure_no_isolation = a.insecure;
  Sandbox box(options);
  auto results = box.run_batch(jobs);
  for (const auto& r : results) {
    if (a.json) std::cout << dump_json(r.to_json()) << "\n";
    else print_human(r, true);
  }
  if (!box.isolated()) std::cerr << "gauntlet: sandbox: these jobs ran WITHOUT isolation (--insecure-no-isolation)\n";
  return 0;
}

}  // namespace

void add_sandbox_commands(CLI::App& app, CliCommands& commands) {
  auto* group = app.add_subcommand("sandbox", "Run untrusted Python in the isolated sandbox");
  group->require_subcommand(1);

  auto run_args = std::make_shared<RunArgs>();
  auto* run = group->add_subcommand("run", "Run one program and print its result");
  auto* source = run->add_option_group("source", "the program");
  source->add_option("--file", run_args->file, "Python file to run");
  source->add_option("--code", run_args->code, "Python source to run");
  source->require_option(1);
  run->add_option("--call", run_args->call, "Expression to evaluate afterwards, e.g. 'solve(3)'; its repr is returned");
  run->add_option("--timeout-ms", run_args->timeout_ms, "CPU time limit (the wall limit is 3x + 1000 ms)")
      ->capture_default_str();
  run->add_option("--memory-mb", run_args->memory_mb, "Address-space limit")->capture_default_str();
  run->add_flag("--json", run_args->json, "Print the result as JSON");
  run->add_flag("--insecure-no-isolation", run_args->insecure,
                "Run even where namespaces cannot be created (UNSAFE; noted in every result)");
  commands.push_back({run, [run_args] { return cmd_run(*run_args); }});

  auto batch_args = std::make_shared<BatchArgs>();
  auto* batch = group->add_subcommand("batch", "Run one job per JSON line, print one result per line in order");
  batch->add_option("--jsonl", batch_args->jsonl, "Jobs: {\"id\",\"code\",\"call\",\"input\",\"timeout_ms\",\"memory_mb\"} per line")
      ->required();
  batch->add_option("--lanes", batch_args->lanes, "Parallel workers (default: one per core)");
  batch->add_flag("--json", batch_args->json, "Print results as JSON lines");
  batch->add_flag("--insecure-no-isolation", batch_args->insecure,
                  "Run even where namespaces cannot be created (UNSAFE; noted in every result)");
  commands.push_back({batch, [batch_args] { return cmd_batch(*batch_args); }});
}

}  // namespace gauntlet::harness
