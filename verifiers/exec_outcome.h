#pragma once
// ExecOutcome: one sandbox result read as "did the call return a value?", with the reason words
// that verifiers and self-play validation report: timeout, error, memory, output_limit,
// forbidden_syscall, crash, no_result.
#include <string>

#include "sandbox/job.h"

namespace gauntlet::verifiers {

struct ExecOutcome {
  std::string reason;  // "" when the call returned a value
  std::string detail;  // e.g. "ZeroDivisionError: division by zero", "1000 ms CPU"
  bool ok() const { return reason.empty(); }
};

ExecOutcome exec_outcome(const sandbox::ExecResult& result);

}  // namespace gauntlet::verifiers
