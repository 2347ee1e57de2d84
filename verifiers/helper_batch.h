#pragma once
// Running one of our own helper programs (trusted Python that reads a JSON request with an "items"
// list on stdin and writes a JSON array with one result per item on stdout) over many items in a
// single sandbox job. The items are data, never code. If the batch job fails (an item that
// exhausts time or memory, output that is not the expected array), each item is retried in a job
// of its own, so one bad item cannot sink the others; an item whose own job fails gets nullopt.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/sandbox.h"

namespace gauntlet::verifiers {

struct HelperProgram {
  std::string name;                                   // job id
  std::string code;                                   // the helper's Python source
  nlohmann::json request = nlohmann::json::object();  // fields sent along with "items"
  int timeout_ms = 5000;
};

// `executions` is incremented by the number of sandbox jobs run.
std::vector<std::optional<nlohmann::json>> run_helper_batch(sandbox::Sandbox& sandbox, const HelperProgram& helper,
                                                            const std::vector<nlohmann::json>& items,
                                                            std::atomic<long>& executions);

}  // namespace gauntlet::verifiers
