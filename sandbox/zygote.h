#pragma once
// Zygote: one warm Python worker process and the supervisor's side of its pipes. Runs one job at a
// time (a lane). Not thread-safe; the Sandbox gives each lane to one thread at a time.
//
// Start (once): clone() into new user, mount, pid, net, ipc and uts namespaces (the worker is pid 1
// of its pid namespace, so killing it kills every process the job could have left), map the
// caller's uid/gid to 1000 (not root, so the exec below drops every capability), pivot_root into a
// tmpfs holding read-only binds of the interpreter, its stdlib (/usr/lib/python3.X), the shared
// libraries and /dev/{null,zero,random,urandom}, plus a private size-limited tmpfs /tmp, then
// no_new_privs, setsid and execve(gauntlet-zygote) with a fixed environment: our C++ program
// (zygote_main.cpp, bound read-only into the new root) that embeds CPython, initialises it once as
// `python3 -s -S -P -B` would, pre-imports the warm modules (and the configured preloads, then runs
// the warm-up code) and fork()s one child per job from C.
// Without isolation (allowed explicitly) the same worker runs with a host scratch directory as cwd.
//
// Result channel: the supervisor owns the read ends of three per-worker pipes (job stdout, stderr
// and a dedicated result pipe at fd 3 of the job) and reads them itself while the job runs; the
// wait status and CPU time come from the zygote's wait4() on a separate control socket the job
// never holds (it is closed in the child before any job code runs). Jobs cannot create processes
// (seccomp), so the only writer of fd 3 is the job process: its frame must be at most one
// well-formed frame agreeing with the exit status, otherwise the status is no_result; with no frame
// the exit status alone decides (job.h lists every way out). The frame only carries what the job
// computed (return repr, exception or SystemExit); every Status is decided
// here from the wait status, the CPU time, the byte counts and the wall clock, so a job writing to
// fd 3 itself can at most choose its own return value, never a status like ok for a job that was
// killed. Leftover bytes are drained after each job, and any doubt (output cap, deadline, a dead
// worker) kills the whole worker and a fresh one is started.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/job.h"
#include "sandbox/python_packages.h"

namespace gauntlet::sandbox {

struct ZygoteConfig {
  bool isolated = true;
  std::string python = "/usr/bin/python3";
  std::uint32_t hash_seed = 0;
  int tmp_size_mb = 64;
  int file_size_mb = 16;
  int max_open_files = 64;
  int bpf_fd = -1;  // the compiled seccomp filter (read by the worker at start)
  std::vector<PythonPackage> packages;  // bound read-only into the view and importable
  std::vector<std::string> preload;     // imported once by the worker before its first job
  std::string warmup;                   // Python run once by the worker after the preloads
};

class Zygote {
 public:
  // Starts the worker and waits until it is ready. Throws SandboxError naming what is missing.
  explicit Zygote(ZygoteConfig config);
  ~Zygote();
  Zygote(const Zygote&) = delete;
  Zygote& operator=(const Zygote&) = delete;

  // Runs one job. After a result that killed the worker (timeout_wall, output_limit, a dead
  // worker), alive() is false and the caller starts a new Zygote.
  ExecResult run(const Job& job);
  bool alive() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  void start();
  void kill_worker();

  ZygoteConfig config_;
  pid_t pid_ = -1;
  int control_ = -1;  // socket: job requests out, wait reports in
  int out_ = -1, err_ = -1, result_ = -1;  // read ends, non-blocking
  std::string workdir_;  // host scratch directory (insecure mode only)
};

}  // namespace gauntlet::sandbox
