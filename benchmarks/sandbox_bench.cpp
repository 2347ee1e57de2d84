// Sandbox throughput: the same small jobs through the warm-zygote pool (full isolation: namespaces,
// rlimits, seccomp) and through the peer measured in the same run, a fresh `/usr/bin/python3 -I -S
// -c CODE` per job with the same rlimits (CPU, AS, FSIZE, NOFILE, CORE) and the same number of jobs
// in flight (one per lane). Prints jobs/s for both and the ratio, and checks that both produced the
// same stdout for every job.
//
//   sandbox_bench [--jobs N] [--lanes L] [--pool-only]   (defaults: 2000 jobs, one lane per core;
//                                                          --pool-only skips the baseline and its ratio)
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <dirent.h>
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

#include "benchmarks/zygote_cpu.h"
#include "sandbox/sandbox.h"

namespace {

using gauntlet::sandbox::Job;
using gauntlet::sandbox::Sandbox;
using gauntlet::sandbox::SandboxOptions;
using gauntlet::sandbox::Status;
using Clock = std::chrono::steady_clock;

// Small programs of the kind self-play and code verification run: a few arithmetic lines, a loop, a print.
std::vector<Job> make_jobs(int n) {
  std::vector<Job> jobs;
  for (int i = 0; i < n; ++i) {
    Job job;
    job.id = std::to_string(i);
    switch (i % 4) {
      case 0: job.code = "print(sum(k * k for k in range(" + std::to_string(50 + i % 97) + ")))\n"; break;
      case 1: job.code = "def f(x):\n    return x * (x + 1) // 2\nprint(f(" + std::to_string(i) + "))\n"; break;
      case 2: job.code = "s = 'abc' * " + std::to_string(1 + i % 9) + "\nprint(s.upper()[::-1], len(s))\n"; break;
      default:
        job.code = "import math\nprint(math.gcd(" + std::to_string(i * 6) + ", 84), math.isqrt(" + std::to_string(i) + "))\n";
    }
    job.timeout_ms = 2000;
    job.memory_mb = 512;
    jobs.push_back(job);
  }
  return jobs;
}

// One fresh interpreter with the same limits; returns stdout ("" and ok=false on failure).
std::string run_fresh(const Job& job, bool& ok) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    ok = false;
    return "";
  }
  std::string code = job.code;
  const char* argv[] = {"/usr/bin/python3", "-I", "-S", "-c", code.c_str(), nullptr};
  rlim_t cpu = static_cast<rlim_t>((job.timeout_ms + 999) / 1000);
  rlim_t mem = static_cast<rlim_t>(job.memory_mb) << 20;
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(out[1], 1);
    dup2(devnull, 2);
    struct rlimit r{cpu, cpu + 1};
    setrlimit(RLIMIT_CPU, &r);
    r = {mem, mem};
    setrlimit(RLIMIT_AS, &r);
    r = {16 << 20, 16 << 20};
    setrlimit(RLIMIT_FSIZE, &r);
    r = {64, 64};
    setrlimit(RLIMIT_NOFILE, &r);
    r = {0, 0};
    setrlimit(RLIMIT_CORE, &r);
    execv(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  close(out[1]);
  std::string text;
  auto deadline = Clock::now() + std::chrono::milliseconds(job.effective_wall_timeout_ms());
  char buf[4096];
  while (true) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    struct pollfd p{out[0], POLLIN, 0};
    if (left <= 0 || poll(&p, 1, left) == 0) {
      kill(pid, SIGKILL);
      break;
    }
    ssize_t n = read(out[0], buf, sizeof(buf));
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return text;
}

double rusage_ms(int who) {
  struct rusage ru{};
  getrusage(who, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

// CPU ms the zygote processes themselves used (not their reaped jobs, whose CPU each result reports).
double zygotes_ms() { return gauntlet::bench::zygote_cpu_ms(false); }

struct PoolRun {
  std::vector<gauntlet::sandbox::ExecResult> results;
  double seconds = 0, supervisor_ms = 0, zygote_ms = 0, job_ms = 0;
  int ok = 0;
  double cpu_ms() const { return supervisor_ms + zygote_ms + job_ms; }
};

// One batch through the pool, with the CPU each side spent on it.
PoolRun run_pool(Sandbox& box, const std::vector<Job>& jobs) {
  PoolRun run;
  double self0 = rusage_ms(RUSAGE_SELF), zyg0 = zygotes_ms();
  auto t0 = Clock::now();
  run.results = box.run_batch(jobs);
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  run.supervisor_ms = rusage_ms(RUSAGE_SELF) - self0;
  run.zygote_ms = zygotes_ms() - zyg0;
  for (const auto& r : run.results) {
    run.ok += r.status == Status::ok;
    run.job_ms += r.cpu_ms;
  }
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  int jobs_n = 2000;
  int lanes = 0;
  bool pool_only = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--pool-only")) pool_only = true;
    else if (!std::strcmp(argv[i], "--jobs") && i + 1 < argc) jobs_n = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--lanes") && i + 1 < argc) lanes = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "sandbox_bench: unknown or incomplete option '%s'\n", argv[i]);
      return 2;
    }
  }
  if (lanes <= 0) lanes = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto jobs = make_jobs(jobs_n);

  SandboxOptions options;
  options.lanes = lanes;
  Sandbox box(options);
  box.run_batch(std::vector<Job>(jobs.begin(), jobs.begin() + std::min<size_t>(jobs.size(), 2 * lanes)));  // warm
  PoolRun pool = run_pool(box, jobs);
  // The same number of empty jobs: what the pool costs per job before any job code runs (fork,
  // confinement, result, exit); the floor under the ratio.
  std::vector<Job> empty = jobs;
  for (auto& job : empty) job.code = "pass\n";
  PoolRun floor = run_pool(box, empty);

  double n = static_cast<double>(jobs.size());
  double pool_cpu = pool.cpu_ms() / n;
  double pool_rate = n / pool.seconds;
  int pool_ok = pool.ok;
  const auto& pooled = pool.results;
  std::printf("sandbox_bench: %zu small jobs, %d lanes, isolation %s\n", jobs.size(), lanes,
              box.isolated() ? "namespaces+seccomp" : "NONE");
  std::printf("  pool (warm zygotes, full isolation)     %8.1f jobs/s  (%6.2f s, %d ok)\n", pool_rate, pool.seconds, pool_ok);
  std::printf("  CPU ms/job pool                         %8.3f  (supervisor %.3f, zygotes %.3f, jobs %.3f)\n", pool_cpu,
              pool.supervisor_ms / n, pool.zygote_ms / n, pool.job_ms / n);
  std::printf("  pool, empty jobs ('pass')               %8.1f jobs/s  (CPU ms/job %.3f: zygotes %.3f, jobs %.3f)\n",
              n / floor.seconds, floor.cpu_ms() / n, floor.zygote_ms / n, floor.job_ms / n);
  if (pool_only) return pool_ok == static_cast<int>(jobs.size()) ? 0 : 1;

  std::vector<std::string> fresh(jobs.size());
  std::atomic<int> fresh_ok{0};
  std::atomic<size_t> next{0};
  double self0 = rusage_ms(RUSAGE_SELF);
  double children0 = rusage_ms(RUSAGE_CHILDREN);
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < lanes; ++t)
    threads.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
        bool ok = false;
        fresh[i] = run_fresh(jobs[i], ok);
        fresh_ok += ok;
      }
    });
  for (auto& t : threads) t.join();
  double fresh_s = std::chrono::duration<double>(Clock::now() - t0).count();
  double fresh_cpu_ms = rusage_ms(RUSAGE_SELF) - self0 + rusage_ms(RUSAGE_CHILDREN) - children0;

  int same = 0;
  for (size_t i = 0; i < jobs.size(); ++i) same += pooled[i].stdout_text == fresh[i];
  double fresh_rate = n / fresh_s;
  std::printf("  baseline (python3 -I -S per job)        %8.1f jobs/s  (%6.2f s, %d ok)\n", fresh_rate, fresh_s,
              fresh_ok.load());
  std::printf("  ratio pool / baseline                   %8.1fx  (target >= 15x)\n", pool_rate / fresh_rate);
  std::printf("  CPU ms/job baseline                     %8.3f\n", fresh_cpu_ms / n);
  std::printf("  CPU ratio baseline / pool               %8.1fx\n", fresh_cpu_ms / n / pool_cpu);
  std::printf("  identical stdout                        %d / %zu\n", same, jobs.size());
  return (pool_ok == static_cast<int>(jobs.size()) && same == static_cast<int>(jobs.size())) ? 0 : 1;
}
