// Harness overhead: the CPU time Gauntlet spends per request against a zero-latency
// OpenAI-compatible endpoint, with the `curl` command-line tool as the peer measured in the same run.
//
// The endpoint is fake_openai_server (tests/support) running as a separate process, so the CPU time
// of this process is the harness's alone. It is found through --server=PATH, the environment
// variable GAUNTLET_FAKE_SERVER, or next to this program's build folder (build/fake_openai_server).
//
//   ClientSubmitAsync  OpenAIClient::submit_async of N chat requests at once, concurrency 64, wait for all
//   SuitePipeline      run_suite of a 1000-sample suite (one openai model, no cache) into a fresh
//                      SQLite store: request building, HTTP, parsing, scoring and the per-sample commit
//   CurlCliPeer        the same N requests sent by one `curl --parallel --parallel-max 64` process
//                      (skipped when /usr/bin/curl is missing)
//
// Counters: cpu_us_per_request (or _per_sample): process CPU time (user + system, all threads) per
// request; requests_per_s: wall-clock throughput. (CurlCliPeer's "CPU" column is this process
// waiting; its counter is the curl child's CPU from wait4.) At the end a summary prints the ratio of
// the harness's CPU per request to curl's. About 5 s with the default flags.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"
#include "harness/clients/openai_client.h"
#include "harness/store/store.h"
#include "harness/eval/suite_config.h"
#include "harness/eval/suite_runner.h"

namespace {

namespace fs = std::filesystem;
using gauntlet::harness::ChatRequest;
using gauntlet::harness::ChatResult;
using gauntlet::harness::ModelSpec;
using gauntlet::harness::OpenAIClient;

constexpr int kRequests = 2000;      // per iteration, ClientSubmitAsync and CurlCliPeer
constexpr int kConcurrency = 64;
constexpr int kSuiteSamples = 1000;  // per iteration, SuitePipeline

// ---- the endpoint ---------------------------------------------------------------------------------

struct ServerProcess {
  pid_t pid = -1;
  int port = 0;
  std::string error;  // why it is not running
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port) + "/v1"; }
};

ServerProcess g_server;
std::string g_tmp;  // scratch folder for datasets, stores and curl's config

std::string find_server(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("GAUNTLET_FAKE_SERVER"); env && *env) return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const fs::path& candidate : {self.parent_path().parent_path() / "fake_openai_server",
                                    self.parent_path() / "fake_openai_server"})
    if (fs::exists(candidate)) return candidate.string();
  return "";
}

// Starts the server (called from main() before any thread exists, so fork() is safe) and reads the
// "PORT <n>" line it prints once listening. The child dies with us (PR_SET_PDEATHSIG).
ServerProcess start_server(const std::string& path) {
  ServerProcess s;
  if (path.empty() || !fs::exists(path)) {
    s.error = "fake_openai_server not found: build it (cmake --build build --target fake_openai_server), or pass "
              "--server=PATH, or set GAUNTLET_FAKE_SERVER";
    return s;
  }
  int fds[2];
  if (pipe(fds) != 0) {
    s.error = std::string("pipe: ") + std::strerror(errno);
    return s;
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(path.c_str(), path.c_str(), "--latency-ms", "0", "--threads", "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    s.error = std::string("fork: ") + std::strerror(errno);
    return s;
  }
  s.pid = pid;
  std::string line;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  close(fds[0]);
  if (line.rfind("PORT ", 0) != 0) {
    s.error = path + " did not print its port (got '" + line + "')";
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    s.pid = -1;
    return s;
  }
  s.port = std::stoi(line.substr(5));
  return s;
}

void stop_server(ServerProcess& s) {
  if (s.pid <= 0) return;
  kill(s.pid, SIGTERM);
  waitpid(s.pid, nullptr, 0);
  s.pid = -1;
}

double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string question(int i) { return "What is " + std::to_string(i * 7) + "+" + std::to_string(i + 11) + "?"; }

// Results shared with the summary printed by main().
double g_harness_cpu_us = 0.0;
double g_pipeline_cpu_us = 0.0;
double g_curl_cpu_us = 0.0;

// ---- A: the client alone --------------------------------------------------------------------------

void ClientSubmitAsync(benchmark::State& state) {
  if (g_server.pid <= 0) {
    state.SkipWithError(g_server.error.c_str());
    return;
  }
  const int n = static_cast<int>(state.range(0));
  ModelSpec config;
  config.name = config.model_id = "bench";
  config.openai().base_urls = {g_server.base_url()};
  config.concurrency = static_cast<int>(state.range(1));
  config.openai().max_retries = 0;
  std::vector<ChatRequest> requests(n);
  for (int i = 0; i < n; ++i) {
    requests[i].messages = {{"user", question(i) + " Answer in \\boxed{}."}};
    requests[i].params.seed = i;
    requests[i].sample_index = i;
  }
  OpenAIClient client(config);
  std::atomic<long> failures{0};
  std::string first_error;
  auto done = [&](ChatResult r) {
    if (!r.ok() && failures.fetch_add(1) == 0) first_error = r.error;
  };
  for (int i = 0; i < std::min(n, config.concurrency); ++i) client.submit_async(requests[i], done);  // connect
  client.drain();

  double cpu = 0.0;
  std::int64_t total = 0;
  for (auto _ : state) {
    const double c0 = process_cpu_s();
    for (const auto& request : requests) client.submit_async(request, done);
    client.drain();
    cpu += process_cpu_s() - c0;
    total += n;
  }
  if (failures > 0) {
    state.SkipWithError(("requests failed: " + first_error).c_str());
    return;
  }
  g_harness_cpu_us = cpu * 1e6 / static_cast<double>(total);
  state.counters["cpu_us_per_request"] = g_harness_cpu_us;
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}

// ---- B: the whole pipeline ------------------------------------------------------------------------

void SuitePipeline(benchmark::State& state) {
  if (g_server.pid <= 0) {
    state.SkipWithError(g_server.error.c_str());
    return;
  }
  const int n = static_cast<int>(state.range(0));
  const fs::path dir = fs::path(g_tmp) / "pipeline";
  fs::create_directories(dir);
  {
    std::ofstream data(dir / "data.jsonl");
    for (int i = 0; i < n; ++i)
      data << nlohmann::json{{"id", "q" + std::to_string(i)},
                             {"q", std::to_string(i * 7) + "+" + std::to_string(i + 11)},
                             {"answer", std::to_string(i * 8 + 11)}}
                  .dump()
           << "\n";
    std::ofstream suite(dir / "suite.yaml");
    suite << "name: overhead\n"
             "cache: false\n"
             "models:\n"
             "  - name: bench\n"
             "    base_url: " << g_server.base_url() << "\n"
             "    concurrency: " << kConcurrency << "\n"
             "tasks:\n"
             "  - name: arith\n"
             "    dataset: data.jsonl\n"
             "    prompt: \"What is {q}? Answer in \\\\boxed{}.\"\n"
             "    id_field: id\n"
             "    scorer: math\n"
             "    params: {seed: 1}\n";
  }
  auto suite = gauntlet::harness::load_suite(dir / "suite.yaml");
  gauntlet::harness::RunOptions options;

  double cpu = 0.0;
  std::int64_t total = 0;
  int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path db = dir / ("run" + std::to_string(run++) + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
    auto store = std::make_unique<gauntlet::harness::Store>(db);
    state.ResumeTiming();

    const double c0 = process_cpu_s();
    auto summary = gauntlet::harness::run_suite(suite, *store, options);
    cpu += process_cpu_s() - c0;
    total += summary.completed;

    state.PauseTiming();
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
    state.ResumeTiming();
    if (summary.completed != n) {
      state.SkipWithError(("only " + std::to_string(summary.completed) + " of " + std::to_string(n) +
                           " samples completed (" + std::to_string(summary.failed) + " failed)")
                              .c_str());
      return;
    }
  }
  g_pipeline_cpu_us = cpu * 1e6 / static_cast<double>(total);
  state.counters["cpu_us_per_sample"] = g_pipeline_cpu_us;
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}

// ---- C: the peer, curl's command-line tool ----------------------------------------------------------

// A curl config string: JSON needs its quotes and backslashes escaped.
std::string curl_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void CurlCliPeer(benchmark::State& state) {
  const char* curl = "/usr/bin/curl";
  if (access(curl, X_OK) != 0) {
    state.SkipWithError("/usr/bin/curl is not installed; no peer measured");
    return;
  }
  if (g_server.pid <= 0) {
    state.SkipWithError(g_server.error.c_str());
    return;
  }
  const int n = static_cast<int>(state.range(0));
  // The bodies OpenAIClient sends for the same requests as ClientSubmitAsync.
  const std::string config_path = g_tmp + "/curl.config";
  {
    std::ofstream config(config_path);
    const std::string url = g_server.base_url() + "/chat/completions";
    for (int i = 0; i < n; ++i) {
      nlohmann::json body = {{"model", "bench"},
                             {"messages", {{{"role", "user"}, {"content", question(i) + " Answer in \\boxed{}."}}}},
                             {"seed", i}};
      if (i > 0) config << "next\n";
      config << "url = " << curl_quote(url) << "\n"
             << "header = \"Content-Type: application/json\"\n"
             << "data-binary = " << curl_quote(body.dump()) << "\n"
             << "output = \"/dev/null\"\n";
    }
  }
  const std::string max = std::to_string(kConcurrency);
  const std::string err_path = g_tmp + "/curl.err";  // curl's parallel progress meter ignores --silent
  std::vector<const char*> argv = {curl, "--silent", "--show-error", "--fail", "--parallel", "--parallel-max",
                                   max.c_str(), "--config", config_path.c_str(), nullptr};

  double cpu = 0.0;
  std::int64_t total = 0;
  for (auto _ : state) {
    pid_t pid = fork();
    if (pid == 0) {
      int null = open("/dev/null", O_WRONLY);
      int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(null, STDOUT_FILENO);
      dup2(err, STDERR_FILENO);
      execv(curl, const_cast<char* const*>(argv.data()));
      _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::ifstream in(err_path);
      std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      state.SkipWithError(("curl failed (wait status " + std::to_string(status) + "): " + err).c_str());
      return;
    }
    cpu += static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
    total += n;
  }
  g_curl_cpu_us = cpu * 1e6 / static_cast<double>(total);
  state.counters["cpu_us_per_request"] = g_curl_cpu_us;
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  if (g_harness_cpu_us > 0) state.counters["harness_to_curl_cpu"] = g_harness_cpu_us / g_curl_cpu_us;
}

BENCHMARK(ClientSubmitAsync)->Args({kRequests, kConcurrency})->Iterations(20)->UseRealTime()->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(SuitePipeline)->Arg(kSuiteSamples)->Iterations(10)->UseRealTime()->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(CurlCliPeer)->Arg(kRequests)->Iterations(20)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::string server_flag;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--server=", 0) == 0) {
      server_flag = arg.substr(9);
    } else {
      std::cerr << "harness_overhead_bench: unknown argument " << arg << " (besides the --benchmark_* flags, only "
                << "--server=PATH to fake_openai_server)\n";
      return 2;
    }
  }
  g_tmp = (fs::temp_directory_path() / ("gauntlet-bench-" + std::to_string(getpid()))).string();
  fs::create_directories(g_tmp);
  g_server = start_server(find_server(server_flag));
  if (g_server.pid <= 0) std::cerr << "harness_overhead_bench: " << g_server.error << "\n";

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  stop_server(g_server);
  std::error_code ec;
  fs::remove_all(g_tmp, ec);

  if (g_harness_cpu_us > 0) {
    std::printf("\nharness CPU per request (OpenAIClient, zero-latency endpoint): %.1f us\n", g_harness_cpu_us);
    if (g_pipeline_cpu_us > 0)
      std::printf("harness CPU per sample (run_suite: request, scoring, SQLite commit): %.1f us\n", g_pipeline_cpu_us);
    if (g_curl_cpu_us > 0)
      std::printf("peer: curl CLI %.1f us per request; harness / curl = %.2fx (pipeline / curl = %.2fx)\n",
                  g_curl_cpu_us, g_harness_cpu_us / g_curl_cpu_us,
                  g_pipeline_cpu_us > 0 ? g_pipeline_cpu_us / g_curl_cpu_us : 0.0);
    else
      std::printf("peer: curl CLI not measured in this run (filtered out, or /usr/bin/curl missing), no ratio\n");
  }
  return 0;
}
