#include "verifiers/symbolic_checker.h"

#include <algorithm>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "sandbox/sandbox.h"
#include "sandbox/sandbox_error.h"
#include "verifiers/sympy_check_program.h"

namespace gauntlet::verifiers {

namespace {

constexpr int kMemoryMb = 1024;  // address space of one check; SymPy itself maps ~150 MiB

std::optional<SymbolicResult> parse_result(const std::string& word) {
  if (word == "equal") return SymbolicResult::kEqual;
  if (word == "different") return SymbolicResult::kDifferent;
  if (word == "unknown") return SymbolicResult::kUnknown;
  return std::nullopt;
}

// Fills the batch from the job's stdout; false when it is not one verdict per pair.
bool read_verdicts(const std::string& out, SymbolicBatch& batch) {
  nlohmann::json reply = nlohmann::json::parse(out, nullptr, false);
  if (reply.is_discarded() || !reply.is_array() || reply.size() != batch.results.size()) return false;
  for (std::size_t i = 0; i < reply.size(); ++i) {
    const auto& item = reply[i];
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_string()) return false;
    auto result = parse_result(item[0].get<std::string>());
    if (!result) return false;
    batch.results[i] = *result;
    batch.details[i] = item[1].get<std::string>();
  }
  return true;
}

}  // namespace

namespace {

sandbox::SandboxOptions pool_options(const SymbolicCheckerOptions& o) {
  sandbox::SandboxOptions options;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.lanes = o.lanes > 0 ? o.lanes : std::min(2, cores);
  options.python = o.python;
  options.allow_insecure_no_isolation = o.allow_insecure_no_isolation;
  options.packages = {"sympy", "mpmath"};
  options.preload = {"sympy"};
  options.warmup = kSympyCheckProgram;
  return options;
}

}  // namespace

SymbolicChecker::SymbolicChecker(SymbolicCheckerOptions options)
    : options_(std::move(options)), pool_(pool_options(options_)) {}

SymbolicChecker::~SymbolicChecker() = default;

SymbolicChecker& SymbolicChecker::shared() {
  static SymbolicChecker checker;
  return checker;
}

std::optional<bool> SymbolicChecker::isolated() { return pool_.isolated(); }

sandbox::Sandbox* SymbolicChecker::pool(std::string& error) { return pool_.get(error); }

SymbolicBatch SymbolicChecker::compare(const std::vector<std::pair<MathExpr, MathExpr>>& pairs, int timeout_ms) {
  SymbolicBatch batch;
  batch.results.assign(pairs.size(), SymbolicResult::kUnknown);
  batch.details.assign(pairs.size(), "");
  if (pairs.empty()) return batch;
  std::string start_error;
  sandbox::Sandbox* box = pool(start_error);
  if (!box) {
    batch.unavailable = true;
    batch.error = "symbolic check unavailable: " + start_error;
    return batch;
  }
  batch.isolated = box->isolated();

  nlohmann::json request;
  request["pairs"] = nlohmann::json::array();
  for (const auto& [gold, pred] : pairs) request["pairs"].push_back(nlohmann::json::array({to_sympy_tree(gold), to_sympy_tree(pred)}));
  sandbox::Job job;
  job.id = "sympy-check";
  job.code = kSympyCheckJob;
  job.input = request.dump();
  job.timeout_ms = std::max(1, timeout_ms);
  job.memory_mb = kMemoryMb;
  sandbox::ExecResult r;
  try {
    r = box->run(job);
  } catch (const sandbox::SandboxError& e) {
    batch.error = std::string("symbolic check failed: ") + e.what();
    return batch;
  }
  batch.wall_ms = r.wall_ms;
  switch (r.status) {
    case sandbox::Status::ok:
      if (!read_verdicts(r.stdout_text, batch)) {
        batch.results.assign(pairs.size(), SymbolicResult::kUnknown);
        batch.details.assign(pairs.size(), "");
        batch.error = "symbolic check returned malformed output: " + r.stdout_text.substr(0, 200);
      }
      break;
    case sandbox::Status::timeout_cpu:
    case sandbox::Status::timeout_wall:
      batch.error = "symbolic check timed out after " + std::to_string(job.timeout_ms) + " ms of CPU time";
      break;
    case sandbox::Status::memory:
      batch.error = "symbolic check ran out of memory (" + std::to_string(kMemoryMb) + " MiB)";
      break;
    default:
      batch.error = std::string("symbolic check failed: ") + sandbox::to_string(r.status) +
                    (r.error_type.empty() ? "" : ": " + r.error_type) +
                    (r.error_message.empty() ? "" : ": " + r.error_message);
      break;
  }
  return batch;
}

}  // namespace gauntlet::verifiers
