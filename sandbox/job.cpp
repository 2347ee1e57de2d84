#include "sandbox/job.h"

#include <stdexcept>

namespace gauntlet::sandbox {
namespace {

constexpr Status kAll[] = {Status::ok,     Status::error,        Status::timeout_cpu,
                           Status::timeout_wall, Status::memory, Status::output_limit,
                           Status::forbidden_syscall, Status::crash, Status::no_result};

}  // namespace

const char* to_string(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::error: return "error";
    case Status::timeout_cpu: return "timeout_cpu";
    case Status::timeout_wall: return "timeout_wall";
    case Status::memory: return "memory";
    case Status::output_limit: return "output_limit";
    case Status::forbidden_syscall: return "forbidden_syscall";
    case Status::crash: return "crash";
    case Status::no_result: return "no_result";
  }
  return "no_result";
}

Status parse_status(const std::string& name) {
  for (Status s : kAll)
    if (name == to_string(s)) return s;
  throw std::invalid_argument("unknown sandbox status: " + name);
}

bool same_outcome(const ExecResult& a, const ExecResult& b) {
  return a.status == b.status && a.stdout_text == b.stdout_text && a.return_repr == b.return_repr &&
         a.error_type == b.error_type && a.error_message == b.error_message;
}

nlohmann::json ExecResult::to_json() const {
  auto text = [](const std::string& s) {
    // Job output is bytes; keep it valid JSON whatever the job printed.
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  nlohmann::json j;
  j["id"] = id;
  j["status"] = to_string(status);
  j["stdout"] = nlohmann::json::parse(text(stdout_text));
  j["stderr"] = nlohmann::json::parse(text(stderr_text));
  j["return"] = return_repr ? nlohmann::json::parse(text(*return_repr)) : nlohmann::json(nullptr);
  j["error_type"] = error_type.empty() ? nlohmann::json(nullptr) : nlohmann::json(error_type);
  j["error_message"] = error_message.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(text(error_message));
  j["exit_code"] = exit_code;
  j["signal"] = signal;
  j["wall_ms"] = wall_ms;
  j["cpu_ms"] = cpu_ms;
  j["isolation"] = isolated ? "namespaces" : "none (--insecure-no-isolation)";
  return j;
}

}  // namespace gauntlet::sandbox
