#include "sandbox/job.h"

#include <cstdint>
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

void check_job_limits(int timeout_ms, int memory_mb) {
  if (timeout_ms <= 0 || timeout_ms > 3600 * 1000) throw std::invalid_argument("timeout_ms must be between 1 and 3600000");
  if (memory_mb < 32 || memory_mb > 1024 * 1024) throw std::invalid_argument("memory_mb must be between 32 and 1048576");
}

Job job_from_json(const nlohmann::json& j, const std::string& fallback_id) {
  auto fail = [](const std::string& what) { throw std::invalid_argument(what); };
  if (!j.is_object()) fail("expected a JSON object");
  Job job;
  job.id = fallback_id;
  for (auto& [key, value] : j.items()) {
    if (key == "id") {
      if (value.is_string()) job.id = value.get<std::string>();
      else if (value.is_number_integer()) job.id = std::to_string(value.get<long long>());
      else fail("id: expected a string or an integer");
    } else if (key == "code") {
      if (!value.is_string()) fail("code: expected a string");
      job.code = value.get<std::string>();
    } else if (key == "call") {
      if (value.is_string()) job.call = value.get<std::string>();
      else if (!value.is_null()) fail("call: expected a string or null");
    } else if (key == "input") {
      if (!value.is_string()) fail("input: expected a string");
      job.input = value.get<std::string>();
    } else if (key == "timeout_ms" || key == "memory_mb") {
      if (!value.is_number_integer()) fail(key + ": expected an integer");
      if (value.is_number_unsigned() ? value.get<std::uint64_t>() > 0x7fffffffULL
                                     : value.get<long long>() < 0 || value.get<long long>() > 0x7fffffffLL)
        fail(key + ": out of range");
      (key == "timeout_ms" ? job.timeout_ms : job.memory_mb) = static_cast<int>(value.get<long long>());
    } else {
      fail("unknown key \"" + key + "\" (expected id, code, call, input, timeout_ms, memory_mb)");
    }
  }
  if (!j.contains("code")) fail("code: missing");
  check_job_limits(job.timeout_ms, job.memory_mb);
  return job;
}

}  // namespace gauntlet::sandbox
