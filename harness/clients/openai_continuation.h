#pragma once
// The request side of continuing an assistant turn over HTTP (clients/continuation.h, model_spec.h's
// ContinuationMethod), without I/O: what a continuation request carries and how its end is read.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"
#include "harness/clients/continuation.h"
#include "harness/clients/model_spec.h"
#include "harness/clients/openai_wire.h"

namespace gauntlet::harness {

// A conversation ready to be continued: for kCompletions the prompt up to where the assistant turn
// starts (the template's generation prompt included); for kContinueFinalMessage the messages and
// the merged chat_template_kwargs (null: none).
struct ContinuationBase {
  ContinuationMethod method = ContinuationMethod::kCompletions;
  std::string prompt;
  std::vector<ChatMessage> messages;
  nlohmann::json chat_template_kwargs;
};

// The model's kwargs with the request's merged over them key by key (null when both are null).
nlohmann::json merged_template_kwargs(const nlohmann::json& model, const nlohmann::json& request);

// The prompt a completions request sends: request.messages rendered by spec.chat_template (model
// kwargs with the request's merged over them, generation prompt on), or, without a template or
// messages, request.prompt as it is (then request kwargs are refused). Throws std::runtime_error
// ("chat template: ..." when the template refuses the messages).
std::string completions_prompt(const ModelSpec& spec, const ChatRequest& request);

// Builds the base from a request: kCompletions renders request.messages with spec.chat_template
// (merged kwargs, generation prompt on) or, without a template, takes request.prompt as it is.
// Throws std::runtime_error when the template refuses the messages or nothing can be rendered.
ContinuationBase continuation_base(const ModelSpec& spec, const ChatRequest& request);

// The body of one request that continues `assistant_text` (everything the turn holds after the
// generation prompt: assistant_prefix, turn so far, appended text). kCompletions: prompt = base
// prompt + assistant_text. kContinueFinalMessage: the messages plus {"assistant", assistant_text}
// with continue_final_message: true and add_generation_prompt: false (vLLM's contract); when
// assistant_text is empty, a plain chat request (generation prompt on). request supplies the
// sampling params and n (its max_tokens and stop are replaced by the arguments; no max_tokens: not sent).
nlohmann::json continuation_body(const ContinuationBase& base, const ChatRequest& request, WireOptions wire,
                                 const std::string& assistant_text, std::optional<int> max_tokens,
                                 const std::vector<std::string>& stop, bool stream);

// A segment's stop strings: the request's, the segment's, and "</think>" when it stops at the close
// of thinking; each once, in that order.
std::vector<std::string> segment_stop_strings(const std::vector<std::string>& request_stop, const SegmentLimits& limits);

// Whether a text closes thinking: it holds a "</think>" with no "<think>" after it.
bool thinking_closed(std::string_view text);

// A segment's finish from the server's finish_reason: "length" stays; "stop" becomes "think_close"
// when the segment stops at the close of thinking and either the server names the matched string
// (vLLM's stop_reason) as "</think>", or, without a string stop_reason, the assistant text
// (prefix + turn + appended + this segment) has not closed thinking (plain OpenAI servers do not
// say which stop ended a completion; ending the turn or another stop string while thinking is read
// as reaching the close; a template that opens <think> in its generation prompt is covered, since
// only a close in the assistant text counts);
// any other finish_reason is "stop".
std::string segment_finish(std::string_view finish_reason, const nlohmann::json& stop_reason,
                           bool stop_at_think_close, std::string_view assistant_text);

}  // namespace gauntlet::harness
