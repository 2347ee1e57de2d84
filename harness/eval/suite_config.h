#pragma once
// SuiteConfig: a benchmark suite file (YAML) naming models, judges (for `scorer: judge`) and tasks.
// Validated on load: every error names file:line and the key; unknown keys are errors.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"
#include "harness/clients/model_spec.h"
#include "harness/judges/judge_config.h"

namespace gauntlet::harness {

// `scorer: judge`: how a task's answers are graded by judge models (harness/judges/).
struct JudgeScoring {
  std::vector<std::string> judges;  // names from the suite's `judges:`, asked in parallel
  // The judge's prompt: {question} (the task's prompt as sent), {reference}, {answer} (the model's
  // final text), and any dataset field by its name or as {item.<name>}.
  std::string prompt;
  std::string system;               // optional system message (same fields)
  nlohmann::json grade;             // a GradePattern in JSON: {"pattern", "choices" | "range", "pass"}
  std::string aggregate = "majority";  // | "mean" (judges/judge_panel.h)
  std::string reply_format;         // how the grade must be given, repeated after an unreadable reply

  nlohmann::json to_json() const;
};

struct TaskConfig {
  std::string name;
  std::filesystem::path dataset;     // resolved against the suite file's folder
  std::string prompt;                // "{field}" template for the user message (or raw prompt)
  std::string system;                // optional system message
  std::string answer_field = "answer";
  std::string id_field;              // "" = row number
  std::string scorer = "exact";
  std::map<std::string, std::string> scorer_options;
  int samples = 1;
  std::vector<int> pass_at_k;        // empty = default ks
  int limit = 0;                     // first N items only (0 = all)
  SamplingParams params;             // overrides the model's
  std::optional<JudgeScoring> judge; // set exactly when scorer is "judge"
  int line = 0;                      // where the task is defined, for later errors

  nlohmann::json fingerprint_json() const;  // excludes samples, limit, pass_at_k, dataset location
};

// What a sample whose prompt does not fit the model's context becomes: an error (counted in
// `errors`, retried by the next run) or a wrong answer (scored 0); either way finish_reason "context".
enum class ContextOverflowPolicy { kError, kWrong };

struct SuiteConfig {
  std::filesystem::path path;
  std::string name;
  std::vector<ModelSpec> models;
  std::vector<JudgeConfig> judges;   // for tasks with scorer: judge
  std::vector<TaskConfig> tasks;
  bool cache = true;                 // response cache in the run database
  std::filesystem::path cache_path;  // set: a separate cache database shared across runs
  double progress_interval_s = 30.0; // plain progress line period when stderr is not a TTY
  ContextOverflowPolicy context_overflow = ContextOverflowPolicy::kError;  // `context_overflow: error | wrong`
};

// Throws ConfigError (file:line: key: problem).
SuiteConfig load_suite(const std::filesystem::path& path);

}  // namespace gauntlet::harness
