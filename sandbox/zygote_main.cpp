// gauntlet-zygote: the program a Zygote execs inside its namespaces. It embeds CPython: initialises
// the interpreter once (as `python3 -s -S -P -B` would: no site, no user site, no implicit sys.path
// entry, no bytecode writing, the hash seed from the command line) with its object arenas on huge
// pages (huge_page_arenas.h), runs kZygoteRunner (the warm imports and the Python-level job runner),
// installs the worker seccomp filter on itself (seccomp_policy.h), then serves jobs: read one job
// from the control socket, compile it here (prepare), fork() in C, and in the child
// PyOS_AfterFork_Child(), stdin, rlimits, the CPU timer and the small job filter stacked on the
// worker's, then run_job(prepared, code, call, has_call, env), which sets the job's environment
// variables, writes the result frame and _exits.
// The parent waits, empties the working directory if the job left anything there, and reports the
// wait status and CPU time.
//
//   gauntlet-zygote PYTHON WORKDIR HASH_SEED SITE_PATH PRELOAD WARMUP
// PYTHON is the interpreter path whose prefix holds the standard library (sys.executable);
// SITE_PATH extra sys.path entries (':'-separated, may be empty); PRELOAD modules to import before
// the first job (','-separated, may be empty); WARMUP Python source run once after them (may be empty);
// descriptors (set up by Zygote::start, zygote.cpp): 0 /dev/null, 1 stdout, 2 stderr, 3 result frame, 4 control
// in, 5 control out, 6 seccomp programs (SeccompPrograms::serialize).
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sandbox/huge_page_arenas.h"
#include "sandbox/zygote_program.h"

namespace {

constexpr int kResultFd = 3, kControlIn = 4, kControlOut = 5, kBpfFd = 6;
constexpr std::uint32_t kReadyMagic = 0x59444552;

struct Header {
  std::uint32_t code_len, call_len, input_len, has_call, cpu_ms, memory_mb, fsize_mb, nofile, env_len;
};
static_assert(sizeof(Header) == 36);

struct Reply {
  std::int32_t status, zero;
  std::int64_t cpu_us, maxrss_kib;
};
static_assert(sizeof(Reply) == 24);

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "gauntlet-zygote: %s: %s\n", what, std::strerror(errno));
  std::fflush(stderr);
  _exit(1);
}

[[noreturn]] void die_python(const char* what) {
  std::fprintf(stderr, "gauntlet-zygote: %s\n", what);
  if (Py_IsInitialized() && PyErr_Occurred()) PyErr_Print();
  std::fflush(stderr);
  _exit(1);
}

// Reads exactly n bytes of the control socket; the supervisor closing it ends the zygote.
void read_exact(void* into, size_t n) {
  char* p = static_cast<char*>(into);
  while (n > 0) {
    ssize_t k = read(kControlIn, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) _exit(0);
    p += k;
    n -= static_cast<size_t>(k);
  }
}

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

void init_python(const char* python, std::uint32_t hash_seed) {
  PyPreConfig preconfig;
  PyPreConfig_InitPythonConfig(&preconfig);  // the locale from LC_ALL, as python3 does
  PyStatus status = Py_PreInitialize(&preconfig);
  if (PyStatus_Exception(status)) Py_ExitStatusException(status);

  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.parse_argv = 0;
  config.site_import = 0;          // -S
  config.user_site_directory = 0;  // -s
  config.safe_path = 1;            // -P
  config.write_bytecode = 0;       // -B
  config.use_hash_seed = 1;
  config.hash_seed = hash_seed;
  config.install_signal_handlers = 1;  // SIGPIPE and SIGXFSZ ignored, SIGINT -> KeyboardInterrupt
  status = PyConfig_SetBytesString(&config, &config.program_name, python);
  if (!PyStatus_Exception(status)) status = PyConfig_SetBytesString(&config, &config.executable, python);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) Py_ExitStatusException(status);
}

PyObject* runner_function(PyObject* globals, const char* name) {
  PyObject* f = PyDict_GetItemString(globals, name);  // borrowed
  if (!f) die_python("the runner lacks a function");
  Py_INCREF(f);
  return f;
}

struct Job {
  Header h{};
  std::vector<char> code, call, input, env;  // env: NAME=VALUE\0 ...
};

// True when the working directory is as the last wipe left it: mode 0700 and no entries. Only then
// may the wipe be skipped; anything else (an entry, a chmod) gets the full wipe.
bool workdir_pristine(const char* workdir) {
  int fd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st{};
  bool pristine = fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0700;
  if (pristine) {
    alignas(8) char buf[512];
    long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
    pristine = n > 0;
    for (long at = 0; pristine && at < n;) {
      auto* entry = reinterpret_cast<const char*>(buf + at);
      std::uint16_t reclen;
      std::memcpy(&reclen, entry + 16, sizeof(reclen));  // struct linux_dirent64: ino, off, reclen, type, name
      const char* name = entry + 19;
      pristine = !std::strcmp(name, ".") || !std::strcmp(name, "..");
      at += reclen;
    }
    // Both entries came in one read; a second must be empty (end of directory).
    if (pristine) pristine = syscall(SYS_getdents64, fd, buf, sizeof(buf)) == 0;
  }
  close(fd);
  return pristine;
}

// ---- the forked child: confine, then run the job's code. Never returns. ----------------------------

[[noreturn]] void child(const Job& job, int infd, const sock_fprog& filter, rlim_t nproc, PyObject* run_job,
                        PyObject* prepared) {
  PyOS_AfterFork_Child();
  if (dup2(infd, 0) != 0) _exit(121);
  if (syscall(SYS_close_range, 4, ~0U, 0) != 0) _exit(121);
  rlim_t cpu_s = (job.h.cpu_ms + 999) / 1000;  // backstop for a job that blocks SIGPROF: SIGXCPU, then SIGKILL
  rlim_t mem = static_cast<rlim_t>(job.h.memory_mb) << 20;
  rlim_t fsize = static_cast<rlim_t>(job.h.fsize_mb) << 20;
  const std::pair<int, rlimit> limits[] = {
      {RLIMIT_CPU, {cpu_s, cpu_s + 1}}, {RLIMIT_AS, {mem, mem}},        {RLIMIT_FSIZE, {fsize, fsize}},
      {RLIMIT_NOFILE, {job.h.nofile, job.h.nofile}}, {RLIMIT_CORE, {0, 0}}, {RLIMIT_NPROC, {nproc, nproc}}};
  for (const auto& [resource, limit] : limits)
    if (setrlimit(resource, &limit) != 0) _exit(121);
  itimerval timer{};
  timer.it_value.tv_sec = job.h.cpu_ms / 1000;
  timer.it_value.tv_usec = static_cast<suseconds_t>(job.h.cpu_ms % 1000) * 1000;
  if (setitimer(ITIMER_PROF, &timer, nullptr) != 0) _exit(121);
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter, 0, 0) != 0) _exit(121);  // never run half-confined
  PyObject* result = PyObject_CallFunction(run_job, "Oy#y#iy#", prepared, job.code.data(),
                                           static_cast<Py_ssize_t>(job.code.size()),
                                           job.call.data(), static_cast<Py_ssize_t>(job.call.size()),
                                           static_cast<int>(job.h.has_call), job.env.data(),
                                           static_cast<Py_ssize_t>(job.env.size()));
  (void)result;
  _exit(123);  // the job broke the wrapper itself: no frame, no_result
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr,
                 "usage: gauntlet-zygote PYTHON WORKDIR HASH_SEED SITE_PATH PRELOAD WARMUP "
                 "(started by the Gauntlet sandbox)\n");
    return 2;
  }
  const char* python = argv[1];
  const char* workdir = argv[2];
  auto hash_seed = static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10));
  const char* site_path = argv[4];
  const char* preload = argv[5];
  const char* warmup = argv[6];

  // The seccomp programs, read once: the worker filter goes on this process before the first job,
  // each child only installs the job filter.
  std::vector<char> bpf;
  char chunk[65536];
  while (true) {
    ssize_t n = pread(kBpfFd, chunk, sizeof(chunk), static_cast<off_t>(bpf.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("read the seccomp filter");
    if (n == 0) break;
    bpf.insert(bpf.end(), chunk, chunk + n);
  }
  close(kBpfFd);
  std::uint32_t worker_len = 0;
  if (bpf.size() >= sizeof(worker_len)) std::memcpy(&worker_len, bpf.data(), sizeof(worker_len));
  auto program = [&](size_t offset, size_t size) {
    if (size == 0 || size % sizeof(sock_filter) != 0 || size / sizeof(sock_filter) > BPF_MAXINSNS) {
      errno = EINVAL;
      die("the seccomp programs");
    }
    return sock_fprog{static_cast<unsigned short>(size / sizeof(sock_filter)),
                      reinterpret_cast<sock_filter*>(bpf.data() + offset)};
  };
  if (bpf.size() < sizeof(worker_len) + worker_len) {
    errno = EINVAL;
    die("the seccomp programs");
  }
  sock_fprog worker_filter = program(sizeof(worker_len), worker_len);
  sock_fprog job_filter = program(sizeof(worker_len) + worker_len, bpf.size() - sizeof(worker_len) - worker_len);

  int empty[2];
  if (pipe2(empty, O_CLOEXEC) != 0) die("pipe");
  close(empty[1]);
  rlimit nproc_limit{};
  getrlimit(RLIMIT_NPROC, &nproc_limit);
  rlim_t nproc = nproc_limit.rlim_max == RLIM_INFINITY ? 1024 : std::min<rlim_t>(nproc_limit.rlim_max, 1024);

  gauntlet::sandbox::HugePageArenas::install(size_t{32} << 20);
  init_python(python, hash_seed);
  PyObject* module = PyImport_AddModule("_gauntlet_zygote");  // borrowed
  if (!module) die_python("cannot create the runner module");
  PyObject* globals = PyModule_GetDict(module);
  if (PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) != 0) die_python("runner builtins");
  PyObject* loaded = PyRun_String(gauntlet::sandbox::kZygoteRunner, Py_file_input, globals, globals);
  if (!loaded) die_python("the runner failed to load");
  Py_DECREF(loaded);
  PyObject* run_job = runner_function(globals, "run_job");
  PyObject* prepare = runner_function(globals, "prepare");
  PyObject* wipe = runner_function(globals, "wipe_workdir");
  PyObject* start = runner_function(globals, "start");
  PyObject* started = PyObject_CallFunction(start, "ssss", workdir, site_path, preload, warmup);
  if (!started) die_python("the runner failed to start");
  Py_DECREF(started);
  Py_DECREF(start);
  gauntlet::sandbox::HugePageArenas::seal();
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &worker_filter, 0, 0) != 0) die("install the worker seccomp filter");

  Reply ready{static_cast<std::int32_t>(kReadyMagic), 0, getpid(), 0};
  if (!write_all(kControlOut, &ready, sizeof(ready))) _exit(0);

  Job job;
  while (true) {
    read_exact(&job.h, sizeof(job.h));
    job.code.resize(job.h.code_len);
    job.call.resize(job.h.call_len);
    job.input.resize(job.h.input_len);
    job.env.resize(job.h.env_len);
    read_exact(job.code.data(), job.code.size());
    read_exact(job.call.data(), job.call.size());
    read_exact(job.input.data(), job.input.size());
    read_exact(job.env.data(), job.env.size());
    int infd = empty[0];
    if (!job.input.empty()) {
      infd = memfd_create("stdin", MFD_CLOEXEC);
      if (infd < 0 || !write_all(infd, job.input.data(), job.input.size()) || lseek(infd, 0, SEEK_SET) != 0)
        die("stdin memfd");
    }
    PyObject* prepared = PyObject_CallFunction(prepare, "y#y#i", job.code.data(), static_cast<Py_ssize_t>(job.code.size()),
                                               job.call.data(), static_cast<Py_ssize_t>(job.call.size()),
                                               static_cast<int>(job.h.has_call));
    if (!prepared) {  // the child compiles it instead
      PyErr_Clear();
      prepared = Py_NewRef(Py_None);
    }
    PyOS_BeforeFork();
    pid_t pid = fork();
    if (pid == 0) child(job, infd, job_filter, nproc, run_job, prepared);
    PyOS_AfterFork_Parent();
    if (infd != empty[0]) close(infd);
    Reply reply{};
    if (pid < 0) {
      // Reported like a job whose setup failed; the supervisor never sees a frame.
      reply.status = 121 << 8;
      Py_DECREF(prepared);
      if (!write_all(kControlOut, &reply, sizeof(reply))) _exit(0);
      continue;
    }
    // Wait for the job, but die with it if the supervisor goes away (control socket EOF).
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {
      kill(pid, SIGKILL);
      die("pidfd_open");
    }
    while (true) {
      pollfd fds[2] = {{pidfd, POLLIN, 0}, {kControlIn, POLLIN, 0}};
      int n = poll(fds, 2, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) die("poll");
      if (fds[1].revents) {
        kill(pid, SIGKILL);
        _exit(0);
      }
      if (fds[0].revents) break;
    }
    close(pidfd);
    int status = 0;
    rusage ru{};
    while (wait4(pid, &status, 0, &ru) < 0) {
      if (errno != EINTR) die("wait4");
    }
    reply.status = status;
    reply.cpu_us = static_cast<std::int64_t>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
                   ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    reply.maxrss_kib = ru.ru_maxrss;
    // Only now, with the child gone: a write to a huge page the child still shares would split it
    // for good (the huge-page arenas would then cost a page-table entry per 4 KiB at every fork).
    Py_DECREF(prepared);
    bool ok = true;
    if (!workdir_pristine(workdir)) {
      PyObject* wiped = PyObject_CallFunction(wipe, nullptr);
      ok = wiped != nullptr;
      Py_XDECREF(wiped);
      PyErr_Clear();
    }
    if (!write_all(kControlOut, &reply, sizeof(reply))) _exit(0);
    if (!ok) _exit(3);  // the supervisor starts a fresh worker with an empty /tmp
  }
}
