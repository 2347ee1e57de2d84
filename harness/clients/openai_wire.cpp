#include "harness/clients/openai_wire.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "engine/json/json_input.h"
#include "harness/clients/reasoning.h"

namespace gauntlet::harness {

using nlohmann::json;

namespace {

constexpr std::size_t kSnippetBytes = 200;
constexpr std::size_t kStrayLimit = 4096;
// Guards against a garbage "index" making us allocate millions of empty choices.
constexpr std::int64_t kMaxChoiceIndex = 4096;

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid
// (Unicode table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto in = [](unsigned char b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
  const unsigned char b0 = byte(i);
  const std::size_t left = s.size() - i;
  if (b0 < 0x80) return 1;
  if (in(b0, 0xC2, 0xDF)) return left >= 2 && in(byte(i + 1), 0x80, 0xBF) ? 2 : 0;
  if (in(b0, 0xE0, 0xEF)) {
    if (left < 3) return 0;
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;
    return in(byte(i + 1), lo, hi) && in(byte(i + 2), 0x80, 0xBF) ? 3 : 0;
  }
  if (in(b0, 0xF0, 0xF4)) {
    if (left < 4) return 0;
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return in(byte(i + 1), lo, hi) && in(byte(i + 2), 0x80, 0xBF) && in(byte(i + 3), 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// The first ~200 bytes of a body, safe to put into an error message that may later be stored as
// JSON: invalid UTF-8 becomes '?', control characters become spaces, cut at a character boundary.
std::string snippet(std::string_view body) {
  std::string out;
  std::size_t i = 0;
  while (i < body.size() && out.size() < kSnippetBytes) {
    const std::size_t n = utf8_sequence_length(body, i);
    if (n == 0) {
      out.push_back('?');
      ++i;
    } else if (n == 1) {
      const char c = body[i];
      out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c);
      ++i;
    } else {
      out.append(body.substr(i, n));
      i += n;
    }
  }
  if (i < body.size()) out += "...";
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

const json* find_key(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end()) return nullptr;
  return &*it;
}

std::optional<std::string> opt_string(const json& obj, const char* key) {
  const json* v = find_key(obj, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::int64_t to_int64(const json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    return u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
               ? std::numeric_limits<std::int64_t>::max()
               : static_cast<std::int64_t>(u);
  }
  if (v.is_number_float()) {
    // Clamped: a float outside int64's range (1e234 tokens from a broken server) is not converted.
    const double d = v.get<double>();
    if (!std::isfinite(d)) return 0;
    constexpr double kLimit = 9223372036854775808.0;  // 2^63
    if (d >= kLimit) return std::numeric_limits<std::int64_t>::max();
    if (d <= -kLimit) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(d);
  }
  return 0;
}

// Logprob values: numbers as they are; null (the first token of a completions echo) and anything
// else become 0.0, so results stay NaN-free.
double to_double(const json& v) { return v.is_number() ? v.get<double>() : 0.0; }

// The error text of an error body: {"error": {...}} / {"error": "..."} or vLLM's older
// {"object": "error", "message": ...}. nullopt when the object is not an error.
std::optional<std::string> error_message(const json& j) {
  if (!j.is_object()) return std::nullopt;
  if (const json* e = find_key(j, "error"); e != nullptr && !e->is_null()) {
    if (e->is_string()) return e->get<std::string>();
    if (auto m = opt_string(*e, "message")) return *m;
    return dump_json(*e);
  }
  if (opt_string(j, "object") == std::optional<std::string>("error")) {
    return opt_string(j, "message").value_or("unknown error");
  }
  return std::nullopt;
}

// Message content: a string, null, or an array of parts [{type:"text", text:...}] whose text
// parts are joined. Returns nullopt for null / missing.
std::optional<std::string> content_text(const json* v) {
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_array()) {
    std::string out;
    for (const json& part : *v) {
      if (part.is_string()) {
        out += part.get<std::string>();
      } else if (part.is_object()) {
        const auto type = opt_string(part, "type");
        if (type.has_value() && *type != "text") continue;
        if (auto t = opt_string(part, "text")) out += *t;
      }
    }
    return out;
  }
  throw MalformedResponse(fmt::format("message content has unexpected type {}", v->type_name()));
}

// Chat format: [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}].
void parse_chat_logprobs(const json& content, std::vector<TokenLogprob>& out) {
  for (const json& item : content) {
    if (!item.is_object()) continue;
    TokenLogprob t;
    t.token = opt_string(item, "token").value_or("");
    if (const json* lp = find_key(item, "logprob")) t.logprob = to_double(*lp);
    if (const json* bytes = find_key(item, "bytes"); bytes != nullptr && bytes->is_array()) {
      for (const json& b : *bytes) t.bytes.push_back(static_cast<std::uint8_t>(to_int64(b) & 0xFF));
    }
    if (const json* top = find_key(item, "top_logprobs"); top != nullptr && top->is_array()) {
      for (const json& alt : *top) {
        if (!alt.is_object()) continue;
        TopLogprob a;
        a.token = opt_string(alt, "token").value_or("");
        if (const json* lp = find_key(alt, "logprob")) a.logprob = to_double(*lp);
        t.top.push_back(std::move(a));
      }
    }
    out.push_back(std::move(t));
  }
}

// Legacy completions format: {tokens: [], token_logprobs: [], top_logprobs: [{tok: lp}, ...]}.
// The format has no bytes; a null token logprob (first echoed token) becomes 0.0. JSON objects do
// not keep key order, so alternatives are sorted by logprob, highest first (ties by token).
void parse_completion_logprobs(const json& lp, std::vector<TokenLogprob>& out) {
  const json* tokens = find_key(lp, "tokens");
  if (tokens == nullptr || !tokens->is_array()) return;
  const json* values = find_key(lp, "token_logprobs");
  const json* tops = find_key(lp, "top_logprobs");
  for (std::size_t i = 0; i < tokens->size(); ++i) {
    TokenLogprob t;
    const json& tok = (*tokens)[i];
    if (tok.is_string()) t.token = tok.get<std::string>();
    if (values != nullptr && values->is_array() && i < values->size()) t.logprob = to_double((*values)[i]);
    if (tops != nullptr && tops->is_array() && i < tops->size() && (*tops)[i].is_object()) {
      for (const auto& [alt, value] : (*tops)[i].items()) t.top.push_back(TopLogprob{alt, to_double(value)});
      std::stable_sort(t.top.begin(), t.top.end(), [](const TopLogprob& a, const TopLogprob& b) {
        if (a.logprob != b.logprob) return a.logprob > b.logprob;
        return a.token < b.token;
      });
    }
    out.push_back(std::move(t));
  }
}

// Either format, recognised by shape (some servers mix them up across endpoints).
void parse_logprobs(const json* lp, std::vector<TokenLogprob>& out) {
  if (lp == nullptr || !lp->is_object()) return;
  if (const json* content = find_key(*lp, "content"); content != nullptr && content->is_array()) {
    parse_chat_logprobs(*content, out);
  } else if (find_key(*lp, "tokens") != nullptr) {
    parse_completion_logprobs(*lp, out);
  }
}

void parse_token_ids(const json* ids, std::vector<std::int32_t>& out) {
  if (ids == nullptr || !ids->is_array()) return;
  for (const json& id : *ids) out.push_back(static_cast<std::int32_t>(to_int64(id)));
}

// Fields present overwrite; missing or null ones leave the previous value.
void parse_usage(const json* u, Usage& usage) {
  if (u == nullptr || !u->is_object()) return;
  auto set = [](const json& obj, const char* key, std::int64_t& field) {
    if (const json* v = find_key(obj, key); v != nullptr && v->is_number()) field = to_int64(*v);
  };
  set(*u, "prompt_tokens", usage.prompt_tokens);
  set(*u, "completion_tokens", usage.completion_tokens);
  if (const json* d = find_key(*u, "prompt_tokens_details")) set(*d, "cached_tokens", usage.cached_tokens);
  if (const json* d = find_key(*u, "completion_tokens_details")) set(*d, "reasoning_tokens", usage.reasoning_tokens);
}

std::size_t choice_index(const json& choice, std::size_t position) {
  const json* idx = find_key(choice, "index");
  if (idx != nullptr && idx->is_number_integer()) {
    const std::int64_t i = to_int64(*idx);
    if (i >= 0 && i <= kMaxChoiceIndex) return static_cast<std::size_t>(i);
  }
  return position;
}

void deep_merge(json& base, const json& patch) {
  for (const auto& [key, value] : patch.items()) {
    auto it = base.find(key);
    if (it != base.end() && it->is_object() && value.is_object()) {
      deep_merge(*it, value);
    } else {
      base[key] = value;
    }
  }
}

void merge_extra(json& body, const json& extra, const char* what) {
  if (extra.is_null()) return;
  if (!extra.is_object()) throw std::invalid_argument(fmt::format("{} must be a JSON object", what));
  deep_merge(body, extra);
}

}  // namespace

json build_request_body(const ChatRequest& request, const WireOptions& options) {
  const bool chat = options.endpoint == Endpoint::kChat;
  const SamplingParams& p = request.params;
  json body = json::object();
  body["model"] = options.model;
  if (chat) {
    body["messages"] = messages_to_json(request.messages);
  } else {
    body["prompt"] = request.prompt;
  }
  if (p.temperature) body["temperature"] = *p.temperature;
  if (p.top_p) body["top_p"] = *p.top_p;
  if (p.top_k) body["top_k"] = *p.top_k;
  if (p.min_p) body["min_p"] = *p.min_p;
  if (p.presence_penalty) body["presence_penalty"] = *p.presence_penalty;
  if (p.frequency_penalty) body["frequency_penalty"] = *p.frequency_penalty;
  if (p.seed) body["seed"] = *p.seed;
  if (p.max_tokens) body[options.use_max_completion_tokens ? "max_completion_tokens" : "max_tokens"] = *p.max_tokens;
  if (!p.stop.empty()) body["stop"] = p.stop;
  if (request.n != 1) body["n"] = request.n;
  if (p.logprobs || p.top_logprobs) {
    if (chat) {
      body["logprobs"] = true;
      if (p.top_logprobs) body["top_logprobs"] = *p.top_logprobs;
    } else {
      body["logprobs"] = p.top_logprobs.value_or(1);
    }
  }
  if (options.stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  // A chat-template argument means nothing to the raw completions endpoint.
  if (chat && !options.chat_template_kwargs.is_null()) body["chat_template_kwargs"] = options.chat_template_kwargs;
  merge_extra(body, options.extra_body, "model extra_body");
  merge_extra(body, request.extra_body, "request extra_body");
  return body;
}

ChatResult parse_response(const std::string& body, Endpoint endpoint) {
  json j;
  try {
    j = engine::parse_json_input(body, "");
  } catch (const engine::JsonInputError&) {  // also too deep, or a NUL byte
    throw MalformedResponse(fmt::format("response is not JSON: {}", snippet(body)));
  }
  if (!j.is_object()) throw MalformedResponse(fmt::format("response is not a JSON object: {}", snippet(body)));
  if (auto e = error_message(j)) {
    throw MalformedResponse(fmt::format("server returned an error: {} (body: {})", snippet(*e), snippet(body)));
  }
  const json* choices = find_key(j, "choices");
  if (choices == nullptr || !choices->is_array()) {
    throw MalformedResponse(fmt::format("response has no choices array: {}", snippet(body)));
  }
  if (choices->empty()) throw MalformedResponse(fmt::format("response has an empty choices array: {}", snippet(body)));

  std::vector<std::pair<std::size_t, Choice>> parsed;
  for (std::size_t pos = 0; pos < choices->size(); ++pos) {
    const json& ch = (*choices)[pos];
    if (!ch.is_object()) throw MalformedResponse(fmt::format("choice is not an object: {}", snippet(body)));
    Choice c;
    std::optional<std::string> content;
    const json* fields = &ch;  // where reasoning / reasoning_content live
    try {
      if (endpoint == Endpoint::kChat) {
        const json* msg = find_key(ch, "message");
        if (msg == nullptr || !msg->is_object()) throw MalformedResponse("choice without message");
        content = content_text(find_key(*msg, "content"));
        fields = msg;
      } else {
        const json* text = find_key(ch, "text");
        if (text == nullptr) throw MalformedResponse("choice without text");
        content = content_text(text);
      }
    } catch (const MalformedResponse& e) {
      throw MalformedResponse(fmt::format("{}: {}", e.what(), snippet(body)));
    }
    split_reasoning(content, opt_string(*fields, "reasoning"), opt_string(*fields, "reasoning_content"), c);
    c.finish_reason = opt_string(ch, "finish_reason").value_or("");
    parse_logprobs(find_key(ch, "logprobs"), c.logprobs);
    parse_token_ids(find_key(ch, "token_ids"), c.token_ids);
    if (const json* routing = find_key(ch, "routing"); routing != nullptr && routing->is_object()) c.routing = *routing;
    parsed.emplace_back(choice_index(ch, pos), std::move(c));
  }
  std::stable_sort(parsed.begin(), parsed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  ChatResult result;
  for (auto& [index, c] : parsed) result.choices.push_back(std::move(c));
  parse_token_ids(find_key(j, "prompt_token_ids"), result.prompt_token_ids);  // vLLM's return_token_ids
  parse_usage(find_key(j, "usage"), result.usage);
  return result;
}

// ---------------------------------------------------------------------------------------------
// StreamAccumulator

StreamAccumulator::StreamAccumulator(Endpoint endpoint) : endpoint_(endpoint) {}

void StreamAccumulator::feed(const char* data, std::size_t size) {
  if (size == 0) return;
  std::size_t scan = buffer_.size();
  buffer_.append(data, size);
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = buffer_.find('\n', scan);
    if (nl == std::string::npos) break;
    handle_line(buffer_.substr(start, nl - start));
    start = nl + 1;
    scan = start;
  }
  buffer_.erase(0, start);
}

namespace {
bool complete_event(const std::string& data) {
  const std::string_view t = trim_view(data);
  return t == "[DONE]" || json::accept(t);
}
}  // namespace

void StreamAccumulator::handle_line(const std::string& raw) {
  std::string_view line = raw;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {
    if (!event_data_.empty()) {
      std::string data = std::move(event_data_);
      event_data_.clear();
      handle_event(data);
    }
    return;
  }
  if (line.front() == ':') return;  // comment / keep-alive
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    // Servers that omit the blank line between events: a new data line after a complete event
    // starts the next event.
    if (!event_data_.empty() && complete_event(event_data_)) {
      std::string data = std::move(event_data_);
      event_data_.clear();
      handle_event(data);
    }
    if (!event_data_.empty()) event_data_.push_back('\n');
    event_data_.append(value);
  } else if (field == "event" || field == "id" || field == "retry") {
    // Not used by OpenAI-compatible servers for completions.
  } else if (stray_.size() < kStrayLimit) {
    // Not SSE: typically a plain JSON error body sent instead of a stream.
    stray_.append(line);
    stray_.push_back('\n');
  }
}

void StreamAccumulator::handle_event(const std::string& data) {
  const std::string_view trimmed = trim_view(data);
  if (trimmed == "[DONE]") {
    done_ = true;
    return;
  }
  auto fail = [this](std::string message) {
    if (error_.empty()) error_ = std::move(message);
  };
  json j;
  try {
    j = engine::parse_json_input(trimmed, "");
  } catch (const engine::JsonInputError&) {
    fail(fmt::format("bad JSON event in stream: {}", snippet(trimmed)));
    return;
  }
  if (!j.is_object()) {
    fail(fmt::format("stream event is not a JSON object: {}", snippet(trimmed)));
    return;
  }
  if (auto e = error_message(j)) {
    fail(fmt::format("server returned an error in the stream: {}", snippet(*e)));
    return;
  }
  try {
    if (const json* choices = find_key(j, "choices"); choices != nullptr && choices->is_array()) {
      for (std::size_t pos = 0; pos < choices->size(); ++pos) {
        const json& ch = (*choices)[pos];
        if (!ch.is_object()) continue;
        const std::size_t index = choice_index(ch, pos);
        if (choices_.size() <= index) choices_.resize(index + 1);
        Partial& p = choices_[index];
        auto append = [](const std::optional<std::string>& piece, std::string& into, bool& seen) {
          if (!piece) return;
          into += *piece;
          seen = true;
        };
        if (endpoint_ == Endpoint::kChat) {
          if (const json* delta = find_key(ch, "delta"); delta != nullptr && delta->is_object()) {
            append(content_text(find_key(*delta, "content")), p.content, p.content_seen);
            append(opt_string(*delta, "reasoning"), p.reasoning, p.reasoning_seen);
            append(opt_string(*delta, "reasoning_content"), p.reasoning_content, p.reasoning_content_seen);
          }
        } else {
          append(content_text(find_key(ch, "text")), p.content, p.content_seen);
          append(opt_string(ch, "reasoning"), p.reasoning, p.reasoning_seen);
          append(opt_string(ch, "reasoning_content"), p.reasoning_content, p.reasoning_content_seen);
        }
        if (auto fr = opt_string(ch, "finish_reason"); fr && !fr->empty()) p.finish_reason = *fr;
        parse_logprobs(find_key(ch, "logprobs"), p.logprobs);
        parse_token_ids(find_key(ch, "token_ids"), p.token_ids);
        if (const json* routing = find_key(ch, "routing"); routing != nullptr && routing->is_object()) p.routing = *routing;
        p.seen = true;
      }
    }
    if (prompt_token_ids_.empty()) parse_token_ids(find_key(j, "prompt_token_ids"), prompt_token_ids_);
    parse_usage(find_key(j, "usage"), usage_);
    if (hook_) hook_(j);
  } catch (const MalformedResponse& e) {
    fail(fmt::format("{} in stream event: {}", e.what(), snippet(trimmed)));
  } catch (const json::exception& e) {
    fail(fmt::format("unexpected stream event ({}): {}", e.what(), snippet(trimmed)));
  }
}

std::optional<StreamDelta> stream_delta(const json& event, Endpoint endpoint) {
  const json* choices = find_key(event, "choices");
  if (choices == nullptr || !choices->is_array()) return std::nullopt;
  for (std::size_t pos = 0; pos < choices->size(); ++pos) {
    const json& ch = (*choices)[pos];
    if (!ch.is_object() || choice_index(ch, pos) != 0) continue;
    StreamDelta d;
    if (endpoint == Endpoint::kChat) {
      if (const json* delta = find_key(ch, "delta"); delta != nullptr && delta->is_object()) {
        d.text += content_text(find_key(*delta, "content")).value_or("");
        d.text += opt_string(*delta, "reasoning_content").value_or("");
        d.text += opt_string(*delta, "reasoning").value_or("");
      }
    } else {
      d.text += content_text(find_key(ch, "text")).value_or("");
    }
    d.finish_reason = opt_string(ch, "finish_reason").value_or("");
    if (const json* sr = find_key(ch, "stop_reason")) d.stop_reason = *sr;
    parse_logprobs(find_key(ch, "logprobs"), d.logprobs);
    parse_token_ids(find_key(ch, "token_ids"), d.token_ids);
    d.tokens = !d.logprobs.empty() ? static_cast<int>(d.logprobs.size())
               : !d.token_ids.empty() ? static_cast<int>(d.token_ids.size())
                                      : (d.text.empty() ? 0 : 1);
    return d;
  }
  return std::nullopt;
}

ChatResult StreamAccumulator::finish() {
  // A last line without its newline, and an event without its blank line.
  if (!buffer_.empty()) {
    std::string line = std::move(buffer_);
    buffer_.clear();
    handle_line(line);
  }
  if (!event_data_.empty()) {
    std::string data = std::move(event_data_);
    event_data_.clear();
    handle_event(data);
  }
  if (!error_.empty()) throw MalformedResponse(error_);
  const bool any = std::any_of(choices_.begin(), choices_.end(), [](const Partial& p) { return p.seen; });
  if (!any) {
    if (!stray_.empty()) {
      json j;
      try {
        j = engine::parse_json_input(stray_, "");
      } catch (const engine::JsonInputError&) {
      }
      if (auto e = error_message(j)) {
        throw MalformedResponse(fmt::format("server returned an error: {}", snippet(*e)));
      }
      throw MalformedResponse(fmt::format("stream ended before any choice (non-SSE data: {})", snippet(stray_)));
    }
    throw MalformedResponse("stream ended before any choice");
  }
  if (!done_) {
    for (std::size_t i = 0; i < choices_.size(); ++i) {
      if (choices_[i].finish_reason.empty()) {
        throw MalformedResponse(
            fmt::format("stream ended without [DONE] and choice {} has no finish_reason (truncated stream)", i));
      }
    }
  }
  ChatResult result;
  for (const Partial& p : choices_) {
    Choice c;
    split_reasoning(p.content_seen ? std::optional<std::string>(p.content) : std::nullopt,
                    p.reasoning_seen ? std::optional<std::string>(p.reasoning) : std::nullopt,
                    p.reasoning_content_seen ? std::optional<std::string>(p.reasoning_content) : std::nullopt, c);
    c.finish_reason = p.finish_reason;
    c.logprobs = p.logprobs;
    c.token_ids = p.token_ids;
    c.routing = p.routing;
    result.choices.push_back(std::move(c));
  }
  result.prompt_token_ids = prompt_token_ids_;
  result.usage = usage_;
  return result;
}

bool says_context_too_long(int http_status, const std::string& body) {
  if (http_status != 400 && http_status != 413 && http_status != 422) return false;
  std::string lower = body;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* phrase : {"context length", "context_length", "context window", "context size", "maximum context",
                             "prompt is too long", "too many tokens", "max_model_len", "tokens + `max_new_tokens`"})
    if (lower.find(phrase) != std::string::npos) return true;
  return false;
}

}  // namespace gauntlet::harness
