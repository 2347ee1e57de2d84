#pragma once
// Runs a shell command for tests, capturing stdout, stderr and the exit status.
#include <string>

namespace gauntlet::testing {

struct CommandResult {
  int exit_code = -1;   // -1 when killed by a signal
  std::string out;
  std::string err;
};

CommandResult run_command(const std::string& command);

// Reads a whole file ("" when missing).
std::string read_file(const std::string& path);

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace gauntlet::testing
