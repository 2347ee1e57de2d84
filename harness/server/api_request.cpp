#include "harness/server/api_request.h"

#include <cmath>
#include <cstdint>

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "engine/engine.h"
#include "engine/json/json_input.h"
#include "engine/text/jinja/error.h"
#include "harness/clients/routing_config.h"
#include "harness/errors/errors.h"
#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {

namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& param, const std::string& what) {
  throw ApiError(400, fmt::format("{}: {}", param, what), param);
}

std::optional<double> number(const json& body, const std::string& key) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_number()) bad(key, "expected a number");
  return body[key].get<double>();
}

std::optional<std::int64_t> integer(const json& body, const std::string& key) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  const json& v = body[key];
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    bad(key, "too large");
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) {  // 2.0 is an integer; 2.5, 1e300 and -1e300 are not (range checked before the cast)
    const double d = v.get<double>();
    if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)) bad(key, "too large");
    if (d == std::trunc(d)) return static_cast<std::int64_t>(d);
  }
  bad(key, "expected an integer");
}

std::optional<bool> boolean(const json& body, const std::string& key) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_boolean()) bad(key, "expected true or false");
  return body[key].get<bool>();
}

// The request's `routing` object through the suite reader (same keys, same checks, same canonical
// form), so a server request routes exactly as the same block in a suite does.
json routing_block(const json& routing) {
  if (!routing.is_object()) bad("routing", "expected an object");
  if (routing.contains("rice_from")) bad("routing.rice_from", "not accepted by the server (send rice as \"L:E,L:E\")");
  try {
    YAML::Node root;
    root["routing"] = YAML::Load(routing.dump());
    MapReader parent(root, "request", "");
    return read_routing_block(parent, "routing", ".");
  } catch (const ConfigError& e) {
    throw ApiError(400, e.what(), "routing");
  } catch (const YAML::Exception& e) {
    bad("routing", e.what());
  }
}

std::string content_text(const json& content, const std::string& where) {
  if (content.is_string()) return content.get<std::string>();
  if (content.is_null()) return "";
  if (content.is_array()) {  // [{"type": "text", "text": ...}, ...]
    std::string out;
    for (std::size_t i = 0; i < content.size(); ++i) {
      const json& part = content[i];
      const bool text_part = part.is_object() && part.contains("type") && part["type"] == "text" &&
                             part.contains("text") && part["text"].is_string();
      if (!text_part)
        bad(fmt::format("{}[{}]", where, i), "only {\"type\": \"text\", \"text\": ...} parts are supported");
      out += part["text"].get<std::string>();
    }
    return out;
  }
  bad(where, "expected a string or a list of text parts");
}

}  // namespace

ApiRequest parse_api_request(const std::string& text, ApiEndpoint endpoint, const engine::Engine& engine) {
  json body;
  try {  // depth-bounded: a deeply nested body is refused before anything is built from it
    body = engine::parse_json_input(text, "request body");
  } catch (const engine::JsonInputError& e) {
    throw ApiError(400, std::string("the body is not valid JSON: ") + e.what(), "body");
  }
  if (!body.is_object()) throw ApiError(400, "the body must be a JSON object", "body");

  ApiRequest out;
  out.endpoint = endpoint;
  engine::GenerationRequest& g = out.serve.generation;
  if (body.contains("model") && !body["model"].is_null()) {
    if (!body["model"].is_string()) bad("model", "expected a string");
    out.model = body["model"].get<std::string>();
  }

  if (endpoint == ApiEndpoint::kChat) {
    if (!body.contains("messages")) bad("messages", "required");
    const json& messages = body["messages"];
    if (!messages.is_array() || messages.empty()) bad("messages", "expected a non-empty list");
    engine::ChatInput chat;
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const json& m = messages[i];
      const std::string where = fmt::format("messages[{}]", i);
      if (!m.is_object()) bad(where, "expected an object");
      if (!m.contains("role") || !m["role"].is_string()) bad(where + ".role", "required, a string");
      nlohmann::ordered_json message = nlohmann::ordered_json::parse(m.dump());
      message["content"] = content_text(m.value("content", json()), where + ".content");
      chat.messages.push_back(std::move(message));
    }
    if (body.contains("chat_template_kwargs") && !body["chat_template_kwargs"].is_null()) {
      if (!body["chat_template_kwargs"].is_object()) bad("chat_template_kwargs", "expected an object");
      chat.kwargs = nlohmann::ordered_json::parse(body["chat_template_kwargs"].dump());
    }
    chat.add_generation_prompt = boolean(body, "add_generation_prompt").value_or(true);
    chat.continue_final_message = boolean(body, "continue_final_message").value_or(false);
    if (chat.continue_final_message && chat.add_generation_prompt)
      bad("continue_final_message", "needs add_generation_prompt: false");
    if (chat.continue_final_message && messages.back().value("role", "") != "assistant")
      bad("continue_final_message", "the last message must be the assistant's");
    try {
      g.prompt = engine.render_chat(chat);
    } catch (const std::exception& e) {
      throw ApiError(400, std::string("the chat template failed: ") + e.what(), "messages");
    }
    if (auto lp = boolean(body, "logprobs")) out.logprobs = *lp;
    if (auto top = integer(body, "top_logprobs")) {
      if (*top < 0 || *top > 20) bad("top_logprobs", "must be in [0, 20]");
      if (!out.logprobs && *top > 0) bad("top_logprobs", "needs logprobs: true");
      out.top_logprobs = static_cast<int>(*top);
    }
  } else {
    if (!body.contains("prompt")) bad("prompt", "required");
    json prompt = body["prompt"];
    if (prompt.is_array() && prompt.size() == 1 && (prompt[0].is_string() || prompt[0].is_array())) prompt = prompt[0];
    if (prompt.is_string()) {
      g.prompt = prompt.get<std::string>();
      if (g.prompt.empty()) bad("prompt", "must not be empty");
    } else if (prompt.is_array() && !prompt.empty()) {
      for (std::size_t i = 0; i < prompt.size(); ++i) {
        if (!prompt[i].is_number_integer()) bad(fmt::format("prompt[{}]", i), "expected a token id");
        const auto id = prompt[i].get<std::int64_t>();
        if (id < 0 || id >= engine.config().vocab_size)
          bad(fmt::format("prompt[{}]", i), fmt::format("token id {} outside the vocabulary", id));
        g.prompt_ids.push_back(static_cast<int>(id));
      }
    } else {
      bad("prompt", "expected a string, a list of token ids, or a list of one of them");
    }
    if (body.contains("logprobs") && !body["logprobs"].is_null()) {
      if (body["logprobs"].is_boolean()) {
        out.logprobs = body["logprobs"].get<bool>();
      } else {
        auto top = integer(body, "logprobs");
        if (*top < 0 || *top > 20) bad("logprobs", "must be in [0, 20]");
        out.logprobs = true;
        out.top_logprobs = static_cast<int>(*top);
      }
    }
  }
  g.sampling.top_logprobs = out.top_logprobs;

  auto max_tokens = integer(body, "max_completion_tokens");
  if (!max_tokens) max_tokens = integer(body, "max_tokens");
  if (max_tokens && *max_tokens < 0)
    bad(body.contains("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", "must not be negative");
  g.max_tokens = static_cast<int>(std::min<std::int64_t>(max_tokens.value_or(1024), 1 << 30));
  if (auto t = number(body, "temperature")) {
    if (*t < 0) bad("temperature", "must not be negative");
    g.sampling.temperature = *t;
  }
  if (auto p = number(body, "top_p")) {
    if (!(*p > 0 && *p <= 1)) bad("top_p", "must be in (0, 1]");
    g.sampling.top_p = *p;
  }
  if (auto k = integer(body, "top_k")) {
    if (*k < -1) bad("top_k", "must be -1 (off), 0 (off) or positive");
    g.sampling.top_k = static_cast<int>(std::max<std::int64_t>(*k, 0));
  }
  if (auto p = number(body, "min_p")) {
    if (*p < 0 || *p > 1) bad("min_p", "must be in [0, 1]");
    g.sampling.min_p = *p;
  }
  if (auto s = integer(body, "seed")) g.sampling.seed = static_cast<std::uint64_t>(*s);
  if (body.contains("stop") && !body["stop"].is_null()) {
    const json& stop = body["stop"];
    if (stop.is_string()) {
      g.stop_strings.push_back(stop.get<std::string>());
    } else if (stop.is_array()) {
      for (std::size_t i = 0; i < stop.size(); ++i) {
        if (!stop[i].is_string()) bad(fmt::format("stop[{}]", i), "expected a string");
        g.stop_strings.push_back(stop[i].get<std::string>());
      }
    } else {
      bad("stop", "expected a string or a list of strings");
    }
  }
  if (auto n = integer(body, "n")) {
    if (*n < 1 || *n > 128) bad("n", "must be in [1, 128]");
    out.serve.n = static_cast<int>(*n);
  }
  out.stream = boolean(body, "stream").value_or(false);
  if (body.contains("stream_options") && !body["stream_options"].is_null()) {
    if (!body["stream_options"].is_object()) bad("stream_options", "expected an object");
    out.include_usage = boolean(body["stream_options"], "include_usage").value_or(false);
  }
  out.return_token_ids = boolean(body, "return_token_ids").value_or(false);
  g.ignore_eos = boolean(body, "ignore_eos").value_or(false);
  g.skip_special_tokens = boolean(body, "skip_special_tokens").value_or(true);
  if (body.contains("routing") && !body["routing"].is_null()) {
    const json routing = routing_block(body["routing"]);
    out.trace = routing_trace_enabled(routing);
    if (routing_fingerprint(routing).is_object()) g.routing = routing_controls(routing);
    g.trace_routing = out.trace;
  }
  return out;
}

}  // namespace gauntlet::harness
