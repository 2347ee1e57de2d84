#include "harness/selfplay_validator.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "verifiers/exec_outcome.h"
#include "verifiers/helper_batch.h"

namespace gauntlet::harness {
namespace {

// Reads {"banned": [...], "items": [{"code", "inputs", "check_program"}]} on stdin, writes one
// [reason, detail] per item. Programs are parsed with ast, never run.
const char* const kInspector = R"PY(
import ast, json, sys

request = json.loads(sys.stdin.read())
banned = request["banned"]
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def banned_entry(name):
    parts = name.split(".")
    for entry in banned:
        if name == entry or name.startswith(entry + ".") or ("." not in entry and entry in parts):
            return entry
    return None


def imported_names(node):
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        return ([module] if module else []) + [(module + "." if module else "") + a.name for a in node.names]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return [node.args[0].value]
    return []


def check_program(code):
    try:
        tree = ast.parse(code)
    except Exception as e:
        return "syntax_error", type(e).__name__ + ": " + str(e)
    for node in ast.walk(tree):
        for name in imported_names(node):
            entry = banned_entry(name)
            if entry is not None:
                return "forbidden_import", "%s (line %d; banned: %s)" % (name, node.lineno, entry)
    top = [n for n in tree.body if isinstance(n, DEFS)]
    if not any(n.name == "f" for n in top):
        found = ", ".join(n.name for n in top)
        return "no_function_f", "top-level functions: " + (found or "none")
    if len(top) > 1:
        return "multiple_functions", "top-level functions: " + ", ".join(n.name for n in top)
    for node in ast.walk(tree):
        if isinstance(node, DEFS) and node is not top[0]:
            return "nested_function", "%s (line %d)" % (node.name, node.lineno)
    return "", ""


def check_input(text, i):
    try:
        call = ast.parse("f(" + text + ")", mode="eval").body
    except Exception as e:
        return "bad_input", "input %d: f(<input>) does not parse (%s: %s)" % (i + 1, type(e).__name__, e)
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "f"):
        return "bad_input", "input %d: f(<input>) is not a single call of f" % (i + 1)
    return "", ""


def check(item):
    if item["check_program"]:
        reason, detail = check_program(item["code"])
        if reason:
            return [reason, detail]
    for i, text in enumerate(item["inputs"]):
        reason, detail = check_input(text, i)
        if reason:
            return [reason, detail]
    return ["", ""]


sys.stdout.write(json.dumps([check(item) for item in request["items"]]))
)PY";

std::string clip(const std::string& s, std::size_t n = 200) { return s.size() > n ? s.substr(0, n) + "..." : s; }

}  // namespace

const std::vector<std::string>& default_banned_imports() {
  static const std::vector<std::string> list = {
      "logging", "random",    "multiprocessing", "pebble", "subprocess", "threading",
      "datetime", "time",     "hashlib",         "hmac",   "bcrypt",     "os.sys",
      "os.path",  "sys.exit", "os.environ",      "calendar", "os",       "sys"};
  return list;
}

ProposalValidator::ProposalValidator(sandbox::Sandbox& sandbox, ValidationLimits limits)
    : sandbox_(sandbox), limits_(std::move(limits)) {}

std::vector<ValidationResult> ProposalValidator::validate(const std::vector<ProposalCheck>& proposals) {
  std::vector<ValidationResult> out(proposals.size());
  if (proposals.empty()) return out;

  // 1. Syntax-tree checks, all proposals in one job of our own code.
  verifiers::HelperProgram inspector;
  inspector.name = "selfplay-inspect";
  inspector.code = kInspector;
  inspector.request = {{"banned", limits_.banned_imports}};
  std::vector<nlohmann::json> items;
  for (const auto& p : proposals)
    items.push_back({{"code", p.program}, {"inputs", p.inputs}, {"check_program", p.check_program}});
  auto verdicts = verifiers::run_helper_batch(sandbox_, inspector, items, executions_);

  // 2. Each input of each proposal that passed: run twice with different hash seeds.
  struct Run {
    std::size_t proposal, input;
  };
  std::vector<Run> runs;
  for (std::size_t i = 0; i < proposals.size(); ++i) {
    const auto& v = verdicts[i];
    if (!v || !v->is_array() || v->size() != 2) {
      out[i].reason = "syntax_error";
      out[i].detail = "the program could not be inspected (parsing it exhausted the checker's limits)";
      continue;
    }
    if (!(*v)[0].get<std::string>().empty()) {
      out[i].reason = (*v)[0].get<std::string>();
      out[i].detail = (*v)[1].get<std::string>();
      continue;
    }
    if (proposals[i].inputs.empty()) {
      out[i].reason = "bad_input";
      out[i].detail = "no inputs";
      continue;
    }
    out[i].valid = true;
    out[i].outputs.resize(proposals[i].inputs.size());
    for (std::size_t k = 0; k < proposals[i].inputs.size(); ++k) runs.push_back({i, k});
  }
  std::vector<sandbox::DeterminismReport> reports(runs.size());
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      std::size_t r = next.fetch_add(1);
      if (r >= runs.size()) return;
      sandbox::Job job;
      job.id = fmt::format("selfplay-validate-{}-{}", runs[r].proposal, runs[r].input);
      job.code = proposals[runs[r].proposal].program;
      job.call = "f(" + proposals[runs[r].proposal].inputs[runs[r].input] + ")";
      job.timeout_ms = limits_.timeout_ms;
      job.memory_mb = limits_.memory_mb;
      try {
        reports[r] = sandbox_.check_determinism(job);
        executions_ += 2;
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next = runs.size();
        return;
      }
    }
  };
  std::size_t threads = std::min<std::size_t>(runs.size(), static_cast<std::size_t>(std::max(1, sandbox_.lanes())));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  // 3. The first failing input (in input order) decides.
  for (std::size_t r = 0; r < runs.size(); ++r) {
    auto& result = out[runs[r].proposal];
    if (!result.valid) continue;
    const auto& report = reports[r];
    const std::string where = proposals[runs[r].proposal].inputs.size() > 1
                                  ? fmt::format("input {}: ", runs[r].input + 1)
                                  : std::string();
    auto first = verifiers::exec_outcome(report.first);
    auto second = verifiers::exec_outcome(report.second);
    auto reject = [&](std::string reason, std::string detail) {
      result.valid = false;
      result.reason = std::move(reason);
      result.detail = where + detail;
      result.outputs.clear();
    };
    if (!first.ok()) {
      reject(first.reason, first.detail);
    } else if (!second.ok()) {
      reject(second.reason, "second run: " + second.detail);
    } else if (!report.deterministic) {
      reject("nondeterministic",
             report.first.return_repr != report.second.return_repr
                 ? fmt::format("returned {} then {}", clip(*report.first.return_repr, 80),
                               clip(*report.second.return_repr, 80))
                 : "the two runs printed different output");
    } else if (report.first.return_repr->size() > limits_.max_output_chars) {
      reject("output_too_long", fmt::format("repr of the result has {} characters, more than {}",
                                            report.first.return_repr->size(), limits_.max_output_chars));
    } else {
      result.outputs[runs[r].input] = *report.first.return_repr;
    }
  }
  return out;
}

}  // namespace gauntlet::harness
