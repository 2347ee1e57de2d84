#include "harness/clients/model_spec_reader.h"

#include <filesystem>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/text/chat_template.h"
#include "engine/text/jinja/error.h"
#include "harness/budgets/policy_reader.h"
#include "harness/clients/routing_config.h"
#include "harness/digest/checkpoint_digest.h"
#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {

void read_policy_blocks(MapReader& r, const std::string& provider, bool sends_messages,
                        const std::filesystem::path& config_dir,
                        BudgetPolicy& budget, nlohmann::json& routing, const std::string& budget_key,
                        const std::string& routing_key) {
  if (!routing_key.empty()) {
    routing = read_routing_block(r, routing_key, config_dir);
    if (!routing.is_null() && provider != "engine")
      r.fail(r.node()[routing_key], r.path(routing_key), "routing controls need the engine provider");
  }
  if (!budget_key.empty()) {
    budget = read_budget_block(r, budget_key);
    if (budget.kind != BudgetKind::kNone && provider == "toy")
      r.fail(r.node()[budget_key], r.path(budget_key),
             fmt::format("budget policy '{}' needs the engine or openai provider", budget.name()));
    if (provider == "openai" && budget.kind == BudgetKind::kEmptyThink && !sends_messages)
      r.fail(r.node()[budget_key], r.path(budget_key),
             "budget policy 'empty_think' switches the chat template: it needs endpoint: chat or chat_template:");
  }
}

ModelSpec read_model_spec(const YAML::Node& node, const std::string& file, const std::string& where,
                          const std::string& default_name, const std::vector<std::string>& caller_keys) {
  MapReader r(node, file, where);
  for (const auto& key : caller_keys) r.get(key);
  ModelSpec m;
  if (default_name.empty() || r.has("name")) {
    m.name = r.req_string("name");
  } else {
    r.get("name");
    m.name = default_name;
  }
  const std::string provider = r.opt<std::string>("provider").value_or("openai");
  if (provider != "openai" && provider != "toy" && provider != "engine")
    r.fail(r.node()["provider"], r.path("provider"),
           fmt::format("unknown provider '{}' (valid: openai, toy, engine)", provider));
  // Every key is read whatever the provider (a config may carry keys another provider uses); each
  // lands in the settings of the provider that has it.
  OpenAISpec http;
  EngineSpec engine;
  ToySpec toy;
  if (r.has("base_url")) http.base_urls.push_back(r.req<std::string>("base_url"));
  else r.get("base_url");
  if (r.has("base_urls")) {
    auto n = r.get("base_urls");
    if (!n.IsSequence() || n.size() == 0) r.fail(n, r.path("base_urls"), "expected a non-empty list of URLs");
    for (const auto& e : n) {
      if (!e.IsScalar()) r.fail(e, r.path("base_urls"), "expected a non-empty list of URLs");
      http.base_urls.push_back(e.as<std::string>());
    }
  } else {
    r.get("base_urls");
  }
  for (auto& url : http.base_urls) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      r.fail(r.node(), r.path("base_url"), fmt::format("'{}' is not an http(s) URL", url));
  }
  if (provider == "openai" && http.base_urls.empty())
    r.fail(r.node(), r.path("base_url"), "the openai provider needs base_url or base_urls");
  m.model_id = r.opt<std::string>("model").value_or(m.name);
  http.api_key_env = r.opt<std::string>("api_key_env").value_or("");
  auto endpoint = r.opt<std::string>("endpoint").value_or("chat");
  if (endpoint == "chat") m.endpoint = Endpoint::kChat;
  else if (endpoint == "completions") m.endpoint = Endpoint::kCompletions;
  else r.fail(r.node()["endpoint"], r.path("endpoint"), fmt::format("'{}' is not chat or completions", endpoint));
  http.stream = r.opt<bool>("stream").value_or(false);
  auto max_tokens_param = r.opt<std::string>("max_tokens_param").value_or("max_tokens");
  if (max_tokens_param == "max_completion_tokens") http.use_max_completion_tokens = true;
  else if (max_tokens_param != "max_tokens")
    r.fail(r.node()["max_tokens_param"], r.path("max_tokens_param"),
           fmt::format("'{}' is not max_tokens or max_completion_tokens", max_tokens_param));
  m.concurrency = r.opt<int>("concurrency").value_or(m.concurrency);
  http.min_concurrency = r.opt<int>("min_concurrency").value_or(http.min_concurrency);
  http.timeout_s = r.opt<double>("timeout").value_or(http.timeout_s);
  http.max_retries = r.opt<int>("max_retries").value_or(http.max_retries);
  http.backoff_initial_s = r.opt<double>("backoff_initial").value_or(http.backoff_initial_s);
  http.backoff_max_s = r.opt<double>("backoff_max").value_or(http.backoff_max_s);
  http.endpoint_cooldown_s = r.opt<double>("endpoint_cooldown").value_or(http.endpoint_cooldown_s);
  m.chat_template_kwargs = read_json_block(r, "chat_template_kwargs", nullptr);
  m.extra_body = read_json_block(r, "extra_body", nlohmann::json::object());
  m.params = read_params(r, "params");
  const auto continuation = r.opt<std::string>("continuation");
  if (continuation) {
    if (provider != "openai")
      r.fail(r.node()["continuation"], r.path("continuation"), "continuation: is for the openai provider");
    if (*continuation == "completions") http.continuation = ContinuationMethod::kCompletions;
    else if (*continuation == "continue_final_message") http.continuation = ContinuationMethod::kContinueFinalMessage;
    else
      r.fail(r.node()["continuation"], r.path("continuation"),
             fmt::format("'{}' is not completions or continue_final_message", *continuation));
  }
  if (auto path = r.opt<std::string>("chat_template")) {
    std::filesystem::path p(*path);
    if (!p.is_absolute()) p = std::filesystem::path(file).parent_path() / p;
    const bool for_continuations = continuation && http.continuation == ContinuationMethod::kCompletions;
    if (provider != "openai" || (m.endpoint != Endpoint::kCompletions && !for_continuations))
      r.fail(r.node()["chat_template"], r.path("chat_template"),
             "chat_template renders prompts for an openai model with endpoint: completions (or, on endpoint: "
             "chat, the prompts of continuation: completions)");
    try {
      m.chat_template = std::make_shared<const engine::ChatTemplate>(engine::ChatTemplate::load(p));
    } catch (const std::exception& e) {  // TokenizerError (the file) or jinja::TemplateError (the template)
      r.fail(r.node()["chat_template"], r.path("chat_template"), e.what());
    }
  }
  if (auto path = r.opt<std::string>("path")) {
    std::filesystem::path p(*path);
    engine.model_path = p.is_absolute() ? p : std::filesystem::path(file).parent_path() / p;
  }
  engine.threads = r.opt<int>("threads").value_or(engine.threads);
  if (engine.threads < 0) r.fail(r.node()["threads"], r.path("threads"), "must be >= 0 (0: all cores)");
  if (provider == "engine") {
    if (engine.model_path.empty())
      r.fail(r.node(), r.path("path"), "the engine provider needs path: a model directory");
    std::error_code ec;  // a path the system refuses (too long, ...) is as missing as an absent one
    if (!std::filesystem::is_directory(engine.model_path, ec))
      r.fail(r.node()["path"], r.path("path"), fmt::format("no such model directory: {}", engine.model_path.string()));
    if (!http.base_urls.empty()) r.fail(r.node(), r.path("base_url"), "the engine provider takes no base_url");
    try {
      engine.checkpoint_digest = checkpoint_digest(engine.model_path);
    } catch (const std::exception& e) {
      r.fail(r.node()["path"], r.path("path"), e.what());
    }
  } else if (!engine.model_path.empty()) {
    r.fail(r.node()["path"], r.path("path"), "path: is for the engine provider");
  }
  if (provider == "openai") {
    // Without the key: our template's prompt when there is one (or the raw prompt of endpoint:
    // completions), else the server's own template through continue_final_message.
    if (!continuation)
      http.continuation = m.chat_template || m.endpoint == Endpoint::kCompletions ? ContinuationMethod::kCompletions
                                                                                  : ContinuationMethod::kContinueFinalMessage;
    else if (http.continuation == ContinuationMethod::kCompletions && m.endpoint == Endpoint::kChat && !m.chat_template)
      r.fail(r.node()["continuation"], r.path("continuation"),
             "continuation: completions on endpoint: chat needs chat_template: (it renders the conversation)");
    else if (http.continuation == ContinuationMethod::kContinueFinalMessage && !m.sends_messages())
      r.fail(r.node()["continuation"], r.path("continuation"),
             "continuation: continue_final_message needs the conversation's messages: endpoint: chat, or "
             "endpoint: completions with chat_template:");
  }
  if (r.has("vocab_size")) {
    http.vocab_size = r.req<std::int64_t>("vocab_size");
    if (provider != "openai") r.fail(r.node()["vocab_size"], r.path("vocab_size"), "vocab_size: is for the openai provider");
    if (http.vocab_size < 1) r.fail(r.node()["vocab_size"], r.path("vocab_size"), "must be >= 1");
  } else {
    r.get("vocab_size");
  }
  read_policy_blocks(r, provider, m.sends_messages(), std::filesystem::path(file).parent_path(), m.budget,
                     engine.routing);
  toy.accuracy = r.opt<double>("toy_accuracy").value_or(toy.accuracy);
  toy.nothink_accuracy = r.opt<double>("toy_nothink_accuracy").value_or(toy.nothink_accuracy);
  if (m.concurrency < 1) r.fail(r.node()["concurrency"], r.path("concurrency"), "must be >= 1");
  if (http.min_concurrency < 1 || http.min_concurrency > m.concurrency)
    r.fail(r.node()["min_concurrency"], r.path("min_concurrency"), "must be in 1..concurrency");
  if (http.timeout_s <= 0) r.fail(r.node()["timeout"], r.path("timeout"), "must be > 0 seconds");
  if (http.max_retries < 0) r.fail(r.node()["max_retries"], r.path("max_retries"), "must be >= 0");
  if (http.backoff_initial_s < 0 || http.backoff_max_s < http.backoff_initial_s)
    r.fail(r.node()["backoff_max"], r.path("backoff_max"), "need 0 <= backoff_initial <= backoff_max");
  if (toy.accuracy < 0 || toy.accuracy > 1)
    r.fail(r.node()["toy_accuracy"], r.path("toy_accuracy"), "must be in [0, 1]");
  if (toy.nothink_accuracy < 0 || toy.nothink_accuracy > 1)
    r.fail(r.node()["toy_nothink_accuracy"], r.path("toy_nothink_accuracy"), "must be in [0, 1]");
  if (provider == "toy" && !http.base_urls.empty())
    r.fail(r.node(), r.path("base_url"), "the toy provider takes no base_url");
  r.finish();
  if (provider == "engine") m.provider = std::move(engine);
  else if (provider == "toy") m.provider = toy;
  else m.provider = std::move(http);
  return m;
}

ModelSpec read_named_model_spec(const YAML::Node& node, const std::string& file, const std::string& where,
                                const std::string& name) {
  if (!node.IsMap()) {
    const YAML::Node& at = node;
    throw ConfigError(file, at.Mark().line >= 0 ? at.Mark().line + 1 : 0, where, "expected a mapping of model settings");
  }
  // The node itself, not a copy: a copy loses its marks and every error would say line 1.
  return read_model_spec(node, file, where, name);
}

}  // namespace gauntlet::harness
