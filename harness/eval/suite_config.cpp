#include "harness/eval/suite_config.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/errors/errors.h"
#include "harness/input/yaml_reader.h"
#include "harness/eval/prompt_template.h"
#include "harness/clients/routing_config.h"
#include "verifiers/scorer.h"

namespace gauntlet::harness {
namespace {

ModelConfig read_model_fields(const YAML::Node& node, const std::string& file, const std::string& where) {
  MapReader r(node, file, where);
  ModelConfig m;
  m.name = r.req_string("name");
  m.provider = r.opt<std::string>("provider").value_or("openai");
  if (m.provider != "openai" && m.provider != "toy" && m.provider != "engine")
    r.fail(r.node()["provider"], r.path("provider"),
           fmt::format("unknown provider '{}' (valid: openai, toy, engine)", m.provider));
  if (r.has("base_url")) m.base_urls.push_back(r.req<std::string>("base_url"));
  else r.get("base_url");
  if (r.has("base_urls")) {
    auto n = r.get("base_urls");
    if (!n.IsSequence() || n.size() == 0) r.fail(n, r.path("base_urls"), "expected a non-empty list of URLs");
    for (const auto& e : n) {
      if (!e.IsScalar()) r.fail(e, r.path("base_urls"), "expected a non-empty list of URLs");
      m.base_urls.push_back(e.as<std::string>());
    }
  } else {
    r.get("base_urls");
  }
  for (auto& url : m.base_urls) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      r.fail(r.node(), r.path("base_url"), fmt::format("'{}' is not an http(s) URL", url));
  }
  if (m.provider == "openai" && m.base_urls.empty())
    r.fail(r.node(), r.path("base_url"), "the openai provider needs base_url or base_urls");
  m.model_id = r.opt<std::string>("model").value_or(m.name);
  m.api_key_env = r.opt<std::string>("api_key_env").value_or("");
  auto endpoint = r.opt<std::string>("endpoint").value_or("chat");
  if (endpoint == "chat") m.endpoint = Endpoint::kChat;
  else if (endpoint == "completions") m.endpoint = Endpoint::kCompletions;
  else r.fail(r.node()["endpoint"], r.path("endpoint"), fmt::format("'{}' is not chat or completions", endpoint));
  m.stream = r.opt<bool>("stream").value_or(false);
  auto max_tokens_param = r.opt<std::string>("max_tokens_param").value_or("max_tokens");
  if (max_tokens_param == "max_completion_tokens") m.use_max_completion_tokens = true;
  else if (max_tokens_param != "max_tokens")
    r.fail(r.node()["max_tokens_param"], r.path("max_tokens_param"),
           fmt::format("'{}' is not max_tokens or max_completion_tokens", max_tokens_param));
  m.concurrency = r.opt<int>("concurrency").value_or(m.concurrency);
  m.min_concurrency = r.opt<int>("min_concurrency").value_or(m.min_concurrency);
  m.timeout_s = r.opt<double>("timeout").value_or(m.timeout_s);
  m.max_retries = r.opt<int>("max_retries").value_or(m.max_retries);
  m.backoff_initial_s = r.opt<double>("backoff_initial").value_or(m.backoff_initial_s);
  m.backoff_max_s = r.opt<double>("backoff_max").value_or(m.backoff_max_s);
  m.endpoint_cooldown_s = r.opt<double>("endpoint_cooldown").value_or(m.endpoint_cooldown_s);
  m.chat_template_kwargs = read_json_block(r, "chat_template_kwargs", nullptr);
  m.extra_body = read_json_block(r, "extra_body", nlohmann::json::object());
  m.params = read_params(r, "params");
  if (auto path = r.opt<std::string>("path")) {
    std::filesystem::path p(*path);
    m.model_path = p.is_absolute() ? p : std::filesystem::path(file).parent_path() / p;
  }
  m.threads = r.opt<int>("threads").value_or(m.threads);
  m.routing = read_routing_block(r, "routing", std::filesystem::path(file).parent_path());
  if (!m.routing.is_null() && m.provider != "engine")
    r.fail(r.node()["routing"], r.path("routing"), "routing controls need the engine provider");
  if (m.threads < 0) r.fail(r.node()["threads"], r.path("threads"), "must be >= 0 (0: all cores)");
  if (m.provider == "engine") {
    if (m.model_path.empty()) r.fail(r.node(), r.path("path"), "the engine provider needs path: a model directory");
    if (!std::filesystem::is_directory(m.model_path))
      r.fail(r.node()["path"], r.path("path"), fmt::format("no such model directory: {}", m.model_path.string()));
    if (!m.base_urls.empty()) r.fail(r.node(), r.path("base_url"), "the engine provider takes no base_url");
  } else if (!m.model_path.empty()) {
    r.fail(r.node()["path"], r.path("path"), "path: is for the engine provider");
  }
  m.toy_accuracy = r.opt<double>("toy_accuracy").value_or(m.toy_accuracy);
  m.toy_nothink_accuracy = r.opt<double>("toy_nothink_accuracy").value_or(m.toy_nothink_accuracy);
  if (m.concurrency < 1) r.fail(r.node()["concurrency"], r.path("concurrency"), "must be >= 1");
  if (m.min_concurrency < 1 || m.min_concurrency > m.concurrency)
    r.fail(r.node()["min_concurrency"], r.path("min_concurrency"), "must be in 1..concurrency");
  if (m.timeout_s <= 0) r.fail(r.node()["timeout"], r.path("timeout"), "must be > 0 seconds");
  if (m.max_retries < 0) r.fail(r.node()["max_retries"], r.path("max_retries"), "must be >= 0");
  if (m.backoff_initial_s < 0 || m.backoff_max_s < m.backoff_initial_s)
    r.fail(r.node()["backoff_max"], r.path("backoff_max"), "need 0 <= backoff_initial <= backoff_max");
  if (m.toy_accuracy < 0 || m.toy_accuracy > 1)
    r.fail(r.node()["toy_accuracy"], r.path("toy_accuracy"), "must be in [0, 1]");
  if (m.toy_nothink_accuracy < 0 || m.toy_nothink_accuracy > 1)
    r.fail(r.node()["toy_nothink_accuracy"], r.path("toy_nothink_accuracy"), "must be in [0, 1]");
  if (m.provider == "toy" && !m.base_urls.empty())
    r.fail(r.node(), r.path("base_url"), "the toy provider takes no base_url");
  r.finish();
  return m;
}

TaskConfig read_task(const YAML::Node& node, const std::string& file, const std::filesystem::path& base,
                     std::size_t index) {
  MapReader r(node, file, fmt::format("tasks[{}]", index));
  TaskConfig t;
  t.line = node.Mark().line + 1;
  t.name = r.req_string("name");
  auto dataset = r.req_string("dataset");
  t.dataset = std::filesystem::path(dataset).is_absolute() ? std::filesystem::path(dataset) : base / dataset;
  if (!std::filesystem::is_regular_file(t.dataset))
    r.fail(r.node()["dataset"], r.path("dataset"), fmt::format("no such file: {}", t.dataset.string()));
  t.prompt = r.req_string("prompt");
  try {
    PromptTemplate check(t.prompt);
  } catch (const std::invalid_argument& e) {
    r.fail(r.node()["prompt"], r.path("prompt"), e.what());
  }
  t.system = r.opt<std::string>("system").value_or("");
  try {
    PromptTemplate check(t.system);
  } catch (const std::invalid_argument& e) {
    r.fail(r.node()["system"], r.path("system"), e.what());
  }
  t.answer_field = r.opt<std::string>("answer_field").value_or(t.answer_field);
  t.id_field = r.opt<std::string>("id_field").value_or("");
  t.scorer = r.opt<std::string>("scorer").value_or(t.scorer);
  const auto& scorers = verifiers::scorer_option_keys();
  if (!scorers.count(t.scorer)) {
    std::string valid;
    for (const auto& [k, v] : scorers) valid += (valid.empty() ? "" : ", ") + k;
    r.fail(r.node()["scorer"], r.path("scorer"), fmt::format("unknown scorer '{}' (valid: {})", t.scorer, valid));
  }
  if (r.has("scorer_options")) {
    auto n = r.get("scorer_options");
    if (!n.IsMap()) r.fail(n, r.path("scorer_options"), "expected a mapping");
    for (const auto& kv : n) {
      if (!kv.second.IsScalar())
        r.fail(kv.second, r.path("scorer_options." + kv.first.as<std::string>()), "expected a single value");
      t.scorer_options[kv.first.as<std::string>()] = kv.second.Scalar();
    }
    try {
      verifiers::make_scorer(t.scorer, t.scorer_options);
    } catch (const verifiers::ScorerConfigError& e) {
      r.fail(n, r.path("scorer_options"), e.what());
    }
  } else {
    r.get("scorer_options");
    try {
      verifiers::make_scorer(t.scorer, t.scorer_options);
    } catch (const verifiers::ScorerConfigError& e) {
      r.fail(r.node(), r.path("scorer_options"), e.what());
    }
  }
  t.samples = r.opt<int>("samples").value_or(1);
  if (t.samples < 1) r.fail(r.node()["samples"], r.path("samples"), "must be >= 1");
  if (r.has("pass_at_k")) {
    auto n = r.get("pass_at_k");
    if (!n.IsSequence()) r.fail(n, r.path("pass_at_k"), "expected a list of integers");
    for (const auto& e : n) {
      int k = 0;
      try {
        k = e.as<int>();
      } catch (const YAML::Exception&) {
        r.fail(e, r.path("pass_at_k"), fmt::format("'{}' is not an integer", e.Scalar()));
      }
      if (k < 1 || k > t.samples)
        r.fail(e, r.path("pass_at_k"), fmt::format("k={} must be in 1..samples ({})", k, t.samples));
      t.pass_at_k.push_back(k);
    }
  } else {
    r.get("pass_at_k");
  }
  t.limit = r.opt<int>("limit").value_or(0);
  if (t.limit < 0) r.fail(r.node()["limit"], r.path("limit"), "must be >= 0");
  t.params = read_params(r, "params");
  r.finish();
  return t;
}

}  // namespace

ModelConfig read_model_config(const YAML::Node& node, const std::string& file, const std::string& where) {
  return read_model_fields(node, file, where);
}

nlohmann::json params_to_json(const SamplingParams& p) {
  nlohmann::json j = nlohmann::json::object();
  if (p.temperature) j["temperature"] = *p.temperature;
  if (p.top_p) j["top_p"] = *p.top_p;
  if (p.top_k) j["top_k"] = *p.top_k;
  if (p.min_p) j["min_p"] = *p.min_p;
  if (p.presence_penalty) j["presence_penalty"] = *p.presence_penalty;
  if (p.frequency_penalty) j["frequency_penalty"] = *p.frequency_penalty;
  if (p.seed) j["seed"] = *p.seed;
  if (p.max_tokens) j["max_tokens"] = *p.max_tokens;
  if (!p.stop.empty()) j["stop"] = p.stop;
  if (p.logprobs) j["logprobs"] = true;
  if (p.top_logprobs) j["top_logprobs"] = *p.top_logprobs;
  return j;
}

SamplingParams merge_params(const SamplingParams& base, const SamplingParams& over) {
  SamplingParams p = base;
  if (over.temperature) p.temperature = over.temperature;
  if (over.top_p) p.top_p = over.top_p;
  if (over.top_k) p.top_k = over.top_k;
  if (over.min_p) p.min_p = over.min_p;
  if (over.presence_penalty) p.presence_penalty = over.presence_penalty;
  if (over.frequency_penalty) p.frequency_penalty = over.frequency_penalty;
  if (over.seed) p.seed = over.seed;
  if (over.max_tokens) p.max_tokens = over.max_tokens;
  if (!over.stop.empty()) p.stop = over.stop;
  if (over.logprobs) p.logprobs = true;
  if (over.top_logprobs) p.top_logprobs = over.top_logprobs;
  return p;
}

nlohmann::json ModelConfig::fingerprint_json() const {
  nlohmann::json j = {{"provider", provider},
                      {"model", model_id},
                      {"endpoint", endpoint == Endpoint::kChat ? "chat" : "completions"},
                      {"params", params_to_json(params)},
                      {"extra_body", extra_body},
                      {"chat_template_kwargs", chat_template_kwargs}};
  if (provider == "toy") j["toy"] = {toy_accuracy, toy_nothink_accuracy};
  if (provider == "engine") j["path"] = std::filesystem::absolute(model_path).lexically_normal().string();
  if (auto routing_key = routing_fingerprint(routing); !routing_key.is_null()) j["routing"] = routing_key;
  return j;
}

nlohmann::json TaskConfig::fingerprint_json() const {
  return {{"prompt", prompt},         {"system", system},
          {"answer_field", answer_field}, {"id_field", id_field},
          {"scorer", scorer},         {"scorer_options", scorer_options},
          {"params", params_to_json(params)}};
}

SuiteConfig load_suite(const std::filesystem::path& path) {
  const std::string file = path.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw ConfigError(file, 0, "file", "cannot read the suite file");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(file, e.mark.line + 1, "yaml", e.msg);
  }
  if (!root || root.IsNull()) throw ConfigError(file, 0, "file", "the suite file is empty");
  MapReader r(root, file, "");
  SuiteConfig suite;
  suite.path = std::filesystem::absolute(path);
  const auto base = suite.path.parent_path();
  suite.name = r.opt<std::string>("name").value_or(path.stem().string());
  if (r.has("cache")) {
    auto n = r.get("cache");
    std::string lower = n.IsScalar() ? n.Scalar() : "";
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "true" || lower == "yes" || lower == "on" || lower == "false" || lower == "no" || lower == "off") {
      suite.cache = lower == "true" || lower == "yes" || lower == "on";
    } else if (n.IsScalar()) {
      suite.cache_path = std::filesystem::path(n.Scalar()).is_absolute() ? std::filesystem::path(n.Scalar())
                                                                           : base / n.Scalar();
    } else {
      r.fail(n, "cache", "expected true, false or a path to a cache database");
    }
  } else {
    r.get("cache");
  }
  suite.progress_interval_s = r.opt<double>("progress_interval").value_or(suite.progress_interval_s);
  if (suite.progress_interval_s <= 0) r.fail(root["progress_interval"], "progress_interval", "must be > 0 seconds");

  auto models = r.get("models");
  if (!models || !models.IsSequence() || models.size() == 0)
    r.fail(models ? models : root, "models", "expected a non-empty list of models");
  std::set<std::string> model_names;
  for (std::size_t i = 0; i < models.size(); ++i) {
    suite.models.push_back(read_model_config(models[i], file, fmt::format("models[{}]", i)));
    if (!model_names.insert(suite.models.back().name).second)
      r.fail(models[i], fmt::format("models[{}].name", i), fmt::format("duplicate model name '{}'", suite.models.back().name));
  }
  auto tasks = r.get("tasks");
  if (!tasks || !tasks.IsSequence() || tasks.size() == 0)
    r.fail(tasks ? tasks : root, "tasks", "expected a non-empty list of tasks");
  std::set<std::string> task_names;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    suite.tasks.push_back(read_task(tasks[i], file, base, i));
    if (!task_names.insert(suite.tasks.back().name).second)
      r.fail(tasks[i], fmt::format("tasks[{}].name", i), fmt::format("duplicate task name '{}'", suite.tasks.back().name));
  }
  r.finish();
  return suite;
}

}  // namespace gauntlet::harness
