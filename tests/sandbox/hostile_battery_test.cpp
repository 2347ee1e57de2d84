// The hostile battery: each snippet must end in exactly its expected status, and afterwards the host
// must be untouched: the canary file outside /tmp unchanged, nothing written to the host's /tmp, no
// process left behind under any worker, every lane alive, and the pool still serving the next job.
#include <gtest/gtest.h>

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace {

namespace fs = std::filesystem;
using gauntlet::sandbox::ExecResult;
using gauntlet::sandbox::Job;
using gauntlet::sandbox::Sandbox;
using gauntlet::sandbox::SandboxOptions;
using gauntlet::sandbox::Status;

struct Hostile {
  Hostile(const char* name, std::string code, Status expected, int timeout_ms = 2000, int wall_ms = 0,
          int memory_mb = 256, const char* call = nullptr, long output_limit = 1 << 20)
      : name(name), code(std::move(code)), expected(expected), timeout_ms(timeout_ms), wall_ms(wall_ms),
        memory_mb(memory_mb), call(call), output_limit(output_limit) {}
  const char* name;
  std::string code;
  Status expected;
  int timeout_ms;
  int wall_ms;
  int memory_mb;
  const char* call;
  long output_limit;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Host pids whose parent is `pid` (from /proc/*/stat).
std::vector<int> children_of(int pid) {
  std::vector<int> out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    int child = std::atoi(e->d_name);
    if (child <= 0) continue;
    std::string stat = slurp("/proc/" + std::string(e->d_name) + "/stat");
    auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(close_paren + 2));
    char state;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == pid) out.push_back(child);
  }
  closedir(dir);
  return out;
}

std::string canary_path() { return (fs::current_path() / ("sandbox_canary_" + std::to_string(getpid()) + ".txt")).string(); }
std::string host_tmp_marker() { return "/tmp/gauntlet_pwned_" + std::to_string(getpid()); }
constexpr char kCanaryText[] = "the host is untouched\n";

std::string fill(std::string code) {
  auto replace = [&](const std::string& key, const std::string& value) {
    for (auto at = code.find(key); at != std::string::npos; at = code.find(key, at + value.size()))
      code.replace(at, key.size(), value);
  };
  replace("{CANARY}", canary_path());
  replace("{HOST_TMP}", host_tmp_marker());
  replace("{README}", std::string(GAUNTLET_SOURCE_DIR) + "/README.md");
  return code;
}

const std::string kLibc = "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n";

std::vector<Hostile> battery() {
  return {
      // process creation
      {"fork_bomb", "import os\nwhile True:\n    os.fork()\n", Status::forbidden_syscall},
      {"os_fork", "import os\nos.fork()\n", Status::forbidden_syscall},
      {"subprocess_run", "import subprocess\nsubprocess.run(['id'])\n", Status::forbidden_syscall},
      {"os_system", "import os\nos.system('touch {CANARY}')\n", Status::forbidden_syscall},
      {"os_execv", "import os\nos.execv('/usr/bin/python3', ['python3', '-c', 'print(1)'])\n", Status::forbidden_syscall},
      {"multiprocessing", "import multiprocessing\np = multiprocessing.Process(target=print)\np.start()\n",
       Status::forbidden_syscall},
      {"posix_spawn", "import os\nos.posix_spawn('/usr/bin/python3', ['python3'], {})\n", Status::forbidden_syscall},
      {"raw_clone", kLibc + "libc.syscall(56, 17, 0, 0, 0, 0)\n", Status::forbidden_syscall},
      // network
      {"tcp_socket", "import socket\nsocket.socket().connect(('1.1.1.1', 80))\n", Status::forbidden_syscall},
      {"udp_socket", "import socket\nsocket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('8.8.8.8', 53))\n",
       Status::forbidden_syscall},
      {"unix_socket", "import socket\nsocket.socket(socket.AF_UNIX).connect('/run/systemd/private')\n",
       Status::forbidden_syscall},
      {"dns_lookup", "import socket\nsocket.getaddrinfo('example.com', 80)\n", Status::forbidden_syscall},
      // reading the host
      {"read_etc_shadow", "print(open('/etc/shadow').read())\n", Status::error},
      {"read_etc_passwd", "print(open('/etc/passwd').read())\n", Status::error},
      {"read_project_file", "print(open('{README}').read())\n", Status::error},
      {"read_proc_1_environ", "print(open('/proc/1/environ').read())\n", Status::error},
      {"read_proc_self", "print(open('/proc/self/status').read())\n", Status::error},
      {"read_block_device", "open('/dev/sda', 'rb').read(10)\n", Status::error},
      {"symlink_escape", "import os\nos.symlink('/etc/passwd', '/tmp/p')\nprint(open('/tmp/p').read())\n", Status::error},
      // writing the host
      {"write_canary", "open('{CANARY}', 'w').write('pwned')\n", Status::error},
      {"write_usr", "open('/usr/lib/evil.py', 'w').write('x')\n", Status::error},
      {"write_root", "open('/evil', 'w').write('x')\n", Status::error},
      {"delete_stdlib", "import os\nos.remove('/usr/bin/python3')\n", Status::error},
      {"write_host_tmp_path", "open('{HOST_TMP}', 'w').write('pwned')\nprint('wrote the sandbox /tmp only')\n", Status::ok},
      {"file_size_limit", "open('/tmp/big', 'wb').write(b'x' * (20 << 20))\n", Status::error},
      {"fill_tmp", "i = 0\nwhile True:\n    open('/tmp/f%d' % i, 'wb').write(b'x' * (8 << 20))\n    i += 1\n",
       Status::error},
      {"exhaust_fds", "fs = [open('/dev/null') for _ in range(10000)]\n", Status::error},
      // other processes, signals, debugging
      {"kill_parent", "import os\nos.kill(os.getppid(), 9)\n", Status::forbidden_syscall},
      {"kill_pid_1", "import os\nos.kill(1, 9)\n", Status::forbidden_syscall},
      {"kill_all", "import os\nos.kill(-1, 9)\n", Status::forbidden_syscall},
      {"signal_self", "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n", Status::forbidden_syscall},
      {"raise_sigkill", "import signal\nsignal.raise_signal(signal.SIGKILL)\n", Status::forbidden_syscall},
      {"ptrace_traceme", kLibc + "libc.ptrace(0, 0, 0, 0)\n", Status::forbidden_syscall},
      {"ignore_cpu_signal", "import signal\nsignal.signal(signal.SIGPROF, signal.SIG_IGN)\nwhile True: pass\n",
       Status::forbidden_syscall},
      {"rearm_cpu_timer", "import signal\nsignal.setitimer(signal.ITIMER_PROF, 1000)\n", Status::forbidden_syscall},
      {"own_alarm", "import signal, time\nsignal.alarm(1)\ntime.sleep(5)\n", Status::crash, 2000, 4000},
      // privileges and namespaces
      {"raise_rlimit", "import resource\nresource.setrlimit(resource.RLIMIT_CPU, (100, 100))\n", Status::forbidden_syscall},
      {"unshare", kLibc + "libc.unshare(0x10000000)\n", Status::forbidden_syscall},
      {"mount_tmpfs", kLibc + "libc.mount(b'none', b'/usr', b'tmpfs', 0, None)\n", Status::forbidden_syscall},
      {"chroot", "import os\nos.chroot('/tmp')\n", Status::forbidden_syscall},
      {"setuid_root", "import os\nos.setuid(0)\n", Status::forbidden_syscall},
      {"setsid", "import os\nos.setsid()\n", Status::forbidden_syscall},
      {"bpf_syscall", kLibc + "libc.syscall(321, 0, 0, 0)\n", Status::forbidden_syscall},
      {"io_uring_setup", kLibc + "libc.syscall(425, 1, 0)\n", Status::forbidden_syscall},
      {"x32_abi_syscall", kLibc + "libc.syscall(0x40000000 | 39)\n", Status::forbidden_syscall},
      {"personality", kLibc + "libc.personality(0x0040000)\n", Status::forbidden_syscall},
      // crashes and odd exits
      {"ctypes_segfault", "import ctypes\nctypes.string_at(0)\n", Status::crash},
      {"c_stack_overflow", "import sys\nsys.setrecursionlimit(10**8)\nl = []\nfor _ in range(10**6):\n    l = [l]\nrepr(l)\n",
       Status::crash},
      // A program's exit status decides as for any process (every exit path: exit_paths_test.cpp).
      {"os_exit_0", "import os\nprint('bye', flush=True)\nos._exit(0)\n", Status::ok},
      {"os_exit_3", "import os\nos._exit(3)\n", Status::error},
      {"os_exit_0_in_call", "import os\ndef f():\n    os._exit(0)\n", Status::no_result, 2000, 0, 256, "f()"},
      {"close_inherited_fds", "import os\nfor fd in (0, 1, 2, 3):\n    os.close(fd)\n", Status::ok},
      {"close_result_fd_then_raise", "import os\nos.close(3)\nraise ValueError('x')\n", Status::error},
      {"close_result_fd_in_call", "import os\ndef f():\n    os.close(3)\n    return 1\n", Status::no_result, 2000, 0,
       256, "f()"},
      {"forge_result_frame",
       "import os, struct\nos.write(3, b'GNTF' + struct.pack('<BIII', 0, 2, 0, 0) + b'42')\n", Status::no_result,
       2000, 0, 256, "0"},
      {"forge_ok_frame_then_fail",
       "import os, struct\nos.write(3, b'GNTF' + struct.pack('<BIII', 0, 2, 0, 0) + b'42')\nos._exit(3)\n",
       Status::no_result, 2000, 0, 256, "0"},
      {"write_unknown_fd", "import os\nos.write(7, b'x')\n", Status::error},
      // limits
      {"infinite_loop", "while True:\n    pass\n", Status::timeout_cpu, 300, 20000},
      {"sleep", "import time\ntime.sleep(100)\n", Status::timeout_wall, 1000, 600},
      {"blocked_read", "import os\nr, w = os.pipe()\nos.read(r, 1)\n", Status::timeout_wall, 1000, 600},
      {"memory_bomb", "a = []\nwhile True:\n    a.append(bytearray(1 << 20))\n", Status::memory, 5000, 0, 128},
      {"huge_allocation", "x = bytearray(10**10)\n", Status::memory},
      {"huge_output", "while True:\n    print('x' * 1000)\n", Status::output_limit, 5000, 0, 256, nullptr, 64 << 10},
      {"huge_return", "def f():\n    return 'x' * 10**6\n", Status::output_limit, 2000, 0, 256, "f()", 64 << 10},
      {"deep_recursion", "def f(n):\n    return f(n + 1)\nf(0)\n", Status::error},
      {"thread_bomb", "import threading, time\nfor _ in range(100000):\n    threading.Thread(target=time.sleep, args=(0.2,)).start()\n",
       Status::error},
      {"threads_compute",
       "import threading\nout = []\nts = [threading.Thread(target=lambda i=i: out.append(i * i)) for i in range(8)]\n"
       "[t.start() for t in ts]\n[t.join() for t in ts]\nprint(sorted(out))\n",
       Status::ok},
      {"keyboard_interrupt", "raise KeyboardInterrupt\n", Status::error},
      {"sys_exit_nonzero", "import sys\nsys.exit(5)\n", Status::error},
      {"patch_builtins", "import builtins\nbuiltins.print = None\nbuiltins.len = None\n", Status::ok},
  };
}

class HostileBattery : public ::testing::TestWithParam<Hostile> {
 protected:
  static void SetUpTestSuite() {
    std::ofstream(canary_path()) << kCanaryText;
    SandboxOptions options;
    options.lanes = 2;
    box_ = std::make_unique<Sandbox>(options);
  }
  static void TearDownTestSuite() {
    box_.reset();
    fs::remove(canary_path());
  }
  static std::unique_ptr<Sandbox> box_;
};
std::unique_ptr<Sandbox> HostileBattery::box_;

TEST_P(HostileBattery, ExactStatusAndHostUntouched) {
  const Hostile& h = GetParam();
  Job job;
  job.id = h.name;
  job.code = fill(h.code);
  job.timeout_ms = h.timeout_ms;
  job.wall_timeout_ms = h.wall_ms;
  job.memory_mb = h.memory_mb;
  job.output_limit_bytes = h.output_limit;
  if (h.call) job.call = h.call;
  ExecResult r = box_->run(job);
  EXPECT_EQ(to_string(r.status), std::string(to_string(h.expected)))
      << h.name << ": " << r.error_type << ": " << r.error_message << "\nstderr: " << r.stderr_text.substr(0, 2000);
  if (h.expected == Status::timeout_cpu) {
    EXPECT_GE(r.cpu_ms, h.timeout_ms * 0.9);
  }

  // The host is untouched.
  EXPECT_EQ(slurp(canary_path()), kCanaryText);
  EXPECT_FALSE(fs::exists(host_tmp_marker()));
  // Nothing left behind: the workers have no children, and we have no children but the workers.
  auto workers = box_->worker_pids();
  std::set<int> worker_set(workers.begin(), workers.end());
  for (int pid : workers) EXPECT_TRUE(children_of(pid).empty()) << "worker " << pid << " has leftover children";
  for (int pid : children_of(getpid())) EXPECT_TRUE(worker_set.count(pid)) << "stray process " << pid;
  // The pool still serves the next job, on both lanes, with fresh state.
  Job next;
  next.code = "print(len('abc') * 14)";
  auto after = box_->run_batch({next, next});
  for (const auto& a : after) {
    EXPECT_EQ(a.status, Status::ok) << a.error_message << a.stderr_text;
    EXPECT_EQ(a.stdout_text, "42\n");
  }
  EXPECT_EQ(box_->worker_pids().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Sandbox, HostileBattery, ::testing::ValuesIn(battery()),
                         [](const ::testing::TestParamInfo<Hostile>& info) { return std::string(info.param.name); });

TEST(HostileBatterySize, AtLeastFortySnippets) { EXPECT_GE(battery().size(), 40u); }

}  // namespace
