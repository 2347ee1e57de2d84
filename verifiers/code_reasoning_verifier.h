#pragma once
// CodeReasoningVerifier: checks answers to the three code-reasoning questions (the task types of
// Absolute Zero), running code only in the sandbox and comparing values with CodeOutputVerifier:
//   output prediction (deduction): the predicted value equals the gold output;
//   input prediction (abduction): the predicted input is one call's worth of plain literals, and
//     the program called on it returns a value equal to the gold output;
//   program from examples (induction): the predicted program, called on each input in a fresh
//     process, returns a value equal to that input's gold output, for every input.
// Programs run as jobs whose call is f(<input>); their results are compared in separate jobs that
// run only the verifier's code, so a program can fail its own check but never forge a verdict.
#include <atomic>
#include <string>
#include <vector>

#include "sandbox/sandbox.h"
#include "verifiers/code_output_verifier.h"

namespace gauntlet::verifiers {

struct CodeLimits {
  int timeout_ms = 10000;  // CPU per program run
  int memory_mb = 512;
};

struct CodeVerdict {
  bool correct = false;
  // "" when correct; otherwise not_equal, bad_input (abduction), or the run's failure (timeout,
  // error, memory, ...), with the details after ": ".
  std::string reason;
};

struct OutputPrediction {
  std::string gold_output;
  std::string predicted_output;
};

struct InputPrediction {
  std::string program;
  std::string gold_output;
  std::string predicted_input;
};

struct ProgramPrediction {
  std::string program;                    // the prediction: defines f
  std::vector<std::string> inputs;        // argument lists
  std::vector<std::string> gold_outputs;  // one per input
};

class CodeReasoningVerifier {
 public:
  CodeReasoningVerifier(sandbox::Sandbox& sandbox, CodeLimits limits);

  std::vector<CodeVerdict> check(const std::vector<OutputPrediction>& predictions);
  std::vector<CodeVerdict> check(const std::vector<InputPrediction>& predictions);
  std::vector<CodeVerdict> check(const std::vector<ProgramPrediction>& predictions);

  // Sandbox jobs run so far (program runs and comparison jobs).
  long executions() const { return executions_.load() + values_.executions(); }

 private:
  sandbox::Job call_job(const std::string& program, const std::string& input) const;

  sandbox::Sandbox& sandbox_;
  CodeLimits limits_;
  CodeOutputVerifier values_;
  std::atomic<long> executions_{0};
};

}  // namespace gauntlet::verifiers
