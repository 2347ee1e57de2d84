#pragma once
// `gauntlet serve` as a child process for integration tests: started on a free port (read back from
// its "listening on" line), stopped with SIGTERM by the destructor (or stop(), which reports the exit).
#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace gauntlet::testing {

class ServedModel {
 public:
  // Runs `binary serve --model model_dir --port 0 extra...` with its output in dir/serve.{out,err};
  // port() is empty (and a test failure is recorded) when it did not listen within 10 s.
  ServedModel(const std::string& binary, const std::string& model_dir, const std::string& dir,
              const std::vector<std::string>& extra);
  ~ServedModel();
  ServedModel(const ServedModel&) = delete;
  ServedModel& operator=(const ServedModel&) = delete;

  const std::string& port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + port_; }
  std::string stderr_text() const;
  // SIGTERM and wait (20 s at most).
  Exit stop();

 private:
  pid_t pid_ = -1;
  std::string err_path_;
  std::string port_;
};

}  // namespace gauntlet::testing
