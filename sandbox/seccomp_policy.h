#pragma once
// SeccompPolicy: the default-deny seccomp filter every job runs under, compiled with libseccomp
// into classic BPF (the bytes of a struct sock_filter array).
//
// Allowed: what CPython needs to compute, print, read its stdlib, use /tmp, run threads and sleep.
// clone only with CLONE_THREAD; clone3 fails with ENOSYS (so glibc falls back to clone).
// Killed (SIGSYS, status forbidden_syscall): everything else, among them fork/vfork/execve, socket
// and connect, ptrace, kill/tkill/tgkill, mount/umount/pivot_root/chroot/unshare/setns, setuid and
// friends, setrlimit/prlimit with a new limit, changing the SIGPROF/SIGXCPU handlers or ITIMER_PROF
// (the CPU deadline), personality, bpf, perf_event_open, keyctl, io_uring, userfaultfd.
//
// Installed in two stacked parts, because loading a large filter costs a fork's worth of CPU: the
// worker (zygote) installs `worker` once = the job policy plus the few calls it needs to fork,
// wait for, limit and confine children; each forked child installs the small `job` filter, which
// kills exactly those extras. The kernel applies both, so a job runs under worker AND job = the
// job policy (tests/sandbox/seccomp_policy_test.cpp checks that equivalence call by call).
#include <string>

namespace gauntlet::sandbox {

struct SeccompPrograms {
  std::string worker;  // BPF: the job policy + the worker's extras (default: kill)
  std::string job;     // BPF: kills the worker's extras (default: allow)
  // For the zygote's descriptor: u32 (native order) byte length of `worker`, `worker`, then `job`.
  std::string serialize() const;
};

class SeccompPolicy {
 public:
  // Both programs for the native architecture. Throws SandboxError.
  static SeccompPrograms compile();
  // The job policy alone as one filter (what worker AND job must equal).
  static std::string job_policy();
};

}  // namespace gauntlet::sandbox
