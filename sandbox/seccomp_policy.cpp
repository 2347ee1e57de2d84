#include "sandbox/seccomp_policy.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "sandbox/sandbox_error.h"

namespace gauntlet::sandbox {
namespace {

// System calls CPython needs for computing, printing, reading files, /tmp, threads and time.
constexpr const char* kAllowed[] = {
    // I/O on descriptors the job already has or opens (the filesystem view is read-only but /tmp)
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "lseek", "close",
    "close_range", "dup", "dup2", "dup3", "pipe", "pipe2", "fcntl", "flock", "fsync", "fdatasync",
    "ftruncate", "fallocate", "poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl",
    "epoll_wait", "epoll_pwait", "eventfd2",
    // files and directories
    "open", "openat", "creat", "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs",
    "access", "faccessat", "faccessat2", "getdents64", "readlink", "readlinkat", "getcwd", "chdir",
    "fchdir", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2",
    "chmod", "fchmod", "fchmodat", "umask", "utimensat", "truncate", "symlink", "symlinkat", "link",
    "linkat", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr",
    // memory
    "mmap", "munmap", "mremap", "mprotect", "brk", "madvise", "mincore",
    // threads and synchronisation (clone is added below, only with CLONE_THREAD)
    "futex", "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "sched_yield",
    "sched_getaffinity", "membarrier",
    // signals: the job may handle its own signals but never send them to anyone
    "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "rt_sigsuspend", "rt_sigtimedwait",
    "rt_sigpending", "restart_syscall", "alarm", "getitimer", "pause",
    // identity and time
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid",
    "getresgid", "getpgrp", "getpgid", "getsid", "uname", "clock_gettime", "clock_getres",
    "clock_nanosleep", "nanosleep", "gettimeofday", "time", "getrusage", "times", "sysinfo",
    "getrlimit", "getrandom", "getcpu", "sched_getparam", "sched_getscheduler",
    // unconnected local socket pairs (asyncio's self-pipe); socket() itself stays forbidden
    "sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown", "getsockopt", "getsockname",
    "exit", "exit_group",
};

struct Ctx {
  scmp_filter_ctx ctx;
  explicit Ctx(scmp_filter_ctx c) : ctx(c) {}
  Ctx(Ctx&& other) noexcept : ctx(other.ctx) { other.ctx = nullptr; }
  Ctx(const Ctx&) = delete;
  Ctx& operator=(const Ctx&) = delete;
  Ctx& operator=(Ctx&&) = delete;
  ~Ctx() {
    if (ctx) seccomp_release(ctx);
  }
};

void check(int rc, const char* what) {
  if (rc < 0) throw SandboxError(std::string("seccomp: ") + what + ": " + std::strerror(-rc));
}

// The job policy's rules (default action: kill).
void add_job_rules(scmp_filter_ctx ctx) {
  for (const char* name : kAllowed) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0), name);
  }
  // Threads only: clone must carry CLONE_THREAD; clone3's flags live in memory seccomp cannot read.
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                         SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)),
        "clone");
  check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "clone3");
  // The CPU deadline is SIGPROF from ITIMER_PROF (backed by RLIMIT_CPU's SIGXCPU/SIGKILL): the job
  // may not replace those handlers nor rearm that timer. Reading a handler (act == NULL) is fine.
  static_assert(SIGXCPU + 3 == SIGPROF, "signal numbers assumed below");
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, SCMP_A0(SCMP_CMP_LT, SIGXCPU)),
        "rt_sigaction");
  for (int sig : {SIGXCPU + 1, SIGXCPU + 2})
    check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(sig))),
          "rt_sigaction");
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, SCMP_A0(SCMP_CMP_GT, SIGPROF)),
        "rt_sigaction");
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, SCMP_A1(SCMP_CMP_EQ, 0)),
        "rt_sigaction(read)");
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setitimer), 1, SCMP_A0(SCMP_CMP_NE, ITIMER_PROF)),
        "setitimer");
  // Limits may be read (new_limit == NULL), never changed.
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1, SCMP_A2(SCMP_CMP_EQ, 0)), "prlimit64");
  // Terminal ioctls only (isatty and friends); no TIOCSTI and no device control.
  for (unsigned long request : {static_cast<unsigned long>(TCGETS), static_cast<unsigned long>(FIONBIO),
                                static_cast<unsigned long>(FIOCLEX), static_cast<unsigned long>(FIONCLEX),
                                static_cast<unsigned long>(FIONREAD), static_cast<unsigned long>(TIOCGWINSZ)})
    check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, request)), "ioctl");
  // Local socket pairs only (asyncio); socket(), connect(), bind() stay forbidden.
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socketpair), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX)),
        "socketpair");
}

// What the worker itself needs beyond the job policy, between two jobs and in a fresh child before
// the job filter is on: fork (clone without CLONE_THREAD), the stdin memfd, waiting for and killing
// the child, setting the child's limits and CPU timer, installing the job filter.
// Each is either not in the job policy at all or allowed there only with the argument tested in
// add_job_delta_rules, which the job filter puts back.
void add_worker_extras(scmp_filter_ctx ctx) {
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                         SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)), "worker clone");
  for (int nr : {SCMP_SYS(memfd_create), SCMP_SYS(pidfd_open), SCMP_SYS(wait4)})
    check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0), "worker syscall");
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A1(SCMP_CMP_EQ, SIGKILL)), "worker kill");
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A2(SCMP_CMP_GT, 0)),
        "worker prlimit64");
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setitimer), 1, SCMP_A0(SCMP_CMP_EQ, ITIMER_PROF)),
        "worker setitimer");
  check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1, SCMP_A0(SCMP_CMP_EQ, PR_SET_SECCOMP)),
        "worker prctl");
}

// The job filter (default action: allow): kills exactly what add_worker_extras added.
void add_job_delta_rules(scmp_filter_ctx ctx) {
  check(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 1,
                         SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)), "job clone");
  for (int nr : {SCMP_SYS(memfd_create), SCMP_SYS(pidfd_open), SCMP_SYS(wait4), SCMP_SYS(kill), SCMP_SYS(prctl)})
    check(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, nr, 0), "job syscall");
  check(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(prlimit64), 1, SCMP_A2(SCMP_CMP_GT, 0)), "job prlimit64");
  check(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(setitimer), 1, SCMP_A0(SCMP_CMP_EQ, ITIMER_PROF)),
        "job setitimer");
}

std::string export_bpf(scmp_filter_ctx ctx) {
  int fd = memfd_create("gauntlet-seccomp", MFD_CLOEXEC);
  if (fd < 0) throw SandboxError(std::string("seccomp: memfd_create: ") + std::strerror(errno));
  std::string bpf;
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc == 0) {
    off_t size = lseek(fd, 0, SEEK_END);
    bpf.resize(size > 0 ? static_cast<size_t>(size) : 0);
    if (size <= 0 || pread(fd, bpf.data(), bpf.size(), 0) != static_cast<ssize_t>(bpf.size())) rc = -EIO;
  }
  close(fd);
  check(rc, "export");
  return bpf;
}

// A fresh filter context; `tree` lays the rules out as a binary tree over syscall numbers instead of
// a linear list (every syscall the job makes runs the worker filter).
Ctx make(uint32_t default_action, bool tree) {
  Ctx c{seccomp_init(default_action)};
  if (!c.ctx) throw SandboxError("seccomp: seccomp_init failed");
  check(seccomp_attr_set(c.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS), "bad-arch action");
  if (tree) check(seccomp_attr_set(c.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2), "optimize");
  return c;
}

}  // namespace

std::string SeccompPolicy::job_policy() {
  Ctx c = make(SCMP_ACT_KILL_PROCESS, true);
  add_job_rules(c.ctx);
  return export_bpf(c.ctx);
}

SeccompPrograms SeccompPolicy::compile() {
  SeccompPrograms programs;
  {
    Ctx c = make(SCMP_ACT_KILL_PROCESS, true);
    add_job_rules(c.ctx);
    add_worker_extras(c.ctx);
    programs.worker = export_bpf(c.ctx);
  }
  {
    Ctx c = make(SCMP_ACT_ALLOW, false);
    add_job_delta_rules(c.ctx);
    programs.job = export_bpf(c.ctx);
  }
  return programs;
}

std::string SeccompPrograms::serialize() const {
  auto n = static_cast<std::uint32_t>(worker.size());
  std::string out(reinterpret_cast<const char*>(&n), sizeof(n));
  return out + worker + job;
}

}  // namespace gauntlet::sandbox
