#pragma once
// The OpenAI/vLLM request bodies `gauntlet serve` accepts, validated into a scheduler request. No
// I/O. Every problem is an ApiError naming the field (HTTP 400 unless said otherwise).
//   both:        model, max_tokens | max_completion_tokens, temperature, top_p, top_k, min_p, seed, stop,
//                n, stream, stream_options.include_usage, return_token_ids, ignore_eos,
//                skip_special_tokens, routing (the keys of a suite's `routing:` block; rice_from refused)
//   chat:        messages, logprobs (bool), top_logprobs, chat_template_kwargs, add_generation_prompt,
//                continue_final_message
//   completions: prompt (text, token ids, or a one-element list of either), logprobs (int: alternatives)
// Unknown fields are ignored, as vLLM does.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/serve/scheduler.h"

namespace gauntlet::harness {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string message, std::string param = {}, std::string type = "invalid_request_error")
      : std::runtime_error(std::move(message)), status(status), param(std::move(param)), type(std::move(type)) {}
  int status;
  std::string param;
  std::string type;
};

enum class ApiEndpoint { kChat, kCompletions };

struct ApiRequest {
  ApiEndpoint endpoint = ApiEndpoint::kChat;
  engine::ServeRequest serve;
  std::string model;                 // as sent (empty: none)
  bool stream = false;
  bool include_usage = false;        // stream_options.include_usage
  bool return_token_ids = false;
  bool logprobs = false;
  int top_logprobs = 0;
  bool trace = false;                // routing.trace: a routing summary per choice
};

// Parses and validates `body` for `endpoint`; renders chats with the engine's template. Throws
// ApiError.
ApiRequest parse_api_request(const std::string& body, ApiEndpoint endpoint, const engine::Engine& engine);

}  // namespace gauntlet::harness
