#include "verifiers/code_scorer.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "sandbox/sandbox_error.h"
#include "verifiers/lazy_sandbox.h"
#include "verifiers/scorer_options.h"
#include "verifiers/text.h"

namespace gauntlet::verifiers {
namespace {

constexpr std::size_t kExcerpt = 600;  // bytes of output kept in the details
const std::vector<std::string> kPythonFences = {"python", "py", "python3"};

std::string head(const std::string& s) {
  return valid_utf8(s.size() <= kExcerpt ? s : s.substr(0, kExcerpt) + "...");
}
std::string tail(const std::string& s) {
  return valid_utf8(s.size() <= kExcerpt ? s : "..." + s.substr(s.size() - kExcerpt));
}

std::string field_option(const ScorerOptions& options, const std::string& key, const std::string& fallback) {
  auto v = option_value(options, key);
  return v ? *v : fallback;
}

// Whether one test passed, and if not, the word for how it failed.
std::string test_status(CodeFormat format, const sandbox::ExecResult& r, const StdioTest* io,
                        OutputComparison compare, double tolerance) {
  using sandbox::Status;
  switch (r.status) {
    case Status::ok:
      if (format == CodeFormat::kFunction) return r.return_repr ? "passed" : "no_result";
      return output_matches(r.stdout_text, io->output, compare, tolerance) ? "passed" : "wrong_answer";
    case Status::error:
      return format == CodeFormat::kFunction && r.error_type == "AssertionError" ? "wrong_answer" : "error";
    case Status::timeout_cpu:
    case Status::timeout_wall: return "timeout";
    case Status::memory: return "memory";
    case Status::output_limit: return "output_limit";
    case Status::forbidden_syscall: return "forbidden_syscall";
    case Status::crash: return "crash";
    case Status::no_result: return "no_result";
  }
  return "no_result";
}

}  // namespace

CodeScorer::CodeScorer(const ScorerOptions& options) {
  format_ = option_enum(options, "code", "format", {"function", "stdio"}, "function") == "stdio" ? CodeFormat::kStdio
                                                                                               : CodeFormat::kFunction;
  option_enum(options, "code", "language", {"python"}, "python");
  fallback_ = option_enum(options, "code", "extract", {"block_or_answer", "block"}, "block_or_answer") == "block"
                  ? CodeFallback::kNone
                  : CodeFallback::kWholeAnswer;
  fields_.tests = field_option(options, "tests_field", fields_.tests);
  if (fields_.tests.empty()) throw ScorerConfigError("scorer 'code': option 'tests_field' must not be empty");
  fields_.prefix = field_option(options, "prefix_field", "");
  fields_.entry_point = field_option(options, "entry_point_field", fields_.entry_point);
  timeout_ms_ = option_positive_int(options, "code", "timeout_ms", timeout_ms_);
  memory_mb_ = option_positive_int(options, "code", "memory_mb", memory_mb_);
  if (memory_mb_ < 64) throw ScorerConfigError("scorer 'code': option 'memory_mb' must be at least 64");
  compare_ = output_comparison_from_string(
      option_enum(options, "code", "compare", {"whitespace", "exact", "float"}, "whitespace"));
  tolerance_ = option_non_negative_double(options, "code", "tolerance", tolerance_);
  if (format_ == CodeFormat::kStdio && (options.count("prefix_field") || options.count("entry_point_field")))
    throw ScorerConfigError("scorer 'code': prefix_field and entry_point_field apply to format: function only");
  if (format_ == CodeFormat::kFunction && (options.count("compare") || options.count("tolerance")))
    throw ScorerConfigError("scorer 'code': compare and tolerance apply to format: stdio only");
}

CodeScorer::CodeScorer(const ScorerOptions& options, sandbox::Sandbox& sandbox) : CodeScorer(options) {
  sandbox_ = &sandbox;
}

int CodeScorer::concurrency() const {
  int lanes = sandbox_ ? sandbox_->lanes() : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return 2 * lanes;
}

Verdict CodeScorer::score(const std::string&, const std::string&) const {
  throw ScorerError("code scorer: scoring needs the item's tests (score_item)");
}

CodeProblem CodeScorer::problem(const nlohmann::json& item) const { return read_code_problem(item, format_, fields_); }

std::string CodeScorer::check_item(const nlohmann::json& item) const {
  try {
    problem(item);
    return "";
  } catch (const std::invalid_argument& e) {
    return std::string("code scorer: ") + e.what();
  }
}

std::optional<std::string> CodeScorer::extract(const std::string& completion) const {
  return extract_code(completion, kPythonFences, fallback_);
}

std::vector<sandbox::Job> CodeScorer::jobs(const std::string& code, const CodeProblem& problem) const {
  std::vector<sandbox::Job> out;
  for (std::size_t i = 0; i < problem.size(); ++i) {
    sandbox::Job job;
    job.id = "test " + std::to_string(i);
    job.timeout_ms = timeout_ms_;
    job.memory_mb = memory_mb_;
    if (problem.format == CodeFormat::kFunction) {
      job.code = problem.prefix;
      if (!job.code.empty() && job.code.back() != '\n') job.code += '\n';
      job.code += code;
      job.code += "\n\n";
      job.code += problem.programs[i];
      job.code += '\n';
      job.call = problem.call;
    } else {
      job.code = code;
      job.input = problem.io[i].input;
      // Room for the expected output twice over (a wrong answer's excerpt), at least 1 MiB.
      job.output_limit_bytes =
          std::max<long>(job.output_limit_bytes, static_cast<long>(problem.io[i].output.size()) * 2 + (64 << 10));
    }
    out.push_back(std::move(job));
  }
  return out;
}

Verdict CodeScorer::judge(const std::optional<std::string>& code, const CodeProblem& problem,
                          const std::vector<sandbox::ExecResult>& results) const {
  Verdict v;
  v.extracted = code;
  nlohmann::json d = {{"format", format_ == CodeFormat::kFunction ? "function" : "stdio"},
                      {"tests_total", problem.size()},
                      {"tests_passed", 0},
                      {"statuses", nlohmann::json::array()},
                      {"first_failure", nullptr}};
  if (!code) {
    d["first_failure"] = {{"test", nullptr}, {"status", "no_code"}, {"message", "no code found in the answer"}};
    v.details = std::move(d);
    return v;
  }
  int passed = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    const StdioTest* io = problem.format == CodeFormat::kStdio ? &problem.io[i] : nullptr;
    std::string status = test_status(problem.format, r, io, compare_, tolerance_);
    d["statuses"].push_back(status);
    if (status == "passed") {
      ++passed;
      continue;
    }
    if (!d["first_failure"].is_null()) continue;
    nlohmann::json f = {{"test", i}, {"status", status}};
    if (!r.error_type.empty()) f["error_type"] = valid_utf8(r.error_type);
    std::string message = r.error_message;
    if (status == "wrong_answer" && io) message = "the output differs from the expected output";
    if (!message.empty()) f["message"] = head(message);
    f["output"] = head(r.stdout_text);
    if (!r.stderr_text.empty()) f["stderr"] = tail(r.stderr_text);
    if (status == "wrong_answer" && io) f["expected"] = head(io->output);
    d["first_failure"] = std::move(f);
  }
  d["tests_passed"] = passed;
  v.correct = passed == static_cast<int>(problem.size()) && problem.size() > 0;
  v.score = v.correct ? 1.0 : 0.0;
  v.details = std::move(d);
  return v;
}

Verdict CodeScorer::score_item(const ScoringInput& input) const {
  CodeProblem p;
  try {
    p = problem(input.item);
  } catch (const std::invalid_argument& e) {
    throw ScorerError(std::string("code scorer: ") + e.what());
  }
  auto code = extract(input.completion);
  if (!code) return judge(code, p, {});
  sandbox::Sandbox* box = sandbox_;
  std::string error;
  if (!box) box = LazySandbox::code_pool().get(error);
  if (!box) throw ScorerError("code scorer: the sandbox cannot start: " + error);
  std::vector<sandbox::ExecResult> results;
  try {
    results = box->run_batch(jobs(*code, p));
  } catch (const sandbox::SandboxError& e) {
    throw ScorerError(std::string("code scorer: ") + e.what());
  }
  return judge(code, p, results);
}

}  // namespace gauntlet::verifiers
