#pragma once
// The OpenAI-compatible wire format: request bodies for /v1/chat/completions and /v1/completions,
// and parsing of full responses and SSE streams into ChatResult. No I/O here.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"

namespace gauntlet::harness {

// Thrown on a body that is not a valid completion response (the client retries these).
class MalformedResponse : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WireOptions {
  std::string model;                 // model id sent to the server
  Endpoint endpoint = Endpoint::kChat;
  bool stream = false;
  bool use_max_completion_tokens = false;  // send max_completion_tokens instead of max_tokens
  nlohmann::json chat_template_kwargs;     // e.g. {"enable_thinking": false}; null: not sent
  nlohmann::json extra_body = nlohmann::json::object();  // model-level extras, merged before the request's own
};

// Builds the JSON body. Stream requests ask for usage (stream_options.include_usage).
// chat_template_kwargs is sent to the chat endpoint only. options.extra_body and then
// request.extra_body are deep-merged over the built body (objects merge, other values replace;
// later wins). A non-null extra_body that is not an object throws std::invalid_argument.
nlohmann::json build_request_body(const ChatRequest& request, const WireOptions& options);

// Whether an error response (its status and body) says the prompt does not fit the model's context:
// vLLM's "maximum context length is N tokens", OpenAI's `context_length_exceeded`, SGLang's "longer
// than the model's context length", llama.cpp's "exceeds the available context size", TGI's
// "must be <= N" token limit, "prompt is too long".
bool says_context_too_long(int http_status, const std::string& body);

// Parses a complete (non-streamed) response body; a top-level "prompt_token_ids" (vLLM with
// return_token_ids) fills ChatResult::prompt_token_ids; a choice's "routing" object (gauntlet serve
// with routing.trace) fills Choice::routing. Throws MalformedResponse (message includes the
// start of the body). Either logprobs format is accepted on either endpoint; a null completions
// token logprob becomes 0.0, and completions top alternatives are ordered by logprob, highest first.
ChatResult parse_response(const std::string& body, Endpoint endpoint);

// What one stream event adds to choice 0: its text (chat: delta content, reasoning_content and
// reasoning in that order; completions: text), its token logprobs and ids, and, on the closing
// event, finish_reason and vLLM's stop_reason (the matched stop string; null or absent otherwise).
struct StreamDelta {
  std::string text;
  int tokens = 0;  // logprobs entries, else token ids, else 1 when the event carries text
  std::vector<TokenLogprob> logprobs;
  std::vector<std::int32_t> token_ids;
  std::string finish_reason;
  nlohmann::json stop_reason;
};
// nullopt when the event carries nothing for choice 0 (usage-only events, other choices).
std::optional<StreamDelta> stream_delta(const nlohmann::json& event, Endpoint endpoint);

// Incremental SSE parser: feed bytes as they arrive, then finish(). Handles chunk boundaries
// anywhere (inside lines, inside UTF-8), "data: [DONE]", comments and error events.
class StreamAccumulator {
 public:
  explicit StreamAccumulator(Endpoint endpoint);
  // Called with every well-formed event object (not error events), in order, as it is parsed.
  void set_event_hook(std::function<void(const nlohmann::json& event)> hook) { hook_ = std::move(hook); }
  void feed(const char* data, std::size_t size);
  bool done() const { return done_; }   // saw [DONE]
  // Returns the assembled result. Throws MalformedResponse if the stream carried an error event,
  // a bad JSON event, or ended before any choice arrived.
  ChatResult finish();

 private:
  void handle_line(const std::string& line);
  void handle_event(const std::string& data);

  Endpoint endpoint_;
  std::function<void(const nlohmann::json& event)> hook_;
  std::string buffer_;
  std::string event_data_;
  bool done_ = false;
  std::string error_;
  std::string stray_;  // non-SSE lines (e.g. a plain JSON error body), kept for the error message
  struct Partial {
    bool seen = false;  // some event carried this index
    std::string content;
    bool content_seen = false;
    std::string reasoning;
    bool reasoning_seen = false;
    std::string reasoning_content;
    bool reasoning_content_seen = false;
    std::string finish_reason;
    std::vector<TokenLogprob> logprobs;
    std::vector<std::int32_t> token_ids;
    nlohmann::json routing;  // gauntlet serve with routing.trace: the choice's routing summary
  };
  std::vector<Partial> choices_;
  std::vector<std::int32_t> prompt_token_ids_;
  Usage usage_;
};

}  // namespace gauntlet::harness
