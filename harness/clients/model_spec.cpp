#include "harness/clients/model_spec.h"

#include <stdexcept>

#include "engine/text/chat_template.h"
#include "harness/clients/routing_config.h"
#include "harness/digest/checkpoint_digest.h"

namespace gauntlet::harness {
namespace {

template <typename Spec>
Spec& held(std::variant<OpenAISpec, EngineSpec, ToySpec>& provider, const std::string& name, const char* wanted) {
  if (auto* spec = std::get_if<Spec>(&provider)) return *spec;
  throw std::logic_error("model '" + name + "' is not a " + wanted + " model");
}

}  // namespace

const char* continuation_method_name(ContinuationMethod method) {
  return method == ContinuationMethod::kCompletions ? "completions" : "continue_final_message";
}

const char* ModelSpec::provider_name() const {
  if (std::holds_alternative<EngineSpec>(provider)) return "engine";
  if (std::holds_alternative<ToySpec>(provider)) return "toy";
  return "openai";
}

OpenAISpec& ModelSpec::openai() { return held<OpenAISpec>(provider, name, "openai"); }
const OpenAISpec& ModelSpec::openai() const { return const_cast<ModelSpec*>(this)->openai(); }
EngineSpec& ModelSpec::engine() { return held<EngineSpec>(provider, name, "engine"); }
const EngineSpec& ModelSpec::engine() const { return const_cast<ModelSpec*>(this)->engine(); }
ToySpec& ModelSpec::toy() { return held<ToySpec>(provider, name, "toy"); }
const ToySpec& ModelSpec::toy() const { return const_cast<ModelSpec*>(this)->toy(); }

bool ModelSpec::thinking() const {
  if (chat_template_kwargs.is_object()) {
    auto it = chat_template_kwargs.find("enable_thinking");
    if (it != chat_template_kwargs.end() && it->is_boolean()) return it->get<bool>();
  }
  return true;
}

nlohmann::json ModelSpec::fingerprint_json() const {
  nlohmann::json j = {{"provider", provider_name()},
                      {"model", model_id},
                      {"endpoint", endpoint == Endpoint::kChat ? "chat" : "completions"},
                      {"params", params_to_json(params)},
                      {"extra_body", extra_body},
                      {"chat_template_kwargs", chat_template_kwargs}};
  // The template's content (never its path) changes every prompt.
  if (chat_template)
    j["chat_template"] = {{"templates", nlohmann::json::parse(chat_template->templates_json().dump())},
                          {"special_tokens", nlohmann::json::parse(chat_template->special_tokens().dump())}};
  if (auto policy = budget.fingerprint_json(); !policy.is_null()) {
    j["budget"] = policy;
    // How the policy's prefill/continuations reach the server changes the prompt it sees (our template
    // or the server's); only models with a policy carry it, so other fingerprints stay as they were.
    if (const auto* http = std::get_if<OpenAISpec>(&provider)) j["continuation"] = continuation_method_name(http->continuation);
  }
  if (const auto* toy = std::get_if<ToySpec>(&provider)) j["toy"] = {toy->accuracy, toy->nothink_accuracy};
  if (const auto* engine = std::get_if<EngineSpec>(&provider)) {
    j["checkpoint"] =
        engine->checkpoint_digest.empty() ? checkpoint_digest(engine->model_path) : engine->checkpoint_digest;
    if (auto routing_key = routing_fingerprint(engine->routing); !routing_key.is_null()) j["routing"] = routing_key;
  }
  return j;
}

}  // namespace gauntlet::harness
