#pragma once
// ModelSpec: one model as a suite, tournament or self-play config names it: what every provider has
// (name, sampling defaults, template switches, how many requests to keep in flight) and the settings
// of its provider, one struct per provider. `provider_name()` and `fingerprint_json()` are the only
// places that tell providers apart by name; the client factory picks the client by the held type.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/budgets/policy.h"
#include "harness/clients/chat.h"

namespace gauntlet::engine {
class ChatTemplate;
}

namespace gauntlet::harness {

// How an openai model continues an assistant turn (budget policies: a prefill, a turn in segments).
//   completions: POST /completions with the conversation rendered by `chat_template:` (or the raw
//                prompt of an endpoint: completions model without one) + the assistant text so far;
//   continue_final_message: POST /chat/completions with the assistant text so far as the final
//                assistant message (vLLM's continue_final_message, add_generation_prompt: false).
enum class ContinuationMethod { kCompletions, kContinueFinalMessage };
const char* continuation_method_name(ContinuationMethod method);

// provider: openai — any OpenAI-compatible HTTP server.
struct OpenAISpec {
  std::vector<std::string> base_urls;  // e.g. http://127.0.0.1:8000/v1 (an endpoint pool when several)
  std::string api_key_env;             // environment variable holding the key ("" = no key)
  bool stream = false;
  bool use_max_completion_tokens = false;
  int min_concurrency = 1;
  double timeout_s = 300.0;            // per attempt
  int max_retries = 6;                 // attempts = max_retries + 1
  double backoff_initial_s = 1.0;
  double backoff_max_s = 60.0;
  double endpoint_cooldown_s = 30.0;   // a failing endpoint is skipped this long
  // `continuation:`; default completions with a chat_template or on endpoint: completions, else
  // continue_final_message. Part of the fingerprint only when the model has a budget policy.
  ContinuationMethod continuation = ContinuationMethod::kContinueFinalMessage;
  std::int64_t vocab_size = 0;         // `vocab_size:`, for approximate self-certainty; 0 = unknown
};

// provider: engine — the in-tree MoE engine on a local Hugging Face checkpoint directory.
struct EngineSpec {
  std::filesystem::path model_path;
  std::string checkpoint_digest;  // digest/checkpoint_digest.h of model_path; "" = computed when needed
  int threads = 1;
  nlohmann::json routing;  // canonical routing controls (harness/clients/routing_config.h); null = none
};

// provider: toy — a deterministic arithmetic solver, for demos and tests without a network.
struct ToySpec {
  double accuracy = 0.8;
  double nothink_accuracy = 0.1;
};

struct ModelSpec {
  std::string name;                     // the config's name for it; the store's key
  std::string model_id;                 // "model" sent to a server; defaults to name
  Endpoint endpoint = Endpoint::kChat;  // chat: messages; completions: one rendered prompt
  int concurrency = 16;                 // starting and maximum in-flight requests
  nlohmann::json chat_template_kwargs;  // null = not sent
  // `chat_template: PATH` (openai provider, completions endpoint): the checkpoint's template that
  // renders a request's messages into the prompt the client sends; null = none.
  std::shared_ptr<const engine::ChatTemplate> chat_template;
  nlohmann::json extra_body = nlohmann::json::object();
  SamplingParams params;                // defaults for every task
  std::variant<OpenAISpec, EngineSpec, ToySpec> provider;
  BudgetPolicy budget;                  // `budget:`; the client factory wraps the client in it

  const char* provider_name() const;  // "openai" | "engine" | "toy"
  // The provider's settings; throws std::logic_error when the model has another provider.
  OpenAISpec& openai();
  const OpenAISpec& openai() const;
  EngineSpec& engine();
  const EngineSpec& engine() const;
  ToySpec& toy();
  const ToySpec& toy() const;
  // chat_template_kwargs.enable_thinking when it is a boolean, else true.
  bool thinking() const;
  // Whether runners hand this model messages (the chat endpoint, or a chat_template that renders
  // them) rather than one raw prompt.
  bool sends_messages() const { return endpoint == Endpoint::kChat || chat_template != nullptr; }

  // Everything that changes what the model returns (not transport: urls, concurrency, retries, timeouts),
  // and nothing about where files are: an engine model is named by its checkpoint's content digest.
  nlohmann::json fingerprint_json() const;
};

}  // namespace gauntlet::harness
