#include "games/uci_engine.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "games/game.h"

extern char** environ;

namespace gauntlet::games {

using Clock = std::chrono::steady_clock;

UciEngine::UciEngine(const std::string& path, std::chrono::milliseconds timeout) : path_(path) {
  if (access(path.c_str(), X_OK) != 0)
    throw GameConfigError(fmt::format("UCI engine '{}' is missing or not executable ({}); install the Debian package "
                                      "'stockfish' (scripts/setup.sh does) or set the bot's \"path\" option",
                                      path, std::strerror(errno)));
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw GameConfigError(fmt::format("UCI engine '{}': socketpair failed: {}", path, std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
  int rc = posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  fd_ = fds[0];
  if (rc != 0) {
    close(fd_);
    fd_ = -1;
    pid_ = -1;
    throw GameConfigError(fmt::format("UCI engine '{}' could not be started: {}", path, std::strerror(rc)));
  }
  try {
    send("uci");
    auto deadline = Clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      std::string line = read_until("", std::max(left, std::chrono::milliseconds(1)));
      if (line.rfind("id name ", 0) == 0) id_name_ = line.substr(8);
      if (line.rfind("uciok", 0) == 0) break;
    }
  } catch (const std::runtime_error& e) {
    shutdown();
    throw GameConfigError(fmt::format("UCI engine '{}' did not answer 'uci' with 'uciok' within {} ms ({})", path,
                                      timeout.count(), e.what()));
  }
}

UciEngine::~UciEngine() { shutdown(); }

void UciEngine::shutdown() {
  if (fd_ >= 0) {
    const char quit[] = "quit\n";
    [[maybe_unused]] auto n = ::send(fd_, quit, sizeof quit - 1, MSG_NOSIGNAL);
  }
  if (pid_ > 0) {
    bool exited = false;
    for (int i = 0; i < 50 && !exited; ++i) {  // up to ~250 ms to quit on its own
      exited = waitpid(pid_, nullptr, WNOHANG) == pid_;
      if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!exited) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  pid_ = -1;
}

void UciEngine::send(std::string_view line) {
  std::string data(line);
  data += '\n';
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(fmt::format("UCI engine '{}' is gone: {}", path_, std::strerror(errno)));
    done += std::size_t(n);
  }
}

std::string UciEngine::read_until(std::string_view prefix, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    for (auto nl = buffer_.find('\n'); nl != std::string::npos; nl = buffer_.find('\n')) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind(prefix, 0) == 0) return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0)
      throw std::runtime_error(
          fmt::format("UCI engine '{}': no '{}' within {} ms", path_, prefix, timeout.count()));
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, int(left));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw std::runtime_error(fmt::format("UCI engine '{}': poll failed: {}", path_, std::strerror(errno)));
    if (r == 0) continue;
    char chunk[4096];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(fmt::format("UCI engine '{}' exited", path_));
    buffer_.append(chunk, std::size_t(n));
  }
}

void UciEngine::set_option(std::string_view name, std::string_view value) {
  send(fmt::format("setoption name {} value {}", name, value));
}

void UciEngine::sync(std::chrono::milliseconds timeout) {
  send("isready");
  read_until("readyok", timeout);
}

std::uint64_t UciEngine::perft(std::string_view fen, int depth, std::chrono::milliseconds timeout) {
  send(fmt::format("position fen {}", fen));
  send(fmt::format("go perft {}", depth));
  std::string line = read_until("Nodes searched:", timeout);
  return std::stoull(line.substr(line.find(':') + 1));
}

}  // namespace gauntlet::games
