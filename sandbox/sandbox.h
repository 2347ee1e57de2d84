#pragma once
// Sandbox: a pool of warm Python workers ("zygotes", one per lane) that run untrusted jobs in
// forked, seccomp-confined children. Thread-safe: run() and run_batch() may be called from many
// threads; each job takes one free lane. The constructor starts every lane and throws SandboxError
// when isolation (user, mount, pid, net, ipc, uts namespaces) is unavailable, unless
// allow_insecure_no_isolation is set, in which case jobs run without namespaces and every result
// says isolated = false.
//
// Security design (details in zygote.h):
//  - each zygote is /usr/bin/python3 -s -S -P -B with an explicit environment (what -I does, except
//    that PYTHONHASHSEED must be honoured), started once inside new user/mount/pid/net/ipc/uts
//    namespaces, pivot_root'ed into a read-only view of the interpreter and its stdlib with a
//    private tmpfs /tmp as cwd, no capabilities, no_new_privs;
//  - per job it forks a child that sets rlimits (CPU, AS, FSIZE, NOFILE, CORE=0, NPROC), a precise
//    CPU timer, and a default-deny seccomp filter (SeccompPolicy) before running the code;
//  - the supervisor (this process) reads stdout, stderr and the result frame from pipes itself,
//    enforces the wall deadline and the output cap by killing the whole worker (its pid namespace
//    dies with it), learns the exit status from the zygote, and decides the Status.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sandbox/job.h"

namespace gauntlet::sandbox {

class Zygote;

// A pool for a particular kind of job can expose third-party packages and start warm: e.g. symbolic
// math uses packages {"sympy", "mpmath"}, preload {"sympy"} and a warm-up that runs simplify()
// once, so each job forks from a worker that has already paid SymPy's import and first-use costs.
struct SandboxOptions {
  int lanes = 0;                             // 0: one per core
  std::string python = "/usr/bin/python3";  // the interpreter (its real path, never a shim)
  bool allow_insecure_no_isolation = false;  // fall back to no namespaces when they cannot be created
  std::uint32_t hash_seed = 0;               // PYTHONHASHSEED of the lanes; the determinism check uses hash_seed + 1
  int tmp_size_mb = 64;                      // size of each worker's tmpfs /tmp
  int file_size_mb = 16;                     // RLIMIT_FSIZE
  int max_open_files = 64;                   // RLIMIT_NOFILE
  // Top-level packages jobs may import beyond the stdlib, found in the interpreter's site
  // directories (python_packages.h) and bound read-only into the view; a missing one is a SandboxError.
  std::vector<std::string> packages;
  std::vector<std::string> preload;  // modules each worker imports once before its first job
  std::string warmup;                // Python each worker runs once after the preloads (own namespace)
};

class Sandbox {
 public:
  explicit Sandbox(SandboxOptions options = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  ExecResult run(const Job& job);
  // Results in the order of jobs; runs on all lanes in parallel.
  std::vector<ExecResult> run_batch(const std::vector<Job>& jobs);
  // Runs the job twice at once, on a lane and on a worker with a different hash seed.
  DeterminismReport check_determinism(const Job& job);

  int lanes() const { return static_cast<int>(lanes_.size()); }
  std::uint32_t hash_seed() const { return options_.hash_seed; }
  bool isolated() const { return isolated_; }
  // Host pids of the live workers (for tests and monitoring).
  std::vector<int> worker_pids() const;

 private:
  struct Lane;
  Lane& acquire();
  void release(Lane& lane);
  ExecResult run_on(Lane& lane, const Job& job);

  SandboxOptions options_;
  bool isolated_ = true;
  int bpf_fd_ = -1;  // the compiled seccomp filter, shared by all workers
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::unique_ptr<Lane> alt_lane_;  // hash_seed + 1, for check_determinism
  mutable std::mutex mutex_;
  std::condition_variable free_cv_;
};

}  // namespace gauntlet::sandbox
