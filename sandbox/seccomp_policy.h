#pragma once
// SeccompPolicy: the default-deny seccomp filter every job runs under, compiled with libseccomp
// into classic BPF (the bytes of a struct sock_filter array) that the worker installs with
// prctl(PR_SET_SECCOMP) in each forked child just before running the job's code.
//
// Allowed: what CPython needs to compute, print, read its stdlib, use /tmp, run threads and sleep.
// clone only with CLONE_THREAD; clone3 fails with ENOSYS (so glibc falls back to clone).
// Killed (SIGSYS, status forbidden_syscall): everything else, among them fork/vfork/execve, socket
// and connect, ptrace, kill/tkill/tgkill, mount/umount/pivot_root/chroot/unshare/setns, setuid and
// friends, setrlimit/prlimit with a new limit, changing the SIGPROF/SIGXCPU handlers or ITIMER_PROF
// (the CPU deadline), personality, bpf, perf_event_open, keyctl, io_uring, userfaultfd.
#include <string>

namespace gauntlet::sandbox {

class SeccompPolicy {
 public:
  // The filter as raw BPF bytes for the native architecture. Throws SandboxError.
  static std::string compile();
};

}  // namespace gauntlet::sandbox
