// The `code` scorer at scale: a suite of N function problems (5 asserts each) x S samples answered
// by the fake OpenAI server from an answer book (about 70% correct candidates), run by run_suite
// into a fresh store, then the same samples' tests through the peer measured in the same run: a
// plain `/usr/bin/python3 -I -S -c PROGRAM` subprocess per test (the fastest plain interpreter start;
// `python3` on PATH may be a slower shim), with as many tests in flight as the pool has lanes.
// Prints samples scored per second for
//   suite      run_suite end to end (HTTP to the fake server, scoring in the sandbox, one commit per sample),
//   scorer     CodeScorer::score_item alone over the stored completions,
//   baseline   the subprocess peer over a slice of the same samples,
// the sandbox CPU per test (job processes and zygotes, from /proc) against the peer's (its children's
// rusage), the ratios, and whether both judged every sample alike.
//
//   code_scorer_bench [--items N] [--samples S] [--baseline-samples B]
//   (defaults: 500 items, 10 samples, 500 baseline samples; the pool has one lane per core)
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "benchmarks/zygote_cpu.h"
#include "harness/eval/suite_config.h"
#include "harness/eval/suite_runner.h"
#include "harness/store/store.h"
#include "sandbox/sandbox.h"
#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"
#include "verifiers/lazy_sandbox.h"
#include "verifiers/code_scorer.h"

namespace {

using Clock = std::chrono::steady_clock;
using gauntlet::sandbox::Job;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double rusage_ms(int who) {
  struct rusage ru{};
  getrusage(who, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

// CPU ms of our sandbox workers and of the jobs they reaped.
double sandbox_ms() { return gauntlet::bench::zygote_cpu_ms(true); }

struct Problem {
  int a, b, m;
  std::string text;
  std::vector<std::string> tests;
};

long long expected(const Problem& p, long long n) {
  long long s = 0;
  for (long long k = 0; k < n; ++k) s += (k * p.a + p.b) % p.m;
  return s;
}

Problem make_problem(int i) {
  Problem p{i % 7 + 2, i % 13, 97 + i % 50, "", {}};
  p.text = fmt::format("Problem {}: write a Python function f(n) that returns the sum of (k * {} + {}) % {} for k "
                       "from 0 to n - 1.",
                       i, p.a, p.b, p.m);
  for (long long n : {0LL, 1LL, 10LL, 100LL, 1000LL + i % 100})
    p.tests.push_back(fmt::format("assert f({}) == {}", n, expected(p, n)));
  return p;
}

// Ten candidates: seven right ones written differently, three wrong ones.
std::vector<std::string> candidates(const Problem& p) {
  auto fence = [](const std::string& code) { return "Here is the function.\n\n```python\n" + code + "\n```\n"; };
  const std::string t = fmt::format("(k * {} + {}) % {}", p.a, p.b, p.m);
  return {
      fence(fmt::format("def f(n):\n    return sum({} for k in range(n))", t)),
      fence(fmt::format("def f(n):\n    total = 0\n    for k in range(n):\n        total += {}\n    return total", t)),
      fence(fmt::format("def f(n):\n    return sum([{} for k in range(n)])", t)),
      fence(fmt::format("from functools import reduce\ndef f(n):\n    return reduce(lambda s, k: s + {}, range(n), 0)", t)),
      fence(fmt::format("def f(n):\n    k, s = 0, 0\n    while k < n:\n        s += {}\n        k += 1\n    return s", t)),
      fence(fmt::format("import itertools\ndef f(n):\n    return sum(map(lambda k: {}, itertools.islice(itertools.count(), n)))", t)),
      fence(fmt::format("def f(n):\n    values = [{} for k in range(n)]\n    return sum(values)", t)),
      fence(fmt::format("def f(n):\n    return sum({} for k in range(n + 1))", t)),
      fence(fmt::format("def f(n):\n    return sum((k * {} + {}) for k in range(n)) % {}", p.a, p.b, p.m)),
      fence(fmt::format("def f(n):\n    return sum({} for k in range(1, n))", t)),
  };
}

// One fresh interpreter per test program; true when it exits 0 (what a plain subprocess harness checks).
bool run_fresh(const std::string& program, int timeout_ms) {
  const char* argv[] = {"/usr/bin/python3", "-I", "-S", "-c", program.c_str(), nullptr};
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    rlim_t cpu = static_cast<rlim_t>((timeout_ms + 999) / 1000);
    struct rlimit r{cpu, cpu + 1};
    setrlimit(RLIMIT_CPU, &r);
    r = {rlim_t(512) << 20, rlim_t(512) << 20};
    setrlimit(RLIMIT_AS, &r);
    execv(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  int items = 500, samples = 10, baseline_samples = 500;
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? std::atoi(argv[++i]) : -1; };
    if (!std::strcmp(argv[i], "--items")) items = next();
    else if (!std::strcmp(argv[i], "--samples")) samples = next();
    else if (!std::strcmp(argv[i], "--baseline-samples")) baseline_samples = next();
    else {
      std::fprintf(stderr, "code_scorer_bench: unknown or incomplete option '%s'\n", argv[i]);
      return 2;
    }
  }
  if (items < 1 || samples < 1 || baseline_samples < 0) {
    std::fprintf(stderr, "code_scorer_bench: --items and --samples must be >= 1\n");
    return 2;
  }

  // The problems, their dataset and the server's answer book.
  gauntlet::testing::TempDir dir;
  gauntlet::testing::FakeServerOptions server_options;
  server_options.threads = 1;
  std::string data;
  for (int i = 0; i < items; ++i) {
    Problem p = make_problem(i);
    data += nlohmann::json({{"id", std::to_string(i)}, {"text", p.text}, {"tests", p.tests}}).dump() + "\n";
    server_options.book.push_back({{fmt::format("Problem {}:", i)}, candidates(p)});
  }
  dir.write("problems.jsonl", data);
  gauntlet::testing::FakeOpenAIServer server(server_options);
  server.start();
  dir.write("suite.yaml", fmt::format("name: code-bench\nmodels:\n  - name: book\n    base_url: {}\n    model: book\n"
                                      "    concurrency: 16\ncache: false\ntasks:\n  - name: function\n"
                                      "    dataset: problems.jsonl\n    id_field: id\n    answer_field: tests\n"
                                      "    prompt: \"{{text}}\"\n    scorer: code\n    scorer_options: {{timeout_ms: 2000}}\n"
                                      "    samples: {}\n    params: {{seed: 1, max_tokens: 512}}\n",
                                      server.base_url(), samples));

  // The shared pool the suite's scorer uses, started before timing (its start is reported apart).
  auto t_start = Clock::now();
  std::string error;
  auto* box = gauntlet::verifiers::LazySandbox::code_pool().get(error);
  if (!box) {
    std::fprintf(stderr, "code_scorer_bench: the sandbox cannot start: %s\n", error.c_str());
    return 1;
  }
  const double pool_start_s = seconds_since(t_start);
  const int lanes = box->lanes();

  // 1. The suite end to end.
  auto suite = gauntlet::harness::load_suite(dir.file("suite.yaml"));
  gauntlet::harness::Store store(dir.file("run.db"));
  double box0 = sandbox_ms();
  auto t0 = Clock::now();
  auto summary = gauntlet::harness::run_suite(suite, store, {});
  const double suite_s = seconds_since(t0);
  const double suite_box_ms = sandbox_ms() - box0;
  auto records = store.samples();
  const double n_samples = static_cast<double>(records.size());
  const double n_tests = n_samples * 5;
  int correct = 0;
  for (const auto& r : records) correct += r.correct;
  if (summary.failed > 0 || static_cast<int>(records.size()) != items * samples) {
    std::fprintf(stderr, "code_scorer_bench: %lld samples failed, %zu stored\n", static_cast<long long>(summary.failed),
                 records.size());
    return 1;
  }

  // 2. The scorer alone over the stored completions, as many at once as the runner scores.
  std::vector<nlohmann::json> rows(static_cast<std::size_t>(items));
  {
    std::stringstream in(data);
    std::string line;
    for (int i = 0; std::getline(in, line); ++i) rows[static_cast<std::size_t>(i)] = nlohmann::json::parse(line);
  }
  gauntlet::verifiers::CodeScorer scorer({{"timeout_ms", "2000"}}, *box);
  std::vector<char> scorer_correct(records.size());
  std::atomic<std::size_t> next{0};
  box0 = sandbox_ms();
  t0 = Clock::now();
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < scorer.concurrency(); ++t)
      threads.emplace_back([&] {
        for (std::size_t i; (i = next.fetch_add(1)) < records.size();) {
          const auto& r = records[i];
          scorer_correct[i] = scorer.score_item({r.completion, r.reference, rows[std::stoul(r.key.item_id)]}).correct;
        }
      });
    for (auto& t : threads) t.join();
  }
  const double scorer_s = seconds_since(t0);
  const double scorer_box_ms = sandbox_ms() - box0;

  // 3. The peer over an even slice of the same samples.
  std::vector<std::size_t> slice;
  const std::size_t want = std::min<std::size_t>(static_cast<std::size_t>(baseline_samples), records.size());
  for (std::size_t k = 0; k < want; ++k) slice.push_back(k * records.size() / std::max<std::size_t>(want, 1));
  std::vector<char> fresh_correct(slice.size(), 1);
  next = 0;
  const double children0 = rusage_ms(RUSAGE_CHILDREN);
  t0 = Clock::now();
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < lanes; ++t)
      threads.emplace_back([&] {
        for (std::size_t i; (i = next.fetch_add(1)) < slice.size();) {
          const auto& r = records[slice[i]];
          const auto& row = rows[std::stoul(r.key.item_id)];
          auto code = scorer.extract(r.completion);
          for (const Job& job : scorer.jobs(code.value_or(""), scorer.problem(row)))
            if (!run_fresh(job.code + "\n" + job.call.value_or("") + "\n", job.timeout_ms)) fresh_correct[i] = 0;
        }
      });
    for (auto& t : threads) t.join();
  }
  const double fresh_s = seconds_since(t0);
  const double fresh_cpu_ms = rusage_ms(RUSAGE_CHILDREN) - children0;

  int agree_suite = 0, agree_scorer = 0, agree_fresh = 0;
  for (std::size_t i = 0; i < records.size(); ++i) agree_scorer += scorer_correct[i] == records[i].correct;
  for (std::size_t i = 0; i < slice.size(); ++i) agree_fresh += fresh_correct[i] == records[slice[i]].correct;
  agree_suite = static_cast<int>(records.size());

  const double suite_rate = n_samples / suite_s, scorer_rate = n_samples / scorer_s;
  const double fresh_rate = slice.empty() ? 0 : static_cast<double>(slice.size()) / fresh_s;
  const double fresh_tests = static_cast<double>(slice.size()) * 5;
  std::printf("code_scorer_bench: %d function problems x %d samples, 5 tests each; %d lanes, isolation %s\n", items,
              samples, lanes, box->isolated() ? "namespaces+seccomp" : "NONE");
  std::printf("  pool start                              %8.2f s (before timing)\n", pool_start_s);
  std::printf("  suite (fake server, run_suite, store)   %8.1f samples/s  (%zu samples in %.2f s, %d correct)\n",
              suite_rate, records.size(), suite_s, correct);
  std::printf("  scorer alone (score_item, %2d at once)   %8.1f samples/s  (%.2f s)\n", scorer.concurrency(),
              scorer_rate, scorer_s);
  std::printf("  sandbox CPU ms/test                     %8.3f suite, %.3f scorer alone (jobs + zygotes)\n",
              suite_box_ms / n_tests, scorer_box_ms / n_tests);
  if (!slice.empty()) {
    std::printf("  baseline (python3 -I -S per test)       %8.1f samples/s  (%zu samples in %.2f s)\n", fresh_rate,
                slice.size(), fresh_s);
    std::printf("  baseline CPU ms/test                    %8.3f\n", fresh_cpu_ms / fresh_tests);
    std::printf("  ratio suite / baseline                  %8.1fx  (target >= 10x)\n", suite_rate / fresh_rate);
    std::printf("  ratio scorer / baseline                 %8.1fx\n", scorer_rate / fresh_rate);
    std::printf("  CPU ratio per test baseline / sandbox   %8.1fx\n", (fresh_cpu_ms / fresh_tests) / (suite_box_ms / n_tests));
  }
  std::printf("  verdicts agree: scorer %d / %zu, baseline %d / %zu\n", agree_scorer, records.size(), agree_fresh,
              slice.size());
  (void)agree_suite;
  bool ok = agree_scorer == static_cast<int>(records.size()) && agree_fresh == static_cast<int>(slice.size());
  return ok ? 0 : 1;
}
