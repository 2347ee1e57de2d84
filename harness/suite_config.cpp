#include "harness/suite_config.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/errors.h"
#include "harness/prompt_template.h"
#include "verifiers/scorer.h"

namespace gauntlet::harness {
namespace {

// Reads one YAML mapping, remembering which keys were consumed so leftovers are reported.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string file, std::string where)
      : node_(node), file_(std::move(file)), where_(std::move(where)) {
    if (!node.IsMap()) fail(node, where_, "expected a mapping");
  }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& what) const {
    // A key that is absent (a check on its default) has no position: report the mapping's line.
    const YAML::Node& pos = at.IsDefined() ? at : node_;
    throw ConfigError(file_, pos.Mark().line >= 0 ? pos.Mark().line + 1 : 0, key, what);
  }
  std::string path(const std::string& key) const { return where_.empty() ? key : where_ + "." + key; }

  YAML::Node get(const std::string& key) {
    seen_.insert(key);
    return node_[key];
  }
  bool has(const std::string& key) const { return node_[key] && !node_[key].IsNull(); }

  template <typename T>
  std::optional<T> opt(const std::string& key) {
    auto n = get(key);
    if (!n || n.IsNull()) return std::nullopt;
    if (!n.IsScalar()) fail(n, path(key), "expected a single value");
    try {
      return n.as<T>();
    } catch (const YAML::Exception&) {
      fail(n, path(key), fmt::format("cannot read '{}' as {}", n.Scalar(), type_name<T>()));
    }
  }
  template <typename T>
  T req(const std::string& key) {
    auto v = opt<T>(key);
    if (!v) fail(node_, path(key), "required key is missing");
    return *v;
  }
  std::string req_string(const std::string& key) {
    auto v = req<std::string>(key);
    if (v.empty()) fail(node_[key], path(key), "must not be empty");
    return v;
  }
  // All keys must have been read; any other key is an error (a typo should never be ignored).
  void finish(const std::vector<std::string>& extra_valid = {}) const {
    for (const auto& kv : node_) {
      auto key = kv.first.as<std::string>();
      if (!seen_.count(key)) {
        std::string valid;
        for (const auto& k : seen_) valid += (valid.empty() ? "" : ", ") + k;
        for (const auto& k : extra_valid) valid += ", " + k;
        fail(kv.first, path(key), fmt::format("unknown key (valid here: {})", valid));
      }
    }
  }
  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }

 private:
  template <typename T>
  static const char* type_name() {
    if constexpr (std::is_same_v<T, bool>) return "true/false";
    else if constexpr (std::is_integral_v<T>) return "an integer";
    else if constexpr (std::is_floating_point_v<T>) return "a number";
    else return "a string";
  }
  YAML::Node node_;
  std::string file_;
  std::string where_;
  std::set<std::string> seen_;
};

nlohmann::json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar: {
      if (n.Tag() == "!") return n.Scalar();  // quoted: keep as string
      const std::string& s = n.Scalar();
      if (s == "true" || s == "True") return true;
      if (s == "false" || s == "False") return false;
      try {
        std::size_t pos = 0;
        long long i = std::stoll(s, &pos);
        if (pos == s.size()) return i;
        double d = std::stod(s, &pos);
        if (pos == s.size()) return d;
      } catch (const std::exception&) {
      }
      return s;
    }
    case YAML::NodeType::Sequence: {
      auto a = nlohmann::json::array();
      for (const auto& e : n) a.push_back(yaml_to_json(e));
      return a;
    }
    case YAML::NodeType::Map: {
      auto o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return o;
    }
  }
  return nullptr;
}

SamplingParams read_params(MapReader& parent, const std::string& key) {
  SamplingParams p;
  if (!parent.has(key)) {
    parent.get(key);
    return p;
  }
  MapReader r(parent.get(key), parent.file(), parent.path(key));
  p.temperature = r.opt<double>("temperature");
  p.top_p = r.opt<double>("top_p");
  p.top_k = r.opt<int>("top_k");
  p.min_p = r.opt<double>("min_p");
  p.presence_penalty = r.opt<double>("presence_penalty");
  p.frequency_penalty = r.opt<double>("frequency_penalty");
  p.seed = r.opt<std::int64_t>("seed");
  p.max_tokens = r.opt<int>("max_tokens");
  if (r.has("stop")) {
    auto n = r.get("stop");
    if (n.IsScalar()) {
      p.stop.push_back(n.as<std::string>());
    } else if (n.IsSequence()) {
      for (const auto& e : n) {
        if (!e.IsScalar()) r.fail(e, r.path("stop"), "expected a string or a list of strings");
        p.stop.push_back(e.as<std::string>());
      }
    } else {
      r.fail(n, r.path("stop"), "expected a string or a list of strings");
    }
  } else {
    r.get("stop");
  }
  p.logprobs = r.opt<bool>("logprobs").value_or(false);
  p.top_logprobs = r.opt<int>("top_logprobs");
  auto check = [&](bool ok, const std::string& k, const std::string& what) {
    if (!ok) r.fail(r.node()[k], r.path(k), what);
  };
  if (p.temperature) check(*p.temperature >= 0, "temperature", "must be >= 0");
  if (p.top_p) check(*p.top_p > 0 && *p.top_p <= 1, "top_p", "must be in (0, 1]");
  if (p.max_tokens) check(*p.max_tokens > 0, "max_tokens", "must be > 0");
  if (p.top_logprobs) check(*p.top_logprobs >= 0 && *p.top_logprobs <= 20, "top_logprobs", "must be in 0..20");
  r.finish();
  return p;
}

nlohmann::json json_block(MapReader& r, const std::string& key, nlohmann::json fallback) {
  if (!r.has(key)) {
    r.get(key);
    return fallback;
  }
  auto n = r.get(key);
  if (!n.IsMap()) r.fail(n, r.path(key), "expected a mapping");
  return yaml_to_json(n);
}

ModelConfig read_model(const YAML::Node& node, const std::string& file, std::size_t index) {
  MapReader r(node, file, fmt::format("models[{}]", index));
  ModelConfig m;
  m.name = r.req_string("name");
  m.provider = r.opt<std::string>("provider").value_or("openai");
  if (m.provider != "openai" && m.provider != "toy")
    r.fail(r.node()["provider"], r.path("provider"), fmt::format("unknown provider '{}' (valid: openai, toy)", m.provider));
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
  m.chat_template_kwargs = json_block(r, "chat_template_kwargs", nullptr);
  m.extra_body = json_block(r, "extra_body", nlohmann::json::object());
  m.params = read_params(r, "params");
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
    suite.models.push_back(read_model(models[i], file, i));
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
