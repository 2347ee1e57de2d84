#pragma once
// `code` scorer: runs the candidate's code against the item's tests in the sandbox (never anywhere
// else) and scores 1 when every test passes, else 0 (pass@k as for any scorer).
//   format: function   each test is one job: prefix + code + the test program, then the call
//                      (check(<entry point>) or None); a test passes when the call returns, so a
//                      program that exits early (sys.exit, os._exit) never passes.
//   format: stdio      each test is one job: the code with the test's stdin; it passes when the
//                      program ends with status 0 and its stdout matches (output_match.h).
// The code is the last fenced block in the language (else the last block without one), else the
// whole answer (extract: block_or_answer) or nothing (extract: block). The tests of one sample run
// on all lanes of the pool at once, each under its own CPU time and memory limits.
// Details stored with the sample: {"format", "tests_total", "tests_passed", "statuses": [per test],
// "first_failure": null | {"test", "status", "error_type", "message", "output", "stderr",
// "expected" (stdio wrong answers)}}; statuses: passed, wrong_answer, error, timeout, memory,
// output_limit, forbidden_syscall, crash, no_result (and no_code when nothing was extracted).
#include <string>
#include <vector>

#include "sandbox/sandbox.h"
#include "verifiers/code_extraction.h"
#include "verifiers/code_problem.h"
#include "verifiers/output_match.h"
#include "verifiers/scorer.h"

namespace gauntlet::verifiers {

class CodeScorer : public Scorer {
 public:
  // Options: format = function | stdio (default function); language = python; extract =
  // block_or_answer | block; tests_field (default "tests"); prefix_field (default none);
  // entry_point_field (default "entry_point"; "" = none); timeout_ms (CPU per test, default 5000);
  // memory_mb (per test, default 512); compare = whitespace | exact | float (stdio, default
  // whitespace); tolerance (float, default 1e-6). Runs on LazySandbox::code_pool(), started on first use.
  explicit CodeScorer(const ScorerOptions& options);
  // The same on a given pool (tests, benchmarks).
  CodeScorer(const ScorerOptions& options, sandbox::Sandbox& sandbox);

  // Throws ScorerError: the code scorer needs the item's tests (score_item).
  Verdict score(const std::string& completion, const std::string& reference) const override;
  // Throws ScorerError when the item's tests cannot be read or the sandbox cannot run them (the
  // sample is then an error, retried by the next run, never a wrong answer).
  Verdict score_item(const ScoringInput& input) const override;
  std::string check_item(const nlohmann::json& item) const override;
  std::string name() const override { return "code"; }
  // Two samples per lane of the pool, so lanes never wait for a sample's results to be read.
  int concurrency() const override;
  bool checks_without_reference() const override { return true; }  // the item's tests decide

  // The jobs score_item runs for `code` (one per test, in order): for tools that run them elsewhere.
  std::vector<sandbox::Job> jobs(const std::string& code, const CodeProblem& problem) const;
  CodeProblem problem(const nlohmann::json& item) const;  // throws std::invalid_argument
  std::optional<std::string> extract(const std::string& completion) const;
  // The verdict for the results of jobs(); `code` nullopt when nothing was extracted.
  Verdict judge(const std::optional<std::string>& code, const CodeProblem& problem,
                const std::vector<sandbox::ExecResult>& results) const;

 private:
  CodeFormat format_ = CodeFormat::kFunction;
  CodeFallback fallback_ = CodeFallback::kWholeAnswer;
  CodeFields fields_;
  int timeout_ms_ = 5000;
  int memory_mb_ = 512;
  OutputComparison compare_ = OutputComparison::kWhitespace;
  double tolerance_ = 1e-6;
  sandbox::Sandbox* sandbox_ = nullptr;  // nullptr: LazySandbox::code_pool()
};

}  // namespace gauntlet::verifiers
