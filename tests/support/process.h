#pragma once
// Background processes for crash tests: start a program with its output in files, then reap it
// with a deadline (kill -9 tests, SIGINT tests).
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace gauntlet::testing {

// Starts `args` with stdin from /dev/null and stdout/stderr into files; returns the pid, or -1
// (with a test failure naming the error).
pid_t spawn(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path);

struct Exit {
  bool exited = false;  // WIFEXITED
  int code = -1;        // exit status when exited
  int signal = 0;       // terminating signal otherwise
  bool timed_out = false;
};

// Reaps pid, waiting at most `timeout`; on timeout the process is SIGKILLed (and reaped).
Exit wait_exit(pid_t pid, std::chrono::milliseconds timeout);

// A TCP port on 127.0.0.1 where nothing listens (an ephemeral port bound, read back and closed), for
// "nothing answers" tests.
int closed_local_port();

}  // namespace gauntlet::testing
