#pragma once
// pyjail_run checks (PyJail): the defender's program runs in the sandbox (its seccomp filter,
// namespaces, read-only filesystem and rlimits) with the check's time and memory limits; the
// input arrives on stdin and the program's last act is print(jail(input)). Secrets (the flag) are
// set in the program's environment and nowhere else. The output, as in ZeroSumEval, is what the
// program printed (the returned value last), followed by the exception or why it was stopped.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/referee/referee.h"

namespace gauntlet::sandbox {
class Sandbox;
}

namespace gauntlet::harness {

// input {"code", "input", "time_limit_ms", "memory_mb"} -> result {"status", "output"}; details:
// the run's status, times and error (no output: the game keeps that, with the flag masked).
RefereeAnswer run_jail(sandbox::Sandbox& sandbox, const nlohmann::json& input,
                       const std::map<std::string, std::string>& secrets);

}  // namespace gauntlet::harness
