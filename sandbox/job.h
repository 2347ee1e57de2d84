#pragma once
// Job (one untrusted Python program plus limits), ExecResult (what happened) and Status (the one
// word the supervisor decides for every outcome). Plain data; no process handling here.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::sandbox {

// Every outcome is exactly one of these. Decided by the supervisor from kernel facts (exit status,
// signal, CPU time, bytes read, the wall clock); the job only ever contributes its result frame.
//
// Ways out of a job, and their status (exit_code is the process's exit status in every row):
//   | how the job ended                                    | no call  | with a call            |
//   | ran to the end / the call returned                   | ok       | ok, return set         |
//   | an exception (SyntaxError included)                  | error    | error                  |
//   | sys.exit(0), sys.exit(None), raise SystemExit        | ok       | no_result, no return   |
//   | os._exit(0)                                          | ok       | no_result, no return   |
//   | sys.exit(n != 0), raise SystemExit(n), sys.exit("x") | error    | no_result, no return   |
//   | os._exit(n != 0)                                     | error    | no_result, no return   |
//   | a forged, malformed or second result frame           | no_result| no_result              |
// A call that never returned never looks like one that did. (Caveat: os._exit(121) and
// os._exit(123) without a result read as the supervisor's own setup / runner failures: no_result.)
enum class Status {
  ok,                 // ran to the end, or a program (no call) exited with status 0
  error,              // a Python exception (error_type, error_message); a program's non-zero exit status too
  timeout_cpu,        // used more CPU than timeout_ms
  timeout_wall,       // still running at the wall deadline; the whole worker was killed
  memory,             // MemoryError (address-space limit reached)
  output_limit,       // stdout + stderr + return value exceeded output_limit_bytes; the worker was killed
  forbidden_syscall,  // killed by the seccomp filter (process creation, sockets, signals, mount, ...)
  crash,              // killed by another signal (SIGSEGV from ctypes, abort, ...) or the worker died
  no_result,          // no usable result: the call never returned (the job exited first), or the
                      // result frame was forged / malformed, or the job's setup failed
};

const char* to_string(Status status);
// Throws std::invalid_argument for an unknown name.
Status parse_status(const std::string& name);

struct Job {
  std::string id;                   // free-form; copied into the result
  std::string code;                 // the program, run as __main__
  std::optional<std::string> call;  // an expression evaluated after the program, e.g. "solve(3)"; its repr is returned
  std::string input;                // bytes on stdin
  // Environment variables set in the job's os.environ just before its code runs (the workers' own
  // environment is fixed and holds nothing of the host's). Names: non-empty, no '=' or NUL;
  // values: no NUL. The only way a secret (e.g. a game's flag) should reach a job.
  std::map<std::string, std::string> env;
  int timeout_ms = 1000;            // CPU time limit
  int wall_timeout_ms = 0;          // 0: 3 * timeout_ms + 1000
  int memory_mb = 512;              // address-space limit of the job process (the interpreter itself is ~30 MiB)
  long output_limit_bytes = 1 << 20;  // stdout + stderr + return repr together

  int effective_wall_timeout_ms() const { return wall_timeout_ms > 0 ? wall_timeout_ms : 3 * timeout_ms + 1000; }
};

// Throws std::invalid_argument unless 1 <= timeout_ms <= 3,600,000 and 32 <= memory_mb <= 1,048,576.
void check_job_limits(int timeout_ms, int memory_mb);

// One job from its JSON object {"id", "code", "call", "input", "timeout_ms", "memory_mb"} (a line of
// `gauntlet sandbox batch`); "code" is required, `fallback_id` is used when there is no "id".
// Throws std::invalid_argument naming the key for anything else (wrong type, unknown key, limits).
Job job_from_json(const nlohmann::json& j, const std::string& fallback_id);

struct ExecResult {
  std::string id;
  Status status = Status::no_result;
  std::string stdout_text;
  std::string stderr_text;
  std::optional<std::string> return_repr;  // set only when the job had a call and it returned (status ok)
  std::string error_type;                   // status error / memory: e.g. "ZeroDivisionError", "SystemExit"; "" for os._exit
  std::string error_message;                // str() of the exception, or a supervisor note
  int exit_code = -1;                       // process exit code; -1 when killed by a signal
  int signal = 0;                           // the killing signal, 0 when none
  double wall_ms = 0;
  double cpu_ms = 0;
  bool isolated = true;                     // false: ran with --insecure-no-isolation

  nlohmann::json to_json() const;
};

// Whether two runs of one job agree: same status, stdout, return value and error (the rule of
// Sandbox::check_determinism, also for callers that run the two halves themselves).
bool same_outcome(const ExecResult& a, const ExecResult& b);

// Two runs of one job in workers with different hash seeds (PYTHONHASHSEED).
struct DeterminismReport {
  ExecResult first;
  ExecResult second;
  bool deterministic = false;  // same status, stdout, return value and error
};

}  // namespace gauntlet::sandbox
