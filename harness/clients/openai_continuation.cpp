#include "harness/clients/openai_continuation.h"

#include <algorithm>
#include <stdexcept>

#include "engine/text/chat_template.h"
#include "engine/text/jinja/error.h"

namespace gauntlet::harness {

nlohmann::json merged_template_kwargs(const nlohmann::json& model, const nlohmann::json& request) {
  if (!request.is_object()) return model;
  nlohmann::json out = model.is_object() ? model : nlohmann::json::object();
  for (const auto& [key, value] : request.items()) out[key] = value;
  return out;
}

std::string completions_prompt(const ModelSpec& spec, const ChatRequest& request) {
  if (spec.chat_template && !request.messages.empty()) {
    const nlohmann::json kwargs = merged_template_kwargs(spec.chat_template_kwargs, request.chat_template_kwargs);
    engine::ChatInput chat;
    for (const auto& m : request.messages) chat.messages.push_back({{"role", m.role}, {"content", m.content}});
    if (kwargs.is_object()) chat.kwargs = nlohmann::ordered_json::parse(kwargs.dump());
    try {
      return spec.chat_template->render(chat);
    } catch (const engine::jinja::TemplateError& e) {
      throw std::runtime_error(std::string("chat template: ") + e.what());
    }
  }
  if (request.prompt.empty())
    throw std::runtime_error("the completions endpoint needs chat_template: to render the messages, or a raw prompt");
  if (!request.chat_template_kwargs.is_null())
    throw std::runtime_error("chat_template_kwargs need a chat template; this model sends raw prompts");
  return request.prompt;
}

ContinuationBase continuation_base(const ModelSpec& spec, const ChatRequest& request) {
  ContinuationBase base;
  base.method = spec.openai().continuation;
  if (base.method == ContinuationMethod::kCompletions) {
    base.prompt = completions_prompt(spec, request);
    return base;
  }
  if (request.messages.empty()) throw std::runtime_error("continue_final_message needs the conversation's messages");
  base.messages = request.messages;
  base.chat_template_kwargs = merged_template_kwargs(spec.chat_template_kwargs, request.chat_template_kwargs);
  return base;
}

nlohmann::json continuation_body(const ContinuationBase& base, const ChatRequest& request, WireOptions wire,
                                 const std::string& assistant_text, std::optional<int> max_tokens,
                                 const std::vector<std::string>& stop, bool stream) {
  ChatRequest r;
  r.params = request.params;
  r.params.max_tokens = max_tokens;
  r.params.stop = stop;
  r.extra_body = request.extra_body;
  r.n = request.n;
  wire.stream = stream;
  if (base.method == ContinuationMethod::kCompletions) {
    wire.endpoint = Endpoint::kCompletions;
    wire.chat_template_kwargs = nullptr;
    r.prompt = base.prompt + assistant_text;
    return build_request_body(r, wire);
  }
  wire.endpoint = Endpoint::kChat;
  wire.chat_template_kwargs = base.chat_template_kwargs;
  r.messages = base.messages;
  if (assistant_text.empty()) return build_request_body(r, wire);
  r.messages.push_back({"assistant", assistant_text});
  nlohmann::json body = build_request_body(r, wire);
  body["continue_final_message"] = true;
  body["add_generation_prompt"] = false;
  return body;
}

std::vector<std::string> segment_stop_strings(const std::vector<std::string>& request_stop, const SegmentLimits& limits) {
  std::vector<std::string> out;
  auto add = [&](const std::string& s) {
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  for (const auto& s : request_stop) add(s);
  for (const auto& s : limits.stop) add(s);
  if (limits.stop_at_think_close) add("</think>");
  return out;
}

bool thinking_closed(std::string_view text) {
  const std::size_t close = text.rfind("</think>");
  if (close == std::string_view::npos) return false;
  const std::size_t open = text.rfind("<think>");
  return open == std::string_view::npos || open < close;
}

std::string segment_finish(std::string_view finish_reason, const nlohmann::json& stop_reason,
                           bool stop_at_think_close, std::string_view assistant_text) {
  if (finish_reason == "length") return "length";
  if (finish_reason != "stop" || !stop_at_think_close) return "stop";
  if (stop_reason.is_string()) return stop_reason.get<std::string>() == "</think>" ? "think_close" : "stop";
  return thinking_closed(assistant_text) ? "stop" : "think_close";
}

}  // namespace gauntlet::harness
