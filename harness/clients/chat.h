#pragma once
// Chat requests and results: the vocabulary every ModelClient speaks.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

struct ChatMessage {
  std::string role;     // "system" | "user" | "assistant"
  std::string content;
};

// Sampling parameters; unset fields are not sent (the server's defaults apply).
struct SamplingParams {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::optional<double> min_p;
  std::optional<double> presence_penalty;
  std::optional<double> frequency_penalty;
  std::optional<std::int64_t> seed;
  std::optional<int> max_tokens;
  std::vector<std::string> stop;
  bool logprobs = false;
  std::optional<int> top_logprobs;  // 0..20
};

// Merges `over` into `base` field by field (a task's params over its model's: the task wins).
SamplingParams merge_params(const SamplingParams& base, const SamplingParams& over);
// The set fields as JSON (OpenAI request keys).
nlohmann::json params_to_json(const SamplingParams& p);

enum class Endpoint { kChat, kCompletions };

struct ChatRequest {
  std::vector<ChatMessage> messages;  // used by the chat endpoint
  std::string prompt;                 // used by the completions endpoint (raw text)
  SamplingParams params;
  int n = 1;
  int sample_index = 0;               // repeat index; part of the cache key, never sent
  nlohmann::json extra_body = nlohmann::json::object();  // merged into the request body last
  // Set by budget policies (harness/budgets/); providers that cannot honour them refuse the request.
  std::string assistant_prefix;        // the assistant turn starts with this text (after the template's
                                       // generation prompt); the model continues it; not in the answer
  nlohmann::json chat_template_kwargs;  // null, or keys merged over the model's chat_template_kwargs
  // Set by the `parallel` policy: each choice's budget record gets "self_certainty" (the mean over
  // its generated tokens, budgets/self_certainty.h) from providers that compute it: the engine
  // exactly, the openai provider approximately from top logprobs (self_certainty_approximate).
  bool self_certainty = false;
  // Set by a runner (never serialized, never in a cache key) when its task can judge an answer
  // without the reference (e.g. a code task's tests); the `parallel` policy's `verifier` selection
  // uses it. Called with a choice's answer text; must be thread-safe.
  std::function<bool(const std::string&)> answer_check;
};

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  std::int64_t cached_tokens = 0;
};

struct TopLogprob {
  std::string token;
  double logprob = 0.0;
};

struct TokenLogprob {
  std::string token;
  double logprob = 0.0;
  std::vector<std::uint8_t> bytes;
  std::vector<TopLogprob> top;
};

struct Choice {
  std::string text;        // final answer text, thinking removed
  std::string reasoning;   // thinking text, from the server field or the <think> tags
  bool content_null = false;  // the server sent content: null
  std::string finish_reason; // "stop" | "length" | "context" (the model's context ran out) | a server's own
  std::vector<TokenLogprob> logprobs;
  std::vector<std::int32_t> token_ids;   // when the server returns them
  nlohmann::json routing;                // in-tree engine with tracing on: harness/clients/routing_config.h's
                                         // routing_summary of this completion; null otherwise
  nlohmann::json budget;                 // a budget policy's record of this choice (harness/budgets/:
                                         // policy, params, thinking/answer tokens, cut reason and
                                         // position, extensions, verifier calls, self-certainty,
                                         // parallel group and chosen sample); null without a policy
};

// How a request failed, when it did. kTransient: it may work later (connection errors, timeouts, 5xx,
// 429, malformed bodies; the client retried, and the next run retries again). kRejected: the request
// itself was refused (a 4xx other than 408/429, an engine error): retrying won't help. kContext: the
// prompt does not fit the model's context (the engine's check, or an HTTP 400 saying so). kCancelled:
// the run was interrupted before the request was sent or while it waited for a retry; it never
// completed and runners record nothing for it.
enum class Failure { kNone, kTransient, kRejected, kContext, kCancelled };

struct ChatResult {
  std::vector<Choice> choices;
  std::vector<std::int32_t> prompt_token_ids;  // the rendered prompt's ids, when the backend returns them
  Usage usage;
  double latency_s = 0.0;   // submit to final byte, retries and backoff included
  int retries = 0;          // attempts beyond the first
  int http_status = 0;      // status of the last attempt (0: no HTTP response)
  bool from_cache = false;
  std::string error;        // empty on success; otherwise why the last attempt failed
  std::string endpoint_url; // the base URL that served the last attempt
  Failure failure = Failure::kNone;  // set with error (not part of to_json: only successes are cached)

  bool ok() const { return error.empty(); }
  bool cancelled() const { return failure == Failure::kCancelled; }
};

nlohmann::json to_json(const ChatResult& result);
// [{"role", "content"}, ...]: the messages as the OpenAI API, the store and the logs spell them.
nlohmann::json messages_to_json(const std::vector<ChatMessage>& messages);
// A conversation as one prompt for the completions endpoint: each message's content followed by a
// blank line.
std::string messages_as_prompt(const std::vector<ChatMessage>& messages);

// Compact JSON text in which invalid UTF-8 is replaced by U+FFFD. Use it for anything holding model
// output or model-derived text: a model may emit any bytes, and nlohmann's plain dump() throws on them.
std::string dump_json(const nlohmann::json& j);
ChatResult chat_result_from_json(const nlohmann::json& j);

}  // namespace gauntlet::harness
