#include "sandbox/sandbox.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <iostream>
#include <thread>

#include "sandbox/python_packages.h"
#include "sandbox/sandbox_error.h"
#include "sandbox/seccomp_policy.h"
#include "sandbox/zygote.h"

namespace gauntlet::sandbox {

struct Sandbox::Lane {
  ZygoteConfig config;
  std::unique_ptr<Zygote> zygote;
  bool busy = false;
  std::mutex mutex;  // alt lane only (the pool lanes are handed out under Sandbox::mutex_)
};

namespace {

void validate(const Job& job) {
  auto bad = [&](const std::string& what) {
    throw SandboxError("sandbox: job " + (job.id.empty() ? std::string("(no id)") : job.id) + ": " + what);
  };
  if (job.timeout_ms <= 0) bad("timeout_ms must be positive");
  if (job.wall_timeout_ms < 0) bad("wall_timeout_ms must not be negative");
  if (job.memory_mb < 32) bad("memory_mb must be at least 32 (the interpreter itself needs ~30 MiB)");
  if (job.memory_mb > (1 << 20)) bad("memory_mb is too large");
  if (job.output_limit_bytes < 0) bad("output_limit_bytes must not be negative");
  if (job.code.size() > (64u << 20) || job.input.size() > (64u << 20)) bad("code or input larger than 64 MiB");
  std::size_t env_bytes = 0;
  for (const auto& [name, value] : job.env) {
    if (name.empty() || name.find('=') != std::string::npos || name.find('\0') != std::string::npos)
      bad("environment variable names must be non-empty, without '=' or NUL");
    if (value.find('\0') != std::string::npos) bad("environment variable " + name + ": the value holds a NUL");
    env_bytes += name.size() + value.size() + 2;
  }
  if (env_bytes > (1u << 20)) bad("environment larger than 1 MiB");
}

}  // namespace

Sandbox::Sandbox(SandboxOptions options) : options_(std::move(options)) {
  int lanes = options_.lanes > 0 ? options_.lanes : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string bpf = SeccompPolicy::compile().serialize();
  bpf_fd_ = memfd_create("gauntlet-seccomp-bpf", MFD_CLOEXEC);
  if (bpf_fd_ < 0) throw SandboxError(std::string("sandbox: memfd_create: ") + std::strerror(errno));
  if (write(bpf_fd_, bpf.data(), bpf.size()) != static_cast<ssize_t>(bpf.size())) {
    close(bpf_fd_);
    throw SandboxError("sandbox: cannot store the seccomp filter");
  }
  ZygoteConfig config;
  config.python = options_.python;
  config.hash_seed = options_.hash_seed;
  config.tmp_size_mb = options_.tmp_size_mb;
  config.file_size_mb = options_.file_size_mb;
  config.max_open_files = options_.max_open_files;
  config.bpf_fd = bpf_fd_;
  config.isolated = true;
  config.packages = find_python_packages(options_.python, options_.packages);
  config.preload = options_.preload;
  config.warmup = options_.warmup;
  for (const auto& module : config.preload) {
    if (module.empty() || module.find_first_of(",\n") != std::string::npos)
      throw SandboxError("sandbox: preload module name '" + module + "' is empty or holds ',' or a newline");
  }
  try {
    auto first = std::make_unique<Lane>();
    first->config = config;
    try {
      first->zygote = std::make_unique<Zygote>(config);
    } catch (const SandboxError& e) {
      if (!options_.allow_insecure_no_isolation) throw;
      std::cerr << "gauntlet: sandbox: WARNING: running untrusted code WITHOUT isolation "
                   "(--insecure-no-isolation): "
                << e.what() << "\n";
      isolated_ = false;
      config.isolated = false;
      first->config = config;
      first->zygote = std::make_unique<Zygote>(config);
    }
    lanes_.push_back(std::move(first));
    for (int i = 1; i < lanes; ++i) {
      auto lane = std::make_unique<Lane>();
      lane->config = config;
      lane->zygote = std::make_unique<Zygote>(config);
      lanes_.push_back(std::move(lane));
    }
  } catch (...) {
    lanes_.clear();
    close(bpf_fd_);
    throw;
  }
  alt_lane_ = std::make_unique<Lane>();
  alt_lane_->config = config;
  alt_lane_->config.hash_seed = options_.hash_seed + 1;
}

Sandbox::~Sandbox() {
  lanes_.clear();
  alt_lane_.reset();
  if (bpf_fd_ >= 0) close(bpf_fd_);
}

Sandbox::Lane& Sandbox::acquire() {
  std::unique_lock lock(mutex_);
  while (true) {
    for (auto& lane : lanes_) {
      if (!lane->busy) {
        lane->busy = true;
        return *lane;
      }
    }
    free_cv_.wait(lock);
  }
}

void Sandbox::release(Lane& lane) {
  {
    std::lock_guard lock(mutex_);
    lane.busy = false;
  }
  free_cv_.notify_one();
}

ExecResult Sandbox::run_on(Lane& lane, const Job& job) {
  if (!lane.zygote || !lane.zygote->alive()) lane.zygote = std::make_unique<Zygote>(lane.config);
  return lane.zygote->run(job);
}

ExecResult Sandbox::run(const Job& job) {
  validate(job);
  Lane& lane = acquire();
  try {
    ExecResult r = run_on(lane, job);
    release(lane);
    return r;
  } catch (...) {
    release(lane);
    throw;
  }
}

std::vector<ExecResult> Sandbox::run_batch(const std::vector<Job>& jobs) {
  for (const auto& job : jobs) validate(job);
  std::vector<ExecResult> results(jobs.size());
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= jobs.size()) return;
      try {
        results[i] = run(jobs[i]);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next = jobs.size();
        return;
      }
    }
  };
  size_t threads = std::min(jobs.size(), lanes_.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return results;
}

DeterminismReport Sandbox::check_determinism(const Job& job) {
  validate(job);
  DeterminismReport report;
  std::exception_ptr error;
  std::thread second([&] {
    try {
      std::lock_guard lock(alt_lane_->mutex);
      report.second = run_on(*alt_lane_, job);
    } catch (...) {
      error = std::current_exception();
    }
  });
  try {
    report.first = run(job);
  } catch (...) {
    second.join();
    throw;
  }
  second.join();
  if (error) std::rethrow_exception(error);
  report.deterministic = same_outcome(report.first, report.second);
  return report;
}

std::vector<int> Sandbox::worker_pids() const {
  std::lock_guard lock(mutex_);
  std::vector<int> pids;
  for (const auto& lane : lanes_)
    if (lane->zygote && lane->zygote->alive()) pids.push_back(lane->zygote->pid());
  return pids;
}

}  // namespace gauntlet::sandbox
