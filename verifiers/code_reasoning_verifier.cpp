#include "verifiers/code_reasoning_verifier.h"

#include "verifiers/exec_outcome.h"

namespace gauntlet::verifiers {
namespace {

CodeVerdict failed(const ExecOutcome& o) { return {false, o.reason + (o.detail.empty() ? "" : ": " + o.detail)}; }

}  // namespace

CodeReasoningVerifier::CodeReasoningVerifier(sandbox::Sandbox& sandbox, CodeLimits limits)
    : sandbox_(sandbox), limits_(limits), values_(sandbox) {}

sandbox::Job CodeReasoningVerifier::call_job(const std::string& program, const std::string& input) const {
  sandbox::Job job;
  job.id = "code-reasoning";
  job.code = program;
  job.call = "f(" + input + ")";
  job.timeout_ms = limits_.timeout_ms;
  job.memory_mb = limits_.memory_mb;
  return job;
}

std::vector<CodeVerdict> CodeReasoningVerifier::check(const std::vector<OutputPrediction>& predictions) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& p : predictions) pairs.emplace_back(p.gold_output, p.predicted_output);
  auto equal = values_.equal(pairs);
  std::vector<CodeVerdict> out(predictions.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = equal[i] ? CodeVerdict{true, ""} : CodeVerdict{false, "not_equal"};
  return out;
}

std::vector<CodeVerdict> CodeReasoningVerifier::check(const std::vector<InputPrediction>& predictions) {
  std::vector<CodeVerdict> out(predictions.size());
  std::vector<std::string> inputs;
  for (const auto& p : predictions) inputs.push_back(p.predicted_input);
  auto literal = values_.literal_arguments(inputs);
  std::vector<sandbox::Job> jobs;
  std::vector<std::size_t> ran;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    if (!literal[i].empty()) {
      out[i] = {false, "bad_input: " + literal[i]};
      continue;
    }
    jobs.push_back(call_job(predictions[i].program, predictions[i].predicted_input));
    ran.push_back(i);
  }
  executions_ += static_cast<long>(jobs.size());
  auto results = sandbox_.run_batch(jobs);
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::size_t> compared;
  for (std::size_t k = 0; k < ran.size(); ++k) {
    auto outcome = exec_outcome(results[k]);
    if (!outcome.ok()) {
      out[ran[k]] = failed(outcome);
      continue;
    }
    pairs.emplace_back(predictions[ran[k]].gold_output, *results[k].return_repr);
    compared.push_back(ran[k]);
  }
  auto equal = values_.equal(pairs);
  for (std::size_t k = 0; k < compared.size(); ++k)
    out[compared[k]] = equal[k] ? CodeVerdict{true, ""} : CodeVerdict{false, "not_equal"};
  return out;
}

std::vector<CodeVerdict> CodeReasoningVerifier::check(const std::vector<ProgramPrediction>& predictions) {
  std::vector<CodeVerdict> out(predictions.size(), CodeVerdict{true, ""});
  std::vector<sandbox::Job> jobs;
  std::vector<std::pair<std::size_t, std::size_t>> owner;  // (prediction, input)
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const auto& p = predictions[i];
    if (p.inputs.empty() || p.inputs.size() != p.gold_outputs.size()) {
      out[i] = {false, "no_examples: nothing to check the program on"};
      continue;
    }
    for (std::size_t k = 0; k < p.inputs.size(); ++k) {
      jobs.push_back(call_job(p.program, p.inputs[k]));
      owner.emplace_back(i, k);
    }
  }
  executions_ += static_cast<long>(jobs.size());
  auto results = sandbox_.run_batch(jobs);
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::size_t> compared;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    auto [i, k] = owner[j];
    if (!out[i].correct) continue;  // already failed on an earlier input
    auto outcome = exec_outcome(results[j]);
    if (!outcome.ok()) {
      out[i] = failed(outcome);
      continue;
    }
    pairs.emplace_back(predictions[i].gold_outputs[k], *results[j].return_repr);
    compared.push_back(i);
  }
  auto equal = values_.equal(pairs);
  for (std::size_t j = 0; j < compared.size(); ++j)
    if (!equal[j] && out[compared[j]].correct) out[compared[j]] = {false, "not_equal"};
  return out;
}

}  // namespace gauntlet::verifiers
