#pragma once
// UciEngine: a UCI chess engine (stockfish) run as a child process and spoken to over a socket
// pair. Every read has a deadline, so a hung engine raises instead of blocking; the destructor
// asks the engine to quit and kills it if it does not exit promptly.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gauntlet::games {

class UciEngine {
 public:
  // Starts `path` and completes the "uci"/"uciok" handshake. Throws GameConfigError when the binary
  // is missing or not executable, cannot be started, or does not speak UCI within `timeout`.
  explicit UciEngine(const std::string& path, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~UciEngine();
  UciEngine(const UciEngine&) = delete;
  UciEngine& operator=(const UciEngine&) = delete;

  // Throws std::runtime_error if the engine is gone.
  void send(std::string_view line);
  // Reads lines until one starts with `prefix` and returns it. Throws std::runtime_error on
  // timeout or when the engine exits.
  std::string read_until(std::string_view prefix, std::chrono::milliseconds timeout);
  void set_option(std::string_view name, std::string_view value);
  // "isready" / "readyok".
  void sync(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The engine's own "go perft depth" count for `fen`.
  std::uint64_t perft(std::string_view fen, int depth, std::chrono::milliseconds timeout);
  const std::string& id_name() const { return id_name_; }

 private:
  void shutdown();  // "quit", then SIGKILL after ~250 ms; idempotent

  std::string path_;
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
  std::string id_name_;
};

}  // namespace gauntlet::games
