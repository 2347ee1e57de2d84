#pragma once
// The response bodies of `gauntlet serve`, OpenAI/vLLM-shaped. No I/O.
//   chat:        choices[i].message {role, content, reasoning_content, reasoning}, finish_reason,
//                logprobs.content[{token, logprob, bytes, top_logprobs}], token_ids (return_token_ids),
//                routing (routing.trace: harness/clients/routing_config.h's routing_summary)
//   completions: choices[i].text, logprobs {tokens, token_logprobs, top_logprobs, text_offset}
//   both:        usage {prompt_tokens, completion_tokens, total_tokens,
//                completion_tokens_details.reasoning_tokens}, prompt_token_ids (return_token_ids)
// Reasoning is split from the answer by the thinking delimiters' token ids, as the in-process
// engine provider splits it (chat only; completions return the whole text).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/server/api_request.h"

namespace gauntlet::harness {

struct ResponseIds {
  std::string id;       // "chatcmpl-…" / "cmpl-…"
  std::string model;
  std::int64_t created = 0;
};

nlohmann::json api_response(const ApiRequest& request, const std::vector<engine::GenerationResult>& results,
                            const engine::Engine& engine, const ResponseIds& ids);

// {"error": {"message", "type", "param", "code"}}.
nlohmann::json api_error_json(const ApiError& error);

// Streaming: one SSE event ("data: …\n\n") per call.
std::string sse_event(const nlohmann::json& data);
inline std::string sse_done() { return "data: [DONE]\n\n"; }

// Tracks, per sample, whether streamed text is reasoning (between the thinking delimiters' tokens)
// so chunks go to delta.reasoning_content or delta.content.
class StreamSplitter {
 public:
  StreamSplitter(const engine::Engine& engine, const std::vector<int>& prompt_ids, int samples);
  // The chunk for one token of sample `index` and the text it made final (empty JSON when there is
  // nothing to send).
  nlohmann::json chunk(const ApiRequest& request, const ResponseIds& ids, int index, const engine::SampledToken& token,
                       std::string_view text);
  // The closing chunk of each sample (finish_reason, token ids, routing) and, when asked, usage.
  std::vector<nlohmann::json> finish(const ApiRequest& request, const ResponseIds& ids,
                                     const std::vector<engine::GenerationResult>& results, const engine::Engine& engine);

 private:
  const engine::Engine& engine_;
  std::vector<bool> thinking_;
};

}  // namespace gauntlet::harness
