#include "harness/selfplay/validator.h"

#include <stdexcept>

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
      "logging", "random", "multiprocessing", "pebble",  "subprocess", "threading",  "datetime", "time", "hashlib",
      "hmac",    "bcrypt", "os.sys",          "os.path", "sys.exit",   "os.environ", "calendar", "os",   "sys"};
  return list;
}

ProposalValidator::ProposalValidator(sandbox::Sandbox& sandbox, sandbox::Sandbox& other_seed, ValidationLimits limits)
    : sandbox_(sandbox), other_seed_(other_seed), limits_(std::move(limits)) {
  if (sandbox.hash_seed() == other_seed.hash_seed())
    throw std::invalid_argument(
        "ProposalValidator: the two sandboxes share a hash seed; determinism would go unchecked");
}

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

  // 2. Every input of every proposal that passed, once, on all lanes.
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
  auto job_for = [&](const Run& r) {
    sandbox::Job job;
    job.id = fmt::format("selfplay-validate-{}-{}", r.proposal, r.input);
    job.code = proposals[r.proposal].program;
    job.call = "f(" + proposals[r.proposal].inputs[r.input] + ")";
    job.timeout_ms = limits_.timeout_ms;
    job.memory_mb = limits_.memory_mb;
    return job;
  };
  auto where = [&](const Run& r) {
    return proposals[r.proposal].inputs.size() > 1 ? fmt::format("input {}: ", r.input + 1) : std::string();
  };
  auto reject = [&](const Run& r, std::string reason, const std::string& detail) {
    auto& result = out[r.proposal];
    result.valid = false;
    result.reason = std::move(reason);
    result.detail = where(r) + detail;
    result.outputs.clear();
  };
  std::vector<sandbox::Job> jobs;
  for (const auto& r : runs) jobs.push_back(job_for(r));
  executions_ += static_cast<long>(jobs.size());
  auto first = sandbox_.run_batch(jobs);
  for (std::size_t k = 0; k < runs.size(); ++k) {
    if (!out[runs[k].proposal].valid) continue;
    auto outcome = verifiers::exec_outcome(first[k]);
    if (!outcome.ok()) reject(runs[k], outcome.reason, outcome.detail);
  }

  // 3. The proposals still valid run again in workers with the other hash seed.
  std::vector<std::size_t> again;
  jobs.clear();
  for (std::size_t k = 0; k < runs.size(); ++k) {
    if (!out[runs[k].proposal].valid) continue;
    again.push_back(k);
    jobs.push_back(job_for(runs[k]));
  }
  executions_ += static_cast<long>(jobs.size());
  auto second = other_seed_.run_batch(jobs);
  for (std::size_t j = 0; j < again.size(); ++j) {
    const Run& r = runs[again[j]];
    if (!out[r.proposal].valid) continue;
    const auto& a = first[again[j]];
    const auto& b = second[j];
    auto outcome = verifiers::exec_outcome(b);
    if (!outcome.ok()) {
      reject(r, outcome.reason, "second run: " + outcome.detail);
    } else if (!sandbox::same_outcome(a, b)) {
      reject(r, "nondeterministic",
             a.return_repr != b.return_repr
                 ? fmt::format("returned {} then {}", clip(*a.return_repr, 80), clip(*b.return_repr, 80))
                 : "the two runs printed different output");
    } else if (a.return_repr->size() > limits_.max_output_chars) {
      reject(r, "output_too_long",
             fmt::format("repr of the result has {} characters, more than {}", a.return_repr->size(),
                         limits_.max_output_chars));
    } else {
      out[r.proposal].outputs[r.input] = *a.return_repr;
    }
  }
  return out;
}

}  // namespace gauntlet::harness
