#include "sandbox/zygote.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstring>
#include <filesystem>
#include <vector>

#include "sandbox/sandbox_error.h"

namespace gauntlet::sandbox {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kSandboxUid = 1000;  // the worker's uid inside its user namespace (not root: no capabilities)
constexpr std::uint32_t kReadyMagic = 0x59444552;
// Where the new root tmpfs may be built (inside the private mount namespace): the first of these that
// exists and holds none of the bind sources, since mounting over it hides what is below.
constexpr const char* kRootCandidates[] = {"/tmp", "/mnt", "/srv", "/media", "/opt", "/var/tmp", "/run"};
// Where the worker sees the third-party packages it was given (on its sys.path).
constexpr const char* kSiteDir = "/usr/lib/gauntlet-site";

std::string errno_text(int err) { return std::strerror(err); }

// One step of building the worker's filesystem view, prepared before clone() so the child only
// makes system calls (no allocation after clone in a multi-threaded process).
struct MountStep {
  enum Kind { kMkdir, kTouch, kSymlink, kBind, kTmpfs } kind;
  std::string target;  // absolute path under the plan's root
  std::string source;  // bind source / symlink text / tmpfs options
  unsigned long remount_flags = 0;  // bind: flags for the read-only remount (keeps the source's locked flags)
  std::string what;    // for the error message
};

unsigned long locked_flags(const std::string& path) {
  struct statvfs st{};
  if (statvfs(path.c_str(), &st) != 0) return 0;
  unsigned long flags = 0;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

struct Plan {
  std::string root;            // host path the new root is built on
  std::vector<MountStep> steps;
  std::string python_in_root;  // the interpreter's path inside the new root
  std::string zygote_in_root;  // gauntlet-zygote's path inside the new root
};

// The gauntlet-zygote executable: next to the running program (an installed gauntlet), else the
// one this build made.
std::string find_zygote_program() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path sibling = self.parent_path() / "gauntlet-zygote";
    if (access(sibling.c_str(), X_OK) == 0) return sibling.string();
  }
#ifdef GAUNTLET_ZYGOTE_PATH
  if (access(GAUNTLET_ZYGOTE_PATH, X_OK) == 0) return GAUNTLET_ZYGOTE_PATH;
#endif
  throw SandboxError("sandbox: the gauntlet-zygote program was found neither next to " + self.string() +
                     " nor in the build tree; build the gauntlet-zygote target");
}

Plan make_plan(const std::string& python, const std::string& zygote, int tmp_size_mb,
               const std::vector<PythonPackage>& packages) {
  std::error_code ec;
  fs::path real = fs::canonical(python, ec);
  if (ec) throw SandboxError("sandbox: interpreter " + python + " not found: " + ec.message());
  std::string name = real.filename().string();  // python3.11
  if (name.rfind("python3", 0) != 0) throw SandboxError("sandbox: " + real.string() + " does not look like a python3 interpreter");
  fs::path stdlib = real.parent_path().parent_path() / "lib" / name;  // /usr/lib/python3.11
  if (!fs::is_directory(stdlib)) throw SandboxError("sandbox: standard library " + stdlib.string() + " not found");

  Plan plan;
  auto add = [&](MountStep::Kind kind, const std::string& target, const std::string& source, const std::string& what) {
    plan.steps.push_back({kind, target, source, 0, what});
  };
  auto bind = [&](const std::string& path, bool is_dir) {
    add(is_dir ? MountStep::kMkdir : MountStep::kTouch, path, "", "create " + path);
    add(MountStep::kBind, path, path, "bind " + path);
    plan.steps.back().remount_flags = locked_flags(path) | MS_NOSUID;
  };
  add(MountStep::kMkdir, "/usr", "", "create /usr");
  add(MountStep::kMkdir, "/usr/bin", "", "create /usr/bin");
  add(MountStep::kMkdir, "/usr/lib", "", "create /usr/lib");
  add(MountStep::kTouch, "/usr/bin/" + name, "", "create interpreter");
  add(MountStep::kBind, "/usr/bin/" + name, real.string(), "bind " + real.string());
  plan.steps.back().remount_flags = locked_flags(real.string()) | MS_NOSUID;
  if (name != "python3") add(MountStep::kSymlink, "/usr/bin/python3", name, "link python3");
  add(MountStep::kTouch, "/usr/bin/gauntlet-zygote", "", "create gauntlet-zygote");
  add(MountStep::kBind, "/usr/bin/gauntlet-zygote", zygote, "bind " + zygote);
  plan.steps.back().remount_flags = locked_flags(zygote) | MS_NOSUID;
  bind(stdlib.string(), true);
  if (!packages.empty()) {
    add(MountStep::kMkdir, kSiteDir, "", std::string("create ") + kSiteDir);
    for (const auto& package : packages) {
      // Named by the import name: the host path may be a symlink's target with another name.
      std::string target = std::string(kSiteDir) + "/" + package.name + (package.is_directory ? "" : ".py");
      add(package.is_directory ? MountStep::kMkdir : MountStep::kTouch, target, "", "create " + target);
      add(MountStep::kBind, target, package.host_path, "bind package " + package.host_path);
      plan.steps.back().remount_flags = locked_flags(package.host_path) | MS_NOSUID;
    }
  }
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64"}) {
    if (fs::is_directory(dir) && !fs::is_symlink(dir)) bind(dir, true);
  }
  for (const char* link : {"lib", "lib64", "bin"}) {
    std::string host = std::string("/") + link;
    if (fs::is_symlink(host)) {
      add(MountStep::kSymlink, host, fs::read_symlink(host).string(), "link " + host);
    } else if (fs::is_directory(host)) {
      bind(host, true);  // not a merged-/usr system: expose /lib and /lib64 as they are
    }
  }
  add(MountStep::kMkdir, "/dev", "", "create /dev");
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"}) {
    add(MountStep::kTouch, dev, "", std::string("create ") + dev);
    add(MountStep::kBind, dev, dev, std::string("bind ") + dev);
    plan.steps.back().remount_flags = locked_flags(dev) | MS_NOSUID;
  }
  add(MountStep::kMkdir, "/tmp", "", "create /tmp");
  add(MountStep::kTmpfs, "/tmp",
      "size=" + std::to_string(tmp_size_mb) + "m,nr_inodes=16384,mode=0700,uid=" + std::to_string(kSandboxUid) +
          ",gid=" + std::to_string(kSandboxUid),
      "mount tmpfs /tmp");
  add(MountStep::kMkdir, "/oldroot", "", "create /oldroot");
  plan.python_in_root = "/usr/bin/python3";
  plan.zygote_in_root = "/usr/bin/gauntlet-zygote";
  for (const char* candidate : kRootCandidates) {
    const std::string root = candidate;
    if (!fs::is_directory(root, ec)) continue;
    bool hides_a_source = false;
    for (const auto& step : plan.steps) {
      if (step.kind != MountStep::kBind) continue;
      for (const std::string& source : {step.source, fs::weakly_canonical(step.source, ec).string()})
        if (source == root || source.rfind(root + "/", 0) == 0) hides_a_source = true;
    }
    if (hides_a_source) continue;
    plan.root = root;
    break;
  }
  if (plan.root.empty())
    throw SandboxError("sandbox: no directory to build the worker's root on (every candidate holds a bind source)");
  for (auto& step : plan.steps) step.target = plan.root + step.target;
  return plan;
}

// ---- code that runs in the cloned child (system calls only) ----------------------------------------

[[noreturn]] void child_fail(int fd, const char* what) {
  int err = errno;
  char buf[512];
  const char* text = strerror(err);  // glibc: returns a static string for known errno values
  size_t n = 0;
  for (const char* p = what; *p && n < 300; ++p) buf[n++] = *p;
  buf[n++] = ':';
  buf[n++] = ' ';
  for (const char* p = text; *p && n < sizeof(buf) - 1; ++p) buf[n++] = *p;
  (void)!write(fd, buf, n);
  _exit(127);
}

bool write_file(const char* path, const char* data) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t len = strlen(data);
  bool ok = write(fd, data, len) == static_cast<ssize_t>(len);
  close(fd);
  return ok;
}

struct ChildArgs {
  bool isolated;
  const Plan* plan;
  const char* uid_map;
  const char* gid_map;
  int fds[7];   // become 0..6
  int error_fd;  // becomes 7 (close-on-exec)
  const char* program;
  char* const* argv;
  char* const* envp;
};

[[noreturn]] void child_main(const ChildArgs& a) {
  int efd = a.error_fd;
  if (a.isolated) {
    if (!write_file("/proc/self/setgroups", "deny")) child_fail(efd, "write /proc/self/setgroups");
    if (!write_file("/proc/self/uid_map", a.uid_map)) child_fail(efd, "write /proc/self/uid_map");
    if (!write_file("/proc/self/gid_map", a.gid_map)) child_fail(efd, "write /proc/self/gid_map");
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) child_fail(efd, "make mounts private");
    if (mount("tmpfs", a.plan->root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=256,mode=0755") != 0)
      child_fail(efd, "mount the root tmpfs");
    for (const MountStep& s : a.plan->steps) {
      const char* t = s.target.c_str();
      switch (s.kind) {
        case MountStep::kMkdir:
          if (mkdir(t, 0755) != 0 && errno != EEXIST) child_fail(efd, s.what.c_str());
          break;
        case MountStep::kTouch: {
          int fd = open(t, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
          if (fd < 0) child_fail(efd, s.what.c_str());
          close(fd);
          break;
        }
        case MountStep::kSymlink:
          if (symlink(s.source.c_str(), t) != 0) child_fail(efd, s.what.c_str());
          break;
        case MountStep::kBind:
          if (mount(s.source.c_str(), t, nullptr, MS_BIND | MS_REC, nullptr) != 0) child_fail(efd, s.what.c_str());
          if (mount(nullptr, t, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | s.remount_flags, nullptr) != 0)
            child_fail(efd, s.what.c_str());
          break;
        case MountStep::kTmpfs:
          if (mount("tmpfs", t, "tmpfs", MS_NOSUID | MS_NODEV, s.source.c_str()) != 0) child_fail(efd, s.what.c_str());
          break;
      }
    }
    if (chdir(a.plan->root.c_str()) != 0) child_fail(efd, "chdir to the new root");
    if (syscall(SYS_pivot_root, ".", "oldroot") != 0) child_fail(efd, "pivot_root");
    if (chdir("/") != 0) child_fail(efd, "chdir /");
    if (umount2("/oldroot", MNT_DETACH) != 0) child_fail(efd, "detach the host filesystem");
    if (rmdir("/oldroot") != 0) child_fail(efd, "remove /oldroot");
    if (mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
      child_fail(efd, "remount / read-only");
    if (sethostname("sandbox", 7) != 0) child_fail(efd, "sethostname");
  }
  if (setsid() < 0) child_fail(efd, "setsid");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail(efd, "no_new_privs");
  // Move the descriptors to 0..6 (and the error pipe to 7, close-on-exec), close everything else.
  int high[8];
  for (int i = 0; i < 7; ++i) {
    high[i] = fcntl(a.fds[i], F_DUPFD_CLOEXEC, 100);
    if (high[i] < 0) child_fail(efd, "dup");
  }
  high[7] = fcntl(efd, F_DUPFD_CLOEXEC, 100);
  if (high[7] < 0) child_fail(efd, "dup");
  efd = high[7];
  for (int i = 0; i < 7; ++i)
    if (dup2(high[i], i) != i) child_fail(efd, "dup2");
  if (dup3(high[7], 7, O_CLOEXEC) != 7) child_fail(efd, "dup3");
  efd = 7;
  if (syscall(SYS_close_range, 8, ~0U, 0) != 0) child_fail(efd, "close_range");
  execve(a.program, a.argv, a.envp);
  child_fail(efd, "execve gauntlet-zygote");
}

// ---- supervisor side ---------------------------------------------------------------------------------

struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw SandboxError("sandbox: pipe: " + errno_text(errno));
    r = fds[0];
    w = fds[1];
  }
};

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Which namespaces can this process not create? (for the error message)
std::string missing_namespaces() {
  const std::pair<int, const char*> kinds[] = {{CLONE_NEWUSER, "user"}, {CLONE_NEWNS, "mount"},
                                               {CLONE_NEWPID, "pid"},   {CLONE_NEWNET, "net"},
                                               {CLONE_NEWIPC, "ipc"},   {CLONE_NEWUTS, "uts"}};
  std::string missing;
  for (const auto& [flag, name] : kinds) {
    int flags = flag == CLONE_NEWUSER ? flag : flag | CLONE_NEWUSER;
    long pid = syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid == 0) _exit(0);
    if (pid < 0) {
      missing += (missing.empty() ? "" : ", ") + std::string(name) + " (" + errno_text(errno) + ")";
    } else {
      int status;
      waitpid(static_cast<pid_t>(pid), &status, 0);
    }
  }
  return missing;
}

void append_available(int fd, std::string& out, size_t limit) {
  char buf[65536];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return;
    if (out.size() < limit) out.append(buf, std::min(static_cast<size_t>(n), limit - out.size()));
  }
}

}  // namespace

Zygote::Zygote(ZygoteConfig config) : config_(std::move(config)) { start(); }

Zygote::~Zygote() {
  kill_worker();
  if (!workdir_.empty()) {
    std::error_code ec;
    fs::remove_all(workdir_, ec);
  }
}

void Zygote::start() {
  kill_worker();
  Plan plan;
  std::string workdir = "/tmp";
  std::string zygote = find_zygote_program();
  std::string site_path;  // the worker's extra sys.path entries, ':'-separated
  if (config_.isolated) {
    plan = make_plan(config_.python, zygote, config_.tmp_size_mb, config_.packages);
    if (!config_.packages.empty()) site_path = kSiteDir;
  } else {
    std::vector<std::string> sites;  // without a view of its own the worker imports them where they are
    for (const auto& package : config_.packages) {
      if (std::find(sites.begin(), sites.end(), package.site) != sites.end()) continue;
      sites.push_back(package.site);
      site_path += (site_path.empty() ? "" : ":") + package.site;
    }
    if (workdir_.empty()) {
      char tmpl[] = "/tmp/gauntlet-sandbox-XXXXXX";
      if (!mkdtemp(tmpl)) throw SandboxError("sandbox: mkdtemp: " + errno_text(errno));
      workdir_ = tmpl;
    }
    workdir = workdir_;
    plan.python_in_root = config_.python;
    plan.zygote_in_root = zygote;
  }

  Pipe out, err, result, error;
  int control[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0)
    throw SandboxError("sandbox: socketpair: " + errno_text(errno));
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) throw SandboxError("sandbox: open /dev/null: " + errno_text(errno));

  std::string uid_map = std::to_string(kSandboxUid) + " " + std::to_string(geteuid()) + " 1\n";
  std::string gid_map = std::to_string(kSandboxUid) + " " + std::to_string(getegid()) + " 1\n";
  std::string preload;
  for (const auto& module : config_.preload) preload += (preload.empty() ? "" : ",") + module;
  std::vector<std::string> args = {"gauntlet-zygote", plan.python_in_root, workdir, std::to_string(config_.hash_seed),
                                   site_path, preload, config_.warmup};
  std::vector<std::string> env = {"PYTHONHASHSEED=" + std::to_string(config_.hash_seed), "LC_ALL=C.UTF-8",
                                  "PATH=/usr/bin:/bin", "HOME=" + workdir, "MALLOC_ARENA_MAX=1",
                                  // Bind every symbol at load: otherwise each child resolves (and
                                  // copies the GOT page of) every libc/libpython function the
                                  // zygote had not called before the fork.
                                  "LD_BIND_NOW=1"};
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string program = plan.zygote_in_root;

  ChildArgs child{config_.isolated, &plan, uid_map.c_str(), gid_map.c_str(),
                  {devnull, out.w, err.w, result.w, control[1], control[1], config_.bpf_fd},
                  error.w, program.c_str(), argv.data(), envp.data()};
  long flags = SIGCHLD;
  if (config_.isolated)
    flags |= CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
  long pid = syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr);
  if (pid == 0) child_main(child);
  int clone_errno = errno;
  close(devnull);
  close(out.w);
  close(err.w);
  close(result.w);
  close(control[1]);
  close(error.w);
  auto cleanup = [&] {
    close(out.r);
    close(err.r);
    close(result.r);
    close(control[0]);
    close(error.r);
  };
  if (pid < 0) {
    cleanup();
    if (config_.isolated) {
      std::string missing = missing_namespaces();
      throw SandboxError(
          "sandbox: cannot create the isolation namespaces (user, mount, pid, net, ipc, uts): clone: " +
          errno_text(clone_errno) + (missing.empty() ? "" : "; not available here: " + missing) +
          ". Enable unprivileged user namespaces (sysctl user.max_user_namespaces > 0, "
          "kernel.unprivileged_userns_clone=1, or a container policy that allows them), or pass "
          "--insecure-no-isolation to run untrusted code without isolation");
    }
    throw SandboxError("sandbox: cannot start a worker: fork: " + errno_text(clone_errno));
  }
  pid_ = static_cast<pid_t>(pid);
  // Setup errors arrive on the error pipe; EOF without data means execve succeeded.
  std::string setup_error;
  append_available(error.r, setup_error, 1024);
  close(error.r);
  auto fail = [&](const std::string& message) {
    close(out.r);
    close(result.r);
    close(control[0]);
    std::string stderr_text;
    int flags_err = fcntl(err.r, F_GETFL);
    fcntl(err.r, F_SETFL, flags_err | O_NONBLOCK);
    append_available(err.r, stderr_text, 4000);
    close(err.r);
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    throw SandboxError(message + (stderr_text.empty() ? "" : "\n" + stderr_text));
  };
  if (!setup_error.empty()) {
    fail("sandbox: cannot set up the " + std::string(config_.isolated ? "isolated " : "") +
         "worker: " + setup_error +
         (config_.isolated ? " (pass --insecure-no-isolation to run without isolation)" : ""));
  }
  // Wait for the worker's ready message.
  struct pollfd p{control[0], POLLIN, 0};
  int ready = poll(&p, 1, 30000);
  std::uint32_t magic = 0;
  char reply[24];
  if (ready == 1 && recv(control[0], reply, sizeof(reply), MSG_WAITALL) == sizeof(reply)) std::memcpy(&magic, reply, 4);
  if (magic != kReadyMagic) fail("sandbox: the Python worker (" + config_.python + ") did not start");
  for (int fd : {out.r, err.r, result.r}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  out_ = out.r;
  err_ = err.r;
  result_ = result.r;
  control_ = control[0];
}

void Zygote::kill_worker() {
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);  // the worker leads its own session and process group
    kill(pid_, SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  close_fd(control_);
  close_fd(out_);
  close_fd(err_);
  close_fd(result_);
}

namespace {

constexpr size_t kFrameHeader = 17;  // "GNTF" + u8 kind + 3 x u32 lengths

std::uint32_t read_u32(const std::string& s, size_t at) {
  std::uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}

void put_u32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }

}  // namespace

ExecResult Zygote::run(const Job& job) {
  ExecResult r;
  r.id = job.id;
  r.isolated = config_.isolated;
  if (!alive()) start();

  std::string message;
  put_u32(message, static_cast<std::uint32_t>(job.code.size()));
  put_u32(message, static_cast<std::uint32_t>(job.call ? job.call->size() : 0));
  put_u32(message, static_cast<std::uint32_t>(job.input.size()));
  put_u32(message, job.call ? 1 : 0);
  put_u32(message, static_cast<std::uint32_t>(job.timeout_ms));
  put_u32(message, static_cast<std::uint32_t>(job.memory_mb));
  put_u32(message, static_cast<std::uint32_t>(config_.file_size_mb));
  put_u32(message, static_cast<std::uint32_t>(config_.max_open_files));
  std::string env;  // NAME=VALUE\0 ...
  for (const auto& [name, value] : job.env) env += name + "=" + value + '\0';
  put_u32(message, static_cast<std::uint32_t>(env.size()));
  message += job.code;
  if (job.call) message += *job.call;
  message += job.input;
  message += env;

  auto started = Clock::now();
  auto deadline = started + std::chrono::milliseconds(job.effective_wall_timeout_ms());
  auto finish = [&](Status status, std::string note = "") {
    r.status = status;
    if (!note.empty()) r.error_message = std::move(note);
    r.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return r;
  };

  for (size_t sent = 0; sent < message.size();) {
    ssize_t n = send(control_, message.data() + sent, message.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      kill_worker();
      return finish(Status::crash, "sandbox worker died before the job started");
    }
    sent += static_cast<size_t>(n);
  }

  std::string result_frame;
  size_t total = 0;
  const size_t cap = static_cast<size_t>(std::max(0L, job.output_limit_bytes));
  bool over = false;
  auto pump = [&](int fd, std::string& into) {
    char buf[65536];
    while (true) {
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      total += static_cast<size_t>(n);
      if (total > cap) {
        over = true;
        return;
      }
      into.append(buf, static_cast<size_t>(n));
    }
  };

  char reply[24];
  size_t got = 0;
  while (got < sizeof(reply)) {
    auto now = Clock::now();
    if (now >= deadline) {
      kill_worker();
      return finish(Status::timeout_wall,
                    "wall-clock limit of " + std::to_string(job.effective_wall_timeout_ms()) + " ms reached");
    }
    int wait_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count());
    struct pollfd fds[4] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}, {result_, POLLIN, 0}, {control_, POLLIN, 0}};
    int n = poll(fds, 4, wait_ms);
    if (n < 0 && errno != EINTR) {
      kill_worker();
      return finish(Status::crash, "poll: " + errno_text(errno));
    }
    if (n <= 0) continue;
    if (fds[0].revents) pump(out_, r.stdout_text);
    if (fds[1].revents) pump(err_, r.stderr_text);
    if (fds[2].revents) pump(result_, result_frame);
    if (over) {
      kill_worker();
      return finish(Status::output_limit, "output exceeded " + std::to_string(cap) + " bytes");
    }
    if (fds[3].revents) {
      ssize_t k = recv(control_, reply + got, sizeof(reply) - got, 0);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) {
        kill_worker();
        return finish(Status::crash, "sandbox worker died during the job");
      }
      got += static_cast<size_t>(k);
    }
  }
  // The job has exited and was reaped: everything it wrote is in the pipes now.
  pump(out_, r.stdout_text);
  pump(err_, r.stderr_text);
  pump(result_, result_frame);
  if (over) return finish(Status::output_limit, "output exceeded " + std::to_string(cap) + " bytes");

  int status;
  std::int64_t cpu_us;
  std::memcpy(&status, reply, 4);
  std::memcpy(&cpu_us, reply + 8, 8);
  r.cpu_ms = static_cast<double>(cpu_us) / 1000.0;

  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    r.signal = sig;
    r.exit_code = -1;
    std::string name = sigabbrev_np(sig) ? std::string("SIG") + sigabbrev_np(sig) : "signal " + std::to_string(sig);
    if (sig == SIGSYS) return finish(Status::forbidden_syscall, "killed by seccomp (forbidden system call)");
    if (sig == SIGPROF || sig == SIGXCPU || (sig == SIGKILL && r.cpu_ms >= job.timeout_ms))
      return finish(Status::timeout_cpu, "CPU limit of " + std::to_string(job.timeout_ms) + " ms reached");
    return finish(Status::crash, "killed by " + name);
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.exit_code = code;
  if (code == 121 && result_frame.empty())
    return finish(Status::no_result, "job setup failed (rlimits or seccomp); the code did not run");
  // How the program left, from its frame (at most one, consistent with the exit status) or, when
  // there is none, from the exit status alone (os._exit, a closed result channel).
  bool well_formed = result_frame.size() >= kFrameHeader && result_frame.compare(0, 4, "GNTF") == 0;
  std::uint32_t len_ret = 0, len_type = 0, len_msg = 0;
  unsigned char kind = 0;
  if (well_formed) {
    kind = static_cast<unsigned char>(result_frame[4]);
    len_ret = read_u32(result_frame, 5);
    len_type = read_u32(result_frame, 9);
    len_msg = read_u32(result_frame, 13);
    well_formed = kind <= 2 && static_cast<std::uint64_t>(kFrameHeader) + len_ret + len_type + len_msg ==
                                   result_frame.size();
  }
  std::string ret;
  if (well_formed) {
    size_t at = kFrameHeader;
    ret = result_frame.substr(at, len_ret);
    at += len_ret;
    r.error_type = result_frame.substr(at, len_type);
    at += len_type;
    r.error_message = result_frame.substr(at, len_msg);
    // The exit status the frame implies must be the one the kernel reported.
    int implied = kind == 0 ? 0 : kind == 1 ? 1 : -1;
    if (kind == 2) {
      char* end = nullptr;
      long v = std::strtol(ret.c_str(), &end, 10);
      if (!ret.empty() && end && *end == '\0' && v >= 0 && v <= 255) implied = static_cast<int>(v);
    }
    well_formed = implied == code;
  }
  if (!well_formed && !result_frame.empty()) {
    r.error_type.clear();
    r.error_message.clear();
    return finish(Status::no_result, "malformed or repeated result frame (exit code " + std::to_string(code) + ")");
  }
  if (well_formed && kind == 0) {
    if (job.call) r.return_repr = std::move(ret);
    return finish(Status::ok);
  }
  if (well_formed && kind == 1) return finish(r.error_type == "MemoryError" ? Status::memory : Status::error);
  // The process exited (sys.exit, raise SystemExit, os._exit) before the end of the program. With a
  // call, the call never returned: no value, whatever the status. Without one, a program that exits
  // 0 has run successfully and any other status is an error, as for any process.
  const bool system_exit = well_formed;  // kind 2; otherwise no frame at all
  if (!system_exit && code == 123)
    return finish(Status::no_result, "the job broke the sandbox's runner (exit status 123, no result)");
  std::string how = system_exit ? "sys.exit / SystemExit" : "os._exit or a closed result channel";
  if (job.call) {
    std::string note = "exited with status " + std::to_string(code) + " (" + how + ") before the call returned";
    if (!r.error_message.empty() && r.error_message != std::to_string(code)) note += ": " + r.error_message;
    return finish(Status::no_result, note);
  }
  if (code == 0) {
    r.error_type.clear();
    r.error_message.clear();
    return finish(Status::ok);
  }
  if (r.error_message.empty()) r.error_message = "exited with status " + std::to_string(code) + " (" + how + ")";
  return finish(Status::error);
}

}  // namespace gauntlet::sandbox
