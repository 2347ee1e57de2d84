#include "harness/clients/chat.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace gauntlet::harness {

using nlohmann::json;

// Layout (stable; the response cache stores it):
// {"choices": [{"text", "reasoning", "content_null", "finish_reason",
//               "logprobs": [{"token", "logprob", "bytes"?: [int], "top"?: [{"token", "logprob"}]}],
//               "token_ids": [int], "routing"?: {routing summary}, "budget"?: {budget record}}],
//  "prompt_token_ids"?: [int],
//  "usage": {"prompt_tokens", "completion_tokens", "reasoning_tokens", "cached_tokens"},
//  "latency_s", "retries", "http_status", "from_cache", "error", "endpoint_url"}
// Empty "bytes" / "top" / "prompt_token_ids" are left out. Non-finite doubles, which JSON cannot hold, are written as
// the strings "NaN", "Infinity", "-Infinity". Missing keys read back as their defaults.

namespace {

json write_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw std::invalid_argument(fmt::format("ChatResult JSON: {}: {}", where, what));
}

double read_double(const json& v, const std::string& where) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  bad(where, "expected a number");
}

const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const json& object_at(const json& v, const std::string& where) {
  if (!v.is_object()) bad(where, "expected an object");
  return v;
}

const json& array_at(const json& v, const std::string& where) {
  if (!v.is_array()) bad(where, "expected an array");
  return v;
}

std::string read_string(const json& obj, const char* key, const std::string& where) {
  const json* v = member(obj, key);
  if (v == nullptr) return {};
  if (!v->is_string()) bad(where + "." + key, "expected a string");
  return v->get<std::string>();
}

bool read_bool(const json& obj, const char* key, const std::string& where) {
  const json* v = member(obj, key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) bad(where + "." + key, "expected a boolean");
  return v->get<bool>();
}

template <typename Int>
Int read_int(const json& v, const std::string& where) {
  if (v.is_number_integer() || v.is_number_unsigned()) {
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) bad(where, "integer out of range");
      return static_cast<Int>(u);
    }
    const auto i = v.get<std::int64_t>();
    if (i < static_cast<std::int64_t>(std::numeric_limits<Int>::min()) ||
        i > static_cast<std::int64_t>(std::numeric_limits<Int>::max())) {
      bad(where, "integer out of range");
    }
    return static_cast<Int>(i);
  }
  bad(where, "expected an integer");
}

template <typename Int>
Int read_int_member(const json& obj, const char* key, const std::string& where) {
  const json* v = member(obj, key);
  return v == nullptr ? Int{0} : read_int<Int>(*v, where + "." + key);
}

json logprob_to_json(const TokenLogprob& t) {
  json j = {{"token", t.token}, {"logprob", write_double(t.logprob)}};
  if (!t.bytes.empty()) j["bytes"] = t.bytes;
  if (!t.top.empty()) {
    json top = json::array();
    for (const TopLogprob& a : t.top) top.push_back({{"token", a.token}, {"logprob", write_double(a.logprob)}});
    j["top"] = std::move(top);
  }
  return j;
}

TokenLogprob logprob_from_json(const json& j, const std::string& where) {
  object_at(j, where);
  TokenLogprob t;
  t.token = read_string(j, "token", where);
  if (const json* lp = member(j, "logprob")) t.logprob = read_double(*lp, where + ".logprob");
  if (const json* bytes = member(j, "bytes")) {
    const std::string w = where + ".bytes";
    for (const json& b : array_at(*bytes, w)) t.bytes.push_back(read_int<std::uint8_t>(b, w));
  }
  if (const json* top = member(j, "top")) {
    const std::string w = where + ".top";
    for (const json& a : array_at(*top, w)) {
      object_at(a, w);
      TopLogprob alt;
      alt.token = read_string(a, "token", w);
      if (const json* lp = member(a, "logprob")) alt.logprob = read_double(*lp, w + ".logprob");
      t.top.push_back(std::move(alt));
    }
  }
  return t;
}

json choice_to_json(const Choice& c) {
  json logprobs = json::array();
  for (const TokenLogprob& t : c.logprobs) logprobs.push_back(logprob_to_json(t));
  json j = {{"text", c.text},
            {"reasoning", c.reasoning},
            {"content_null", c.content_null},
            {"finish_reason", c.finish_reason},
            {"logprobs", std::move(logprobs)},
            {"token_ids", c.token_ids}};
  if (!c.routing.is_null()) j["routing"] = c.routing;
  if (!c.budget.is_null()) j["budget"] = c.budget;
  return j;
}

Choice choice_from_json(const json& j, const std::string& where) {
  object_at(j, where);
  Choice c;
  c.text = read_string(j, "text", where);
  c.reasoning = read_string(j, "reasoning", where);
  c.content_null = read_bool(j, "content_null", where);
  c.finish_reason = read_string(j, "finish_reason", where);
  if (const json* lps = member(j, "logprobs")) {
    const std::string w = where + ".logprobs";
    std::size_t i = 0;
    for (const json& t : array_at(*lps, w)) c.logprobs.push_back(logprob_from_json(t, fmt::format("{}[{}]", w, i++)));
  }
  if (const json* ids = member(j, "token_ids")) {
    const std::string w = where + ".token_ids";
    for (const json& id : array_at(*ids, w)) c.token_ids.push_back(read_int<std::int32_t>(id, w));
  }
  if (const json* routing = member(j, "routing")) c.routing = *routing;
  if (const json* budget = member(j, "budget")) c.budget = *budget;
  return c;
}

}  // namespace

json to_json(const ChatResult& result) {
  json choices = json::array();
  for (const Choice& c : result.choices) choices.push_back(choice_to_json(c));
  json j = {{"choices", std::move(choices)},
          {"usage",
           {{"prompt_tokens", result.usage.prompt_tokens},
            {"completion_tokens", result.usage.completion_tokens},
            {"reasoning_tokens", result.usage.reasoning_tokens},
            {"cached_tokens", result.usage.cached_tokens}}},
          {"latency_s", write_double(result.latency_s)},
          {"retries", result.retries},
          {"http_status", result.http_status},
          {"from_cache", result.from_cache},
          {"error", result.error},
          {"endpoint_url", result.endpoint_url}};
  if (!result.prompt_token_ids.empty()) j["prompt_token_ids"] = result.prompt_token_ids;
  return j;
}

json messages_to_json(const std::vector<ChatMessage>& messages) {
  json a = json::array();
  for (const auto& m : messages) a.push_back({{"role", m.role}, {"content", m.content}});
  return a;
}

std::string messages_as_prompt(const std::vector<ChatMessage>& messages) {
  std::string text;
  for (const auto& m : messages) text += m.content + "\n\n";
  return text;
}

ChatResult chat_result_from_json(const json& j) {
  object_at(j, "result");
  ChatResult r;
  if (const json* choices = member(j, "choices")) {
    std::size_t i = 0;
    for (const json& c : array_at(*choices, "choices")) {
      r.choices.push_back(choice_from_json(c, fmt::format("choices[{}]", i++)));
    }
  }
  if (const json* ids = member(j, "prompt_token_ids")) {
    for (const json& id : array_at(*ids, "prompt_token_ids"))
      r.prompt_token_ids.push_back(read_int<std::int32_t>(id, "prompt_token_ids"));
  }
  if (const json* usage = member(j, "usage")) {
    object_at(*usage, "usage");
    r.usage.prompt_tokens = read_int_member<std::int64_t>(*usage, "prompt_tokens", "usage");
    r.usage.completion_tokens = read_int_member<std::int64_t>(*usage, "completion_tokens", "usage");
    r.usage.reasoning_tokens = read_int_member<std::int64_t>(*usage, "reasoning_tokens", "usage");
    r.usage.cached_tokens = read_int_member<std::int64_t>(*usage, "cached_tokens", "usage");
  }
  if (const json* latency = member(j, "latency_s")) r.latency_s = read_double(*latency, "latency_s");
  r.retries = read_int_member<int>(j, "retries", "result");
  r.http_status = read_int_member<int>(j, "http_status", "result");
  r.from_cache = read_bool(j, "from_cache", "result");
  r.error = read_string(j, "error", "result");
  r.endpoint_url = read_string(j, "endpoint_url", "result");
  return r;
}

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json params_to_json(const SamplingParams& p) {
  nlohmann::json j = nlohmann::json::object();
  if (p.temperature) j["temperature"] = *p.temperature;
  if (p.top_p) j["top_p"] = *p.top_p;
  if (p.top_k) j["top_k"] = *p.top_k;
  if (p.min_p) j["min_p"] = *p.min_p;
  if (p.presence_penalty) j["presence_penalty"] = *p.presence_penalty;
  if (p.frequency_penalty) j["frequency_penalty"] = *p.frequency_penalty;
  if (p.seed) j["seed"] = *p.seed;
  if (p.max_tokens) j["max_tokens"] = *p.max_tokens;
  if (!p.stop.empty()) j["stop"] = p.stop;
  if (p.logprobs) j["logprobs"] = true;
  if (p.top_logprobs) j["top_logprobs"] = *p.top_logprobs;
  return j;
}

SamplingParams merge_params(const SamplingParams& base, const SamplingParams& over) {
  SamplingParams p = base;
  if (over.temperature) p.temperature = over.temperature;
  if (over.top_p) p.top_p = over.top_p;
  if (over.top_k) p.top_k = over.top_k;
  if (over.min_p) p.min_p = over.min_p;
  if (over.presence_penalty) p.presence_penalty = over.presence_penalty;
  if (over.frequency_penalty) p.frequency_penalty = over.frequency_penalty;
  if (over.seed) p.seed = over.seed;
  if (over.max_tokens) p.max_tokens = over.max_tokens;
  if (!over.stop.empty()) p.stop = over.stop;
  if (over.logprobs) p.logprobs = true;
  if (over.top_logprobs) p.top_logprobs = over.top_logprobs;
  return p;
}

}  // namespace gauntlet::harness
