// gauntlet serve: the in-tree engine behind an OpenAI-compatible HTTP server (harness/server/), on
// the engine's continuous-batching scheduler. SIGINT / SIGTERM: stop accepting, let in-flight
// requests finish for up to --grace seconds, cancel the rest, exit 0.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "engine/engine.h"
#include "engine/serve/scheduler.h"
#include "harness/cli/command.h"
#include "harness/errors/errors.h"
#include "harness/server/http_server.h"

namespace gauntlet::harness {

namespace {

struct ServeArgs {
  std::string model;
  std::string name;
  std::string host = "127.0.0.1";
  int port = 8000;
  int max_batch = 32;
  std::size_t kv_memory_mb = 1024;
  int threads = 0;
  double grace_s = 30;
};

int cmd_serve(const ServeArgs& a) {
  if (a.port < 0 || a.port > 65535) throw UsageError(fmt::format("--port {}: expected 0..65535", a.port));
  if (a.max_batch < 1) throw UsageError("--max-batch must be >= 1");
  if (a.kv_memory_mb < 1) throw UsageError("--kv-memory must be >= 1 (MB)");
  // SIGINT / SIGTERM wait for sigwait below: blocked before any thread starts, so none takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto engine = open_cli_engine(a.model, a.threads);
  engine::SchedulerOptions options;
  options.max_batch = a.max_batch;
  options.kv_memory_mb = a.kv_memory_mb;
  std::unique_ptr<engine::Scheduler> scheduler;
  try {
    scheduler = std::make_unique<engine::Scheduler>(*engine, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  HttpServerOptions http;
  http.host = a.host;
  http.port = static_cast<std::uint16_t>(a.port);
  http.model_name = a.name.empty() ? std::filesystem::path(a.model).lexically_normal().filename().string() : a.name;
  if (http.model_name.empty()) http.model_name = std::filesystem::absolute(a.model).parent_path().filename().string();
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(*engine, *scheduler, http);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  std::cerr << fmt::format("gauntlet serve: listening on http://{}:{} (model {}, max batch {}, {} KV blocks)\n", a.host,
                           server->port(), http.model_name, a.max_batch, scheduler->stats().kv_blocks_total)
            << std::flush;
  int sig = 0;
  sigwait(&signals, &sig);
  std::cerr << "gauntlet serve: shutting down\n" << std::flush;
  server->stop_accepting();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(a.grace_s);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto s = scheduler->stats();
    if (s.waiting == 0 && s.running_requests == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  scheduler.reset();  // cancels what is left; its responses are sent
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->stop();
  return 0;
}

}  // namespace

void add_serve_commands(CLI::App& app, CliCommands& commands) {
  auto a = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand("serve", "Serve a local checkpoint over an OpenAI-compatible HTTP API (batched)");
  serve->add_option("--model", a->model, "Model directory (Hugging Face layout)")->required();
  serve->add_option("--name", a->name, "Model id for /v1/models and responses (default: the directory's name)");
  serve->add_option("--host", a->host, "Address to listen on (default 127.0.0.1)");
  serve->add_option("--port", a->port, "Port (default 8000; 0: any free port, printed)");
  serve->add_option("--max-batch", a->max_batch, "Sequences decoded together (default 32)");
  serve->add_option("--kv-memory", a->kv_memory_mb, "KV cache size in MB (default 1024)");
  serve->add_option("--threads", a->threads, "Kernel threads (0: all cores; default 0)");
  serve->add_option("--grace", a->grace_s, "Seconds in-flight requests get to finish at shutdown (default 30)");
  commands.push_back({serve, [a] { return cmd_serve(*a); }});
}

}  // namespace gauntlet::harness
