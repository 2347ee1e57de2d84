#include "harness/referee/jail_runner.h"

#include <stdexcept>

#include <fmt/format.h>

#include "sandbox/sandbox.h"

namespace gauntlet::harness {

RefereeAnswer run_jail(sandbox::Sandbox& sandbox, const nlohmann::json& input,
                       const std::map<std::string, std::string>& secrets) {
  auto text = [&](const char* key) {
    if (!input.contains(key) || !input[key].is_string())
      throw std::invalid_argument(fmt::format("pyjail_run: the check needs a string \"{}\"", key));
    return input[key].get<std::string>();
  };
  auto number = [&](const char* key) {
    if (!input.contains(key) || !input[key].is_number_integer())
      throw std::invalid_argument(fmt::format("pyjail_run: the check needs an integer \"{}\"", key));
    return input[key].get<int>();
  };
  sandbox::Job job;
  job.id = "pyjail";
  job.code = text("code");
  job.input = text("input");
  job.call = "__import__(\"builtins\").print(jail(__import__(\"sys\").stdin.read()), end=\"\")";
  job.timeout_ms = number("time_limit_ms");
  job.memory_mb = number("memory_mb");
  job.output_limit_bytes = 64 * 1024;
  job.env = secrets;
  auto r = sandbox.run(job);

  std::string output = r.stdout_text, note;
  using sandbox::Status;
  switch (r.status) {
    case Status::ok: break;
    case Status::error: note = fmt::format("Raised exception: {}: {}", r.error_type, r.error_message); break;
    case Status::timeout_cpu:
    case Status::timeout_wall: note = fmt::format("[stopped: over the {} ms time limit]", job.timeout_ms); break;
    case Status::memory: note = fmt::format("[stopped: over the {} MiB memory limit]", job.memory_mb); break;
    case Status::output_limit: note = "[stopped: too much output]"; break;
    case Status::forbidden_syscall:
      note = "[stopped: forbidden system call (no processes, network, file writes or signals)]";
      break;
    case Status::crash:
    case Status::no_result: note = "[stopped: the program crashed or exited without finishing]"; break;
  }
  if (!note.empty()) output += (output.empty() || output.back() == '\n' ? "" : "\n") + note;
  RefereeAnswer a;
  a.result = {{"status", sandbox::to_string(r.status)}, {"output", output}};
  a.details = {{"status", sandbox::to_string(r.status)},
               {"cpu_ms", r.cpu_ms},
               {"wall_ms", r.wall_ms},
               {"isolated", r.isolated},
               {"error_type", r.error_type}};
  return a;
}

}  // namespace gauntlet::harness
