// The stacked seccomp programs (seccomp_policy.h): the worker filter AND the job filter, as the
// kernel combines them, decide every system call exactly as the job policy alone does; the worker
// filter lets the zygote do what it must. Checked with a small classic-BPF interpreter over every
// x86-64/aarch64 syscall number and many argument vectors.
#include <gtest/gtest.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sandbox/seccomp_policy.h"

namespace {

using gauntlet::sandbox::SeccompPolicy;
using gauntlet::sandbox::SeccompPrograms;

#if defined(__x86_64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#endif

struct Call {
  int nr;
  std::uint64_t args[6];
};

std::vector<sock_filter> program(const std::string& bytes) {
  if (bytes.empty() || bytes.size() % sizeof(sock_filter) != 0) throw std::runtime_error("not a BPF program");
  std::vector<sock_filter> insns(bytes.size() / sizeof(sock_filter));
  std::memcpy(insns.data(), bytes.data(), bytes.size());
  return insns;
}

// Runs a seccomp classic-BPF program on one call, as the kernel does (the subset libseccomp emits).
std::uint32_t run(const std::vector<sock_filter>& prog, const Call& call, std::uint32_t arch = kArch) {
  seccomp_data data{};
  data.nr = call.nr;
  data.arch = arch;
  for (int i = 0; i < 6; ++i) data.args[i] = call.args[i];
  unsigned char bytes[sizeof(data)];
  std::memcpy(bytes, &data, sizeof(data));
  std::uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (f.k + 4 > sizeof(bytes)) throw std::runtime_error("load out of range");
        std::memcpy(&a, bytes + f.k, 4);
        break;
      case BPF_LD | BPF_MEM: a = mem[f.k]; break;
      case BPF_LDX | BPF_MEM: x = mem[f.k]; break;
      case BPF_ST: mem[f.k] = a; break;
      case BPF_STX: mem[f.k] = x; break;
      case BPF_ALU | BPF_AND | BPF_K: a &= f.k; break;
      case BPF_MISC | BPF_TAX: x = a; break;
      case BPF_MISC | BPF_TXA: a = x; break;
      case BPF_JMP | BPF_JA: pc += f.k; break;
      case BPF_JMP | BPF_JEQ | BPF_K: pc += (a == f.k) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JGT | BPF_K: pc += (a > f.k) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JGE | BPF_K: pc += (a >= f.k) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JSET | BPF_K: pc += (a & f.k) ? f.jt : f.jf; break;
      case BPF_RET | BPF_K: return f.k;
      case BPF_RET | BPF_A: return a;
      default: throw std::runtime_error("BPF opcode not interpreted: " + std::to_string(f.code));
    }
  }
  throw std::runtime_error("fell off the end of the program");
}

// The kernel's rule for stacked filters: the most severe action wins (ACTION_ONLY as signed).
std::uint32_t stacked(std::uint32_t a, std::uint32_t b) {
  auto action = [](std::uint32_t r) { return static_cast<std::int32_t>(r & SECCOMP_RET_ACTION_FULL); };
  return action(b) < action(a) ? b : a;
}

class SeccompStack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SeccompPrograms programs = SeccompPolicy::compile();
    worker_ = program(programs.worker);
    job_ = program(programs.job);
    policy_ = program(SeccompPolicy::job_policy());
  }
  static std::vector<sock_filter> worker_, job_, policy_;
};
std::vector<sock_filter> SeccompStack::worker_, SeccompStack::job_, SeccompStack::policy_;

bool allowed(std::uint32_t r) { return (r & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW; }
bool killed(std::uint32_t r) { return (r & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_KILL_PROCESS; }

TEST_F(SeccompStack, WorkerAndJobTogetherDecideEveryCallAsTheJobPolicy) {
  const std::uint64_t interesting[] = {0, 1, 2, 3, 9, 22, SIGKILL, SIGXCPU, SIGXCPU + 1, SIGXCPU + 2, SIGPROF,
                                       SIGPROF + 1, ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF, PR_SET_SECCOMP,
                                       PR_SET_NO_NEW_PRIVS, AF_UNIX, AF_INET, CLONE_THREAD,
                                       CLONE_THREAD | CLONE_VM | CLONE_SIGHAND, SIGCHLD | CLONE_CHILD_SETTID,
                                       0x5401, 0x80000000u, 0x100000000ull, 0xffffffffull, ~0ull, 0x7ffd12345678ull};
  std::mt19937_64 rng(7);
  auto pick = [&] {
    return rng() % 4 == 0 ? rng() : interesting[rng() % (sizeof(interesting) / sizeof(interesting[0]))];
  };
  int checked = 0, differ = 0;
  for (int nr = 0; nr < 480; ++nr) {
    for (int trial = 0; trial < 300; ++trial) {
      Call call{nr, {pick(), pick(), pick(), pick(), pick(), pick()}};
      std::uint32_t alone = run(policy_, call);
      std::uint32_t both = stacked(run(worker_, call), run(job_, call));
      ++checked;
      if (alone != both && ++differ <= 10)
        ADD_FAILURE() << "syscall " << nr << " args " << call.args[0] << "," << call.args[1] << "," << call.args[2]
                      << ": policy 0x" << std::hex << alone << " vs stacked 0x" << both;
    }
  }
  EXPECT_EQ(differ, 0) << "of " << checked << " calls";
  // Another architecture's calls are killed either way.
  Call any{SYS_read, {}};
  EXPECT_TRUE(killed(run(policy_, any, 0x40000003u /* AUDIT_ARCH_I386 */)));
  EXPECT_TRUE(killed(stacked(run(worker_, any, 0x40000003u), run(job_, any, 0x40000003u))));
}

TEST_F(SeccompStack, WorkerMayForkWaitLimitAndConfineButJobsMayNot) {
  const Call needs[] = {
      {SYS_clone, {SIGCHLD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, 0, 0, 0, 0, 0}},
      {SYS_wait4, {2, 0x7ffd0000, 0, 0x7ffd1000, 0, 0}},
      {SYS_pidfd_open, {2, 0, 0, 0, 0, 0}},
      {SYS_kill, {2, SIGKILL, 0, 0, 0, 0}},
      {SYS_memfd_create, {0x7ffd0000, MFD_CLOEXEC, 0, 0, 0, 0}},
      {SYS_prlimit64, {0, RLIMIT_CPU, 0x7ffd0000, 0, 0, 0}},
      {SYS_setitimer, {ITIMER_PROF, 0x7ffd0000, 0, 0, 0, 0}},
      {SYS_prctl, {PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 0x7ffd0000, 0, 0, 0}},
  };
  for (const Call& call : needs) {
    EXPECT_TRUE(allowed(run(worker_, call))) << "worker needs syscall " << call.nr;
    EXPECT_TRUE(killed(stacked(run(worker_, call), run(job_, call)))) << "a job must not make syscall " << call.nr;
  }
  // Not even the worker: a signal other than SIGKILL, execve, socket, a prctl other than seccomp.
  const Call never[] = {{SYS_kill, {1, SIGTERM, 0, 0, 0, 0}},
                        {SYS_execve, {0x7ffd0000, 0, 0, 0, 0, 0}},
                        {SYS_socket, {AF_INET, SOCK_STREAM, 0, 0, 0, 0}},
                        {SYS_prctl, {PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0, 0}}};
  for (const Call& call : never) EXPECT_TRUE(killed(run(worker_, call))) << "syscall " << call.nr;
  // Jobs keep their threads and limit reads.
  EXPECT_TRUE(allowed(stacked(run(worker_, {SYS_clone, {CLONE_THREAD | CLONE_VM | CLONE_SIGHAND, 0, 0, 0, 0, 0}}),
                              run(job_, {SYS_clone, {CLONE_THREAD | CLONE_VM | CLONE_SIGHAND, 0, 0, 0, 0, 0}}))));
  EXPECT_TRUE(allowed(stacked(run(worker_, {SYS_prlimit64, {0, RLIMIT_CPU, 0, 0x7ffd0000, 0, 0}}),
                              run(job_, {SYS_prlimit64, {0, RLIMIT_CPU, 0, 0x7ffd0000, 0, 0}}))));
}

TEST_F(SeccompStack, TheJobFilterIsSmall) {
  // The point of stacking: each child loads a few instructions, not the whole policy.
  EXPECT_LT(job_.size(), 64u);
  EXPECT_GT(worker_.size(), job_.size() * 3);
}

}  // namespace
