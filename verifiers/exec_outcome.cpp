#include "verifiers/exec_outcome.h"

#include <fmt/format.h>

namespace gauntlet::verifiers {

ExecOutcome exec_outcome(const sandbox::ExecResult& r) {
  using sandbox::Status;
  auto clip = [](const std::string& s) { return s.size() > 300 ? s.substr(0, 300) + "..." : s; };
  switch (r.status) {
    case Status::ok:
      if (r.return_repr) return {};
      return {"no_result", "the call returned nothing"};
    case Status::error:
      return {"error", clip(r.error_type.empty() ? r.error_message : r.error_type + ": " + r.error_message)};
    case Status::timeout_cpu: return {"timeout", fmt::format("CPU limit reached after {:.0f} ms", r.cpu_ms)};
    case Status::timeout_wall: return {"timeout", fmt::format("still running after {:.0f} ms", r.wall_ms)};
    case Status::memory: return {"memory", "memory limit reached"};
    case Status::output_limit: return {"output_limit", "printed or returned more than the output limit"};
    case Status::forbidden_syscall: return {"forbidden_syscall", clip(r.error_message)};
    case Status::crash: return {"crash", fmt::format("signal {}", r.signal)};
    case Status::no_result: return {"no_result", clip(r.error_message)};
  }
  return {"no_result", "unknown status"};
}

}  // namespace gauntlet::verifiers
