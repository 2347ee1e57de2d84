#include "harness/server/api_response.h"

#include "engine/engine.h"
#include "harness/clients/reasoning.h"
#include "harness/clients/routing_config.h"

namespace gauntlet::harness {

namespace {

using json = nlohmann::json;

std::string token_text(const engine::Engine& engine, int id) {
  return engine.tokenizer().decode(std::span<const int>(&id, 1));
}

json bytes_of(const std::string& s) {
  json b = json::array();
  for (unsigned char c : s) b.push_back(static_cast<int>(c));
  return b;
}

json chat_logprobs(const engine::Engine& engine, const std::vector<engine::SampledToken>& tokens) {
  json content = json::array();
  for (const auto& t : tokens) {
    const std::string text = token_text(engine, t.id);
    json top = json::array();
    for (const auto& alt : t.top) {
      const std::string a = token_text(engine, alt.id);
      top.push_back({{"token", a}, {"logprob", alt.logprob}, {"bytes", bytes_of(a)}});
    }
    content.push_back({{"token", text}, {"logprob", t.logprob}, {"bytes", bytes_of(text)}, {"top_logprobs", top}});
  }
  return {{"content", content}};
}

json completion_logprobs(const engine::Engine& engine, const std::vector<engine::SampledToken>& tokens,
                         std::size_t offset) {
  json out = {{"tokens", json::array()}, {"token_logprobs", json::array()}, {"top_logprobs", json::array()},
              {"text_offset", json::array()}};
  for (const auto& t : tokens) {
    const std::string text = token_text(engine, t.id);
    out["tokens"].push_back(text);
    out["token_logprobs"].push_back(t.logprob);
    json top = json::object();
    for (const auto& alt : t.top) top[token_text(engine, alt.id)] = alt.logprob;
    out["top_logprobs"].push_back(top);
    out["text_offset"].push_back(offset);
    offset += text.size();
  }
  return out;
}

// content and reasoning of one result, split as the in-process engine provider splits them.
Choice split(const engine::GenerationResult& r) {
  Choice c;
  if (r.thinking) {
    const auto& t = *r.thinking;
    split_reasoning_at(r.text, {t.open_at, t.begin, t.end, t.answer_at}, c);
  } else {
    c.text = r.text;
  }
  return c;
}

std::int64_t reasoning_tokens(const engine::GenerationResult& r, const Choice& c) {
  if (!r.thinking || c.reasoning.empty()) return 0;
  return static_cast<std::int64_t>(r.thinking->close_token ? *r.thinking->close_token + 1 : r.tokens.size());
}

json usage_json(const std::vector<engine::GenerationResult>& results) {
  std::int64_t prompt = results.empty() ? 0 : static_cast<std::int64_t>(results[0].prompt_ids.size());
  std::int64_t completion = 0, reasoning = 0;
  for (const auto& r : results) {
    completion += static_cast<std::int64_t>(r.tokens.size());
    reasoning += reasoning_tokens(r, split(r));
  }
  return {{"prompt_tokens", prompt},
          {"completion_tokens", completion},
          {"total_tokens", prompt + completion},
          {"completion_tokens_details", {{"reasoning_tokens", reasoning}}}};
}

const char* object_name(const ApiRequest& request, bool chunk) {
  if (request.endpoint == ApiEndpoint::kChat) return chunk ? "chat.completion.chunk" : "chat.completion";
  return "text_completion";
}

}  // namespace

json api_response(const ApiRequest& request, const std::vector<engine::GenerationResult>& results,
                  const engine::Engine& engine, const ResponseIds& ids) {
  json choices = json::array();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    json choice = {{"index", i}, {"finish_reason", r.finish_reason}};
    if (request.endpoint == ApiEndpoint::kChat) {
      const Choice c = split(r);
      json message = {{"role", "assistant"}, {"content", c.text}};
      if (!c.reasoning.empty()) {
        message["reasoning_content"] = c.reasoning;
        message["reasoning"] = c.reasoning;
      }
      choice["message"] = message;
      choice["logprobs"] = request.logprobs ? chat_logprobs(engine, r.tokens) : json(nullptr);
    } else {
      choice["text"] = r.text;
      choice["logprobs"] = request.logprobs ? completion_logprobs(engine, r.tokens, 0) : json(nullptr);
    }
    if (request.return_token_ids) choice["token_ids"] = r.token_ids();
    if (request.trace) choice["routing"] = routing_summary(r.routing, engine.config().num_experts);
    choices.push_back(std::move(choice));
  }
  json out = {{"id", ids.id},           {"object", object_name(request, false)}, {"created", ids.created},
              {"model", ids.model},     {"choices", choices},                    {"usage", usage_json(results)}};
  if (request.return_token_ids && !results.empty()) out["prompt_token_ids"] = results[0].prompt_ids;
  return out;
}

json api_error_json(const ApiError& error) {
  return {{"error",
           {{"message", error.what()},
            {"type", error.type},
            {"param", error.param.empty() ? json(nullptr) : json(error.param)},
            {"code", error.status}}}};
}

std::string sse_event(const json& data) { return "data: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n"; }

StreamSplitter::StreamSplitter(const engine::Engine& engine, const std::vector<int>& prompt_ids, int samples)
    : engine_(engine) {
  bool open = false;  // the prompt leaves thinking open when its last delimiter is the opening one
  if (const auto& d = engine.thinking_delimiters())
    for (int id : prompt_ids) {
      if (id == d->open_id) open = true;
      if (id == d->close_id) open = false;
    }
  thinking_.assign(static_cast<std::size_t>(samples), open);
}

json StreamSplitter::chunk(const ApiRequest& request, const ResponseIds& ids, int index,
                           const engine::SampledToken& token, std::string_view text) {
  const auto& d = engine_.thinking_delimiters();
  auto&& thinking = thinking_[static_cast<std::size_t>(index)];
  if (d && token.id == d->open_id) thinking = true;
  const bool reasoning = thinking;
  if (d && token.id == d->close_id) thinking = false;
  json choice = {{"index", index}, {"finish_reason", nullptr}};
  if (request.endpoint == ApiEndpoint::kChat) {
    json delta = json::object();
    if (!text.empty()) delta[reasoning ? "reasoning_content" : "content"] = std::string(text);
    choice["delta"] = delta;
    if (request.logprobs) choice["logprobs"] = chat_logprobs(engine_, {token});
  } else {
    choice["text"] = std::string(text);
    if (request.logprobs) choice["logprobs"] = completion_logprobs(engine_, {token}, 0);
  }
  if (request.return_token_ids) choice["token_ids"] = json::array({token.id});
  return {{"id", ids.id}, {"object", object_name(request, true)}, {"created", ids.created}, {"model", ids.model},
          {"choices", json::array({choice})}};
}

std::vector<json> StreamSplitter::finish(const ApiRequest& request, const ResponseIds& ids,
                                         const std::vector<engine::GenerationResult>& results,
                                         const engine::Engine& engine) {
  std::vector<json> out;
  for (std::size_t i = 0; i < results.size(); ++i) {
    json choice = {{"index", i}, {"finish_reason", results[i].finish_reason}};
    if (request.endpoint == ApiEndpoint::kChat)
      choice["delta"] = json::object();
    else
      choice["text"] = "";
    if (request.trace) choice["routing"] = routing_summary(results[i].routing, engine.config().num_experts);
    json event = {{"id", ids.id}, {"object", object_name(request, true)}, {"created", ids.created}, {"model", ids.model},
                  {"choices", json::array({choice})}};
    if (i == 0 && request.return_token_ids) event["prompt_token_ids"] = results[0].prompt_ids;
    out.push_back(std::move(event));
  }
  if (request.include_usage)
    out.push_back({{"id", ids.id}, {"object", object_name(request, true)}, {"created", ids.created},
                   {"model", ids.model}, {"choices", json::array()}, {"usage", usage_json(results)}});
  return out;
}

}  // namespace gauntlet::harness
