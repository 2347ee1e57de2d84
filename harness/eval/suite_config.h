#pragma once
// SuiteConfig: a benchmark suite file (YAML) naming models and tasks. Validated on load: every
// error names file:line and the key; unknown keys are errors.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"

namespace YAML {
class Node;
}

namespace gauntlet::harness {

struct ModelConfig {
  std::string name;                  // the suite's name for it; the store's key
  std::string provider = "openai";   // openai | toy | engine
  // openai provider
  std::vector<std::string> base_urls;  // e.g. http://127.0.0.1:8000/v1 (an endpoint pool when several)
  std::string model_id;              // "model" sent to the server; defaults to name
  std::string api_key_env;           // environment variable holding the key ("" = no key)
  Endpoint endpoint = Endpoint::kChat;
  bool stream = false;
  bool use_max_completion_tokens = false;
  int concurrency = 16;              // starting and maximum in-flight requests
  int min_concurrency = 1;
  double timeout_s = 300.0;          // per attempt
  int max_retries = 6;               // attempts = max_retries + 1
  double backoff_initial_s = 1.0;
  double backoff_max_s = 60.0;
  double endpoint_cooldown_s = 30.0; // a failing endpoint is skipped this long
  nlohmann::json chat_template_kwargs;  // null = not sent
  nlohmann::json extra_body = nlohmann::json::object();
  SamplingParams params;             // defaults for every task
  // engine provider (the in-tree MoE engine on a local Hugging Face checkpoint directory)
  std::filesystem::path model_path;
  int threads = 1;
  nlohmann::json routing;            // canonical routing controls (harness/clients/routing_config.h); null = none
  // toy provider (a deterministic arithmetic solver, for demos and tests without a network)
  double toy_accuracy = 0.8;
  double toy_nothink_accuracy = 0.1;

  // Everything that changes what the model returns (not transport: urls, concurrency, retries, timeouts).
  nlohmann::json fingerprint_json() const;
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
  int line = 0;                      // where the task is defined, for later errors

  nlohmann::json fingerprint_json() const;  // excludes samples, limit, pass_at_k, dataset location
};

struct SuiteConfig {
  std::filesystem::path path;
  std::string name;
  std::vector<ModelConfig> models;
  std::vector<TaskConfig> tasks;
  bool cache = true;                 // response cache in the run database
  std::filesystem::path cache_path;  // set: a separate cache database shared across runs
  double progress_interval_s = 30.0; // plain progress line period when stderr is not a TTY
};

// Throws ConfigError (file:line: key: problem).
SuiteConfig load_suite(const std::filesystem::path& path);

// Merges task params over model params (task wins field by field).
SamplingParams merge_params(const SamplingParams& base, const SamplingParams& over);
nlohmann::json params_to_json(const SamplingParams& p);

// One model mapping (the keys of a suite's models[] entry), for other config formats that name
// models too. `where` is the key path used in error messages, e.g. "players[2].model".
ModelConfig read_model_config(const YAML::Node& node, const std::string& file, const std::string& where);

}  // namespace gauntlet::harness
