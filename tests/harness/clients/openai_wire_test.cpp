#include "harness/clients/openai_wire.h"

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace gauntlet::harness {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Helpers

ChatRequest chat_request() {
  ChatRequest r;
  r.messages = {{"system", "Be brief."}, {"user", "What is 2+2?"}};
  r.prompt = "unused for chat";
  return r;
}

WireOptions chat_options() {
  WireOptions o;
  o.model = "Qwen/Qwen3-8B";
  return o;
}

// Expects parse_response to throw MalformedResponse whose message contains `needle`.
void expect_malformed(const std::string& body, const std::string& needle, Endpoint endpoint = Endpoint::kChat) {
  try {
    parse_response(body, endpoint);
    ADD_FAILURE() << "no exception for body: " << body;
  } catch (const MalformedResponse& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message: " << e.what();
  }
}

ChatResult stream_whole(const std::string& sse, Endpoint endpoint = Endpoint::kChat) {
  StreamAccumulator acc(endpoint);
  acc.feed(sse.data(), sse.size());
  return acc.finish();
}

ChatResult stream_bytewise(const std::string& sse, Endpoint endpoint = Endpoint::kChat) {
  StreamAccumulator acc(endpoint);
  for (char c : sse) acc.feed(&c, 1);
  return acc.finish();
}

ChatResult stream_random(const std::string& sse, unsigned seed, Endpoint endpoint = Endpoint::kChat) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> size(0, 40);
  StreamAccumulator acc(endpoint);
  std::size_t pos = 0;
  while (pos < sse.size()) {
    const std::size_t n = std::min(size(rng), sse.size() - pos);
    acc.feed(sse.data() + pos, n);  // n may be 0: empty feeds are allowed
    pos += n;
  }
  return acc.finish();
}

std::string sse_event(const json& j) { return "data: " + j.dump() + "\n\n"; }

std::string crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\r\n";
    else out.push_back(c);
  }
  return out;
}

// Field-by-field equality; EXPECT so a failure names the field.
void expect_same(const ChatResult& a, const ChatResult& b) {
  ASSERT_EQ(a.choices.size(), b.choices.size());
  for (std::size_t i = 0; i < a.choices.size(); ++i) {
    const Choice& x = a.choices[i];
    const Choice& y = b.choices[i];
    EXPECT_EQ(x.text, y.text) << i;
    EXPECT_EQ(x.reasoning, y.reasoning) << i;
    EXPECT_EQ(x.content_null, y.content_null) << i;
    EXPECT_EQ(x.finish_reason, y.finish_reason) << i;
    EXPECT_EQ(x.token_ids, y.token_ids) << i;
    ASSERT_EQ(x.logprobs.size(), y.logprobs.size()) << i;
    for (std::size_t k = 0; k < x.logprobs.size(); ++k) {
      EXPECT_EQ(x.logprobs[k].token, y.logprobs[k].token);
      EXPECT_EQ(x.logprobs[k].logprob, y.logprobs[k].logprob);
      EXPECT_EQ(x.logprobs[k].bytes, y.logprobs[k].bytes);
      ASSERT_EQ(x.logprobs[k].top.size(), y.logprobs[k].top.size());
      for (std::size_t t = 0; t < x.logprobs[k].top.size(); ++t) {
        EXPECT_EQ(x.logprobs[k].top[t].token, y.logprobs[k].top[t].token);
        EXPECT_EQ(x.logprobs[k].top[t].logprob, y.logprobs[k].top[t].logprob);
      }
    }
  }
  EXPECT_EQ(a.usage.prompt_tokens, b.usage.prompt_tokens);
  EXPECT_EQ(a.usage.completion_tokens, b.usage.completion_tokens);
  EXPECT_EQ(a.usage.reasoning_tokens, b.usage.reasoning_tokens);
  EXPECT_EQ(a.usage.cached_tokens, b.usage.cached_tokens);
}

// ---------------------------------------------------------------------------------------------
// build_request_body

TEST(BuildRequestBody, ChatMinimalSendsOnlyModelAndMessages) {
  const json body = build_request_body(chat_request(), chat_options());
  const json expected = {{"model", "Qwen/Qwen3-8B"},
                         {"messages",
                          {{{"role", "system"}, {"content", "Be brief."}},
                           {{"role", "user"}, {"content", "What is 2+2?"}}}}};
  EXPECT_EQ(body, expected) << body.dump();
}

TEST(BuildRequestBody, ChatAllSamplingParams) {
  ChatRequest r = chat_request();
  r.params.temperature = 0.6;
  r.params.top_p = 0.95;
  r.params.top_k = 20;
  r.params.min_p = 0.05;
  r.params.presence_penalty = 1.5;
  r.params.frequency_penalty = -0.5;
  r.params.seed = 1234567890123;
  r.params.max_tokens = 4096;
  r.params.stop = {"</answer>", "\n\n\n"};
  r.params.logprobs = true;
  r.params.top_logprobs = 5;
  r.n = 4;
  r.sample_index = 7;
  const json body = build_request_body(r, chat_options());
  EXPECT_EQ(body.at("temperature"), 0.6);
  EXPECT_EQ(body.at("top_p"), 0.95);
  EXPECT_EQ(body.at("top_k"), 20);
  EXPECT_EQ(body.at("min_p"), 0.05);
  EXPECT_EQ(body.at("presence_penalty"), 1.5);
  EXPECT_EQ(body.at("frequency_penalty"), -0.5);
  EXPECT_EQ(body.at("seed"), 1234567890123);
  EXPECT_EQ(body.at("max_tokens"), 4096);
  EXPECT_FALSE(body.contains("max_completion_tokens"));
  EXPECT_EQ(body.at("stop"), json::array({"</answer>", "\n\n\n"}));
  EXPECT_EQ(body.at("n"), 4);
  EXPECT_EQ(body.at("logprobs"), true);
  EXPECT_EQ(body.at("top_logprobs"), 5);
  EXPECT_FALSE(body.contains("sample_index"));
  EXPECT_FALSE(body.contains("stream"));
  EXPECT_FALSE(body.contains("stream_options"));
  EXPECT_FALSE(body.contains("prompt"));
}

TEST(BuildRequestBody, ZeroValuesAreStillSent) {
  ChatRequest r = chat_request();
  r.params.temperature = 0.0;
  r.params.seed = 0;
  r.params.top_logprobs = 0;
  r.params.logprobs = true;
  const json body = build_request_body(r, chat_options());
  EXPECT_EQ(body.at("temperature"), 0.0);
  EXPECT_EQ(body.at("seed"), 0);
  EXPECT_EQ(body.at("top_logprobs"), 0);
}

TEST(BuildRequestBody, EmptyStopAndNOfOneAreOmitted) {
  ChatRequest r = chat_request();
  r.n = 1;
  const json body = build_request_body(r, chat_options());
  EXPECT_FALSE(body.contains("stop"));
  EXPECT_FALSE(body.contains("n"));
  EXPECT_FALSE(body.contains("logprobs"));
  EXPECT_FALSE(body.contains("top_logprobs"));
}

TEST(BuildRequestBody, ChatLogprobsWithoutTopLogprobs) {
  ChatRequest r = chat_request();
  r.params.logprobs = true;
  const json body = build_request_body(r, chat_options());
  EXPECT_EQ(body.at("logprobs"), true);
  EXPECT_FALSE(body.contains("top_logprobs"));
}

TEST(BuildRequestBody, MaxCompletionTokensSwitch) {
  ChatRequest r = chat_request();
  r.params.max_tokens = 32000;
  WireOptions o = chat_options();
  o.use_max_completion_tokens = true;
  const json body = build_request_body(r, o);
  EXPECT_EQ(body.at("max_completion_tokens"), 32000);
  EXPECT_FALSE(body.contains("max_tokens"));
}

TEST(BuildRequestBody, NoMaxTokensKeyWhenUnset) {
  WireOptions o = chat_options();
  o.use_max_completion_tokens = true;
  const json body = build_request_body(chat_request(), o);
  EXPECT_FALSE(body.contains("max_completion_tokens"));
  EXPECT_FALSE(body.contains("max_tokens"));
}

TEST(BuildRequestBody, CompletionsUsesPromptAndIntegerLogprobs) {
  ChatRequest r = chat_request();
  r.prompt = "Question: 2+2?\nAnswer:";
  r.params.logprobs = true;
  r.params.top_logprobs = 3;
  r.params.max_tokens = 16;
  WireOptions o = chat_options();
  o.endpoint = Endpoint::kCompletions;
  const json body = build_request_body(r, o);
  EXPECT_EQ(body.at("prompt"), "Question: 2+2?\nAnswer:");
  EXPECT_FALSE(body.contains("messages"));
  ASSERT_TRUE(body.at("logprobs").is_number_integer()) << body.dump();
  EXPECT_EQ(body.at("logprobs"), 3);
  EXPECT_FALSE(body.contains("top_logprobs"));
  EXPECT_EQ(body.at("max_tokens"), 16);
}

TEST(BuildRequestBody, CompletionsLogprobsOnlyMeansOne) {
  ChatRequest r = chat_request();
  r.params.logprobs = true;
  WireOptions o = chat_options();
  o.endpoint = Endpoint::kCompletions;
  EXPECT_EQ(build_request_body(r, o).at("logprobs"), 1);
}

TEST(BuildRequestBody, StreamAsksForUsage) {
  WireOptions o = chat_options();
  o.stream = true;
  const json body = build_request_body(chat_request(), o);
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(body.at("stream_options"), json({{"include_usage", true}}));
}

TEST(BuildRequestBody, ChatTemplateKwargs) {
  WireOptions o = chat_options();
  EXPECT_FALSE(build_request_body(chat_request(), o).contains("chat_template_kwargs"));
  o.chat_template_kwargs = {{"enable_thinking", false}};
  EXPECT_EQ(build_request_body(chat_request(), o).at("chat_template_kwargs"), json({{"enable_thinking", false}}));
  o.endpoint = Endpoint::kCompletions;
  EXPECT_FALSE(build_request_body(chat_request(), o).contains("chat_template_kwargs"));
}

TEST(BuildRequestBody, ExtraBodyMergeOrder) {
  ChatRequest r = chat_request();
  r.params.max_tokens = 100;
  r.params.temperature = 0.5;
  WireOptions o = chat_options();
  o.stream = true;
  o.chat_template_kwargs = {{"enable_thinking", true}};
  o.extra_body = {{"return_token_ids", true},
                  {"temperature", 0.7},
                  {"top_k", 40},
                  {"chat_template_kwargs", {{"thinking_budget", 512}}},
                  {"stream_options", {{"continuous_usage_stats", true}}}};
  r.extra_body = {{"top_k", 50},
                  {"max_tokens", 200},
                  {"prompt_logprobs", 1},
                  {"chat_template_kwargs", {{"enable_thinking", false}}}};
  const json body = build_request_body(r, o);
  EXPECT_EQ(body.at("return_token_ids"), true);   // model extra
  EXPECT_EQ(body.at("temperature"), 0.7);         // model extra beats the built value
  EXPECT_EQ(body.at("top_k"), 50);                // request extra beats model extra
  EXPECT_EQ(body.at("max_tokens"), 200);          // request extra beats the built value
  EXPECT_EQ(body.at("prompt_logprobs"), 1);
  // Objects merge key by key.
  EXPECT_EQ(body.at("chat_template_kwargs"), json({{"enable_thinking", false}, {"thinking_budget", 512}}));
  EXPECT_EQ(body.at("stream_options"), json({{"include_usage", true}, {"continuous_usage_stats", true}}));
  EXPECT_EQ(body.at("model"), "Qwen/Qwen3-8B");
}

TEST(BuildRequestBody, NullExtraBodyIgnoredNonObjectRejected) {
  ChatRequest r = chat_request();
  WireOptions o = chat_options();
  o.extra_body = nullptr;
  r.extra_body = nullptr;
  EXPECT_EQ(build_request_body(r, o).size(), 2u);
  r.extra_body = json::array({1, 2});
  EXPECT_THROW(build_request_body(r, o), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// parse_response: server flavours

TEST(ParseResponse, VllmReasoningFieldAndTokenIds) {
  const std::string body = R"({
    "id": "chatcmpl-9f1", "object": "chat.completion", "created": 1760000000, "model": "Qwen/Qwen3-8B",
    "choices": [{"index": 0,
                 "message": {"role": "assistant", "content": "\n\nThe answer is 4.", "refusal": null,
                             "reasoning": "2 plus 2 is 4.", "tool_calls": []},
                 "logprobs": null, "finish_reason": "stop", "stop_reason": null,
                 "token_ids": [785, 4226, 374, 220, 19, 13]}],
    "usage": {"prompt_tokens": 18, "total_tokens": 43, "completion_tokens": 25, "prompt_tokens_details": null},
    "prompt_token_ids": [1, 2, 3]})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_EQ(r.choices[0].text, "The answer is 4.");
  EXPECT_EQ(r.choices[0].reasoning, "2 plus 2 is 4.");
  EXPECT_FALSE(r.choices[0].content_null);
  EXPECT_EQ(r.choices[0].finish_reason, "stop");
  EXPECT_TRUE(r.choices[0].logprobs.empty());
  EXPECT_EQ(r.choices[0].token_ids, (std::vector<std::int32_t>{785, 4226, 374, 220, 19, 13}));
  EXPECT_EQ(r.prompt_token_ids, (std::vector<std::int32_t>{1, 2, 3}));
  EXPECT_EQ(r.usage.prompt_tokens, 18);
  EXPECT_EQ(r.usage.completion_tokens, 25);
  EXPECT_EQ(r.usage.cached_tokens, 0);
  EXPECT_EQ(r.usage.reasoning_tokens, 0);
  EXPECT_TRUE(r.ok());
}

TEST(ParseResponse, DeepSeekReasoningContentAndUsageDetails) {
  const std::string body = R"({
    "id": "b1", "object": "chat.completion", "created": 1, "model": "deepseek-reasoner",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "4",
                 "reasoning_content": "The user asks 2+2. That is 4."},
                 "logprobs": null, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 80, "total_tokens": 92,
              "prompt_tokens_details": {"cached_tokens": 8},
              "completion_tokens_details": {"reasoning_tokens": 70},
              "prompt_cache_hit_tokens": 8, "prompt_cache_miss_tokens": 4},
    "system_fingerprint": "fp_1"})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_EQ(r.choices[0].text, "4");
  EXPECT_EQ(r.choices[0].reasoning, "The user asks 2+2. That is 4.");
  EXPECT_EQ(r.usage.prompt_tokens, 12);
  EXPECT_EQ(r.usage.completion_tokens, 80);
  EXPECT_EQ(r.usage.cached_tokens, 8);
  EXPECT_EQ(r.usage.reasoning_tokens, 70);
}

TEST(ParseResponse, LlamaCppReasoningContent) {
  const std::string body = R"({"choices": [{"finish_reason": "stop", "index": 0,
      "message": {"role": "assistant", "reasoning_content": "Okay, simple sum.", "content": "2 + 2 = 4"}}],
      "created": 1740000000, "model": "gpt-3.5-turbo", "system_fingerprint": "b5192-1", "object": "chat.completion",
      "usage": {"completion_tokens": 41, "prompt_tokens": 14, "total_tokens": 55}, "id": "chatcmpl-x",
      "timings": {"prompt_n": 14, "predicted_n": 41}})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_EQ(r.choices[0].text, "2 + 2 = 4");
  EXPECT_EQ(r.choices[0].reasoning, "Okay, simple sum.");
  EXPECT_EQ(r.usage.completion_tokens, 41);
  EXPECT_EQ(r.usage.prompt_tokens, 14);
}

TEST(ParseResponse, RawThinkInContent) {
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": "stop",
      "message": {"role": "assistant", "content": "<think>\nadd them\n</think>\n\nFour."}}]})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  EXPECT_EQ(r.choices[0].text, "Four.");
  EXPECT_EQ(r.choices[0].reasoning, "add them");
}

TEST(ParseResponse, MissingOpeningTag) {
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": "stop",
      "message": {"role": "assistant", "content": "We need 2+2.\n</think>\n\n\\boxed{4}"}}]})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  EXPECT_EQ(r.choices[0].text, "\\boxed{4}");
  EXPECT_EQ(r.choices[0].reasoning, "We need 2+2.");
}

TEST(ParseResponse, ContentNullWithFinishReasonLength) {
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": "length",
      "message": {"role": "assistant", "content": null, "reasoning_content": "Hmm, let me think for a long"}}],
      "usage": {"prompt_tokens": 5, "completion_tokens": 100,
                "completion_tokens_details": {"reasoning_tokens": 100}}})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_TRUE(r.choices[0].content_null);
  EXPECT_EQ(r.choices[0].text, "");
  EXPECT_EQ(r.choices[0].reasoning, "Hmm, let me think for a long");
  EXPECT_EQ(r.choices[0].finish_reason, "length");
  EXPECT_EQ(r.usage.reasoning_tokens, 100);
}

TEST(ParseResponse, MissingContentCountsAsNull) {
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": "tool_calls",
      "message": {"role": "assistant", "tool_calls": []}}]})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  EXPECT_TRUE(r.choices[0].content_null);
  EXPECT_EQ(r.choices[0].text, "");
}

TEST(ParseResponse, UnterminatedThinkWithLength) {
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": "length",
      "message": {"role": "assistant", "content": "<think>\nFirst, consider"}}]})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  EXPECT_FALSE(r.choices[0].content_null);
  EXPECT_EQ(r.choices[0].text, "");
  EXPECT_EQ(r.choices[0].reasoning, "First, consider");
  EXPECT_EQ(r.choices[0].finish_reason, "length");
}

TEST(ParseResponse, ContentPartsAreJoined) {
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": "stop",
      "message": {"role": "assistant", "content": [{"type": "text", "text": "Hello, "},
                                                    {"type": "image_url", "image_url": {"url": "x"}},
                                                    {"type": "text", "text": "world"}]}}]})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  EXPECT_EQ(r.choices[0].text, "Hello, world");
  EXPECT_FALSE(r.choices[0].content_null);
}

TEST(ParseResponse, MultipleChoicesOrderedByIndex) {
  const std::string body = R"({"choices": [
      {"index": 2, "finish_reason": "stop", "message": {"role": "assistant", "content": "c"}},
      {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "a"}},
      {"index": 1, "finish_reason": "length", "message": {"role": "assistant", "content": "b"}}]})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  ASSERT_EQ(r.choices.size(), 3u);
  EXPECT_EQ(r.choices[0].text, "a");
  EXPECT_EQ(r.choices[1].text, "b");
  EXPECT_EQ(r.choices[1].finish_reason, "length");
  EXPECT_EQ(r.choices[2].text, "c");
}

TEST(ParseResponse, NullUsageFieldsAreZero) {
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": null,
      "message": {"role": "assistant", "content": "x"}}],
      "usage": {"prompt_tokens": null, "completion_tokens": 3, "prompt_tokens_details": {"cached_tokens": null},
                "completion_tokens_details": null}})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  EXPECT_EQ(r.choices[0].finish_reason, "");
  EXPECT_EQ(r.usage.prompt_tokens, 0);
  EXPECT_EQ(r.usage.completion_tokens, 3);
  EXPECT_EQ(r.usage.cached_tokens, 0);
  EXPECT_EQ(r.usage.reasoning_tokens, 0);
  const ChatResult no_usage = parse_response(R"({"choices": [{"message": {"content": "x"}}]})", Endpoint::kChat);
  EXPECT_EQ(no_usage.usage.prompt_tokens, 0);
  EXPECT_EQ(no_usage.choices[0].text, "x");
}

// Found by fuzz_openai_response (UBSan): a count as a float beyond int64 was converted as it was.
TEST(ParseResponse, HugeUsageCountsAreClamped) {
  const ChatResult r = parse_response(
      R"({"choices": [{"message": {"content": "x"}}], "usage": {"prompt_tokens": 1e234, "completion_tokens": -1e300,
          "total_tokens": 12.0}})",
      Endpoint::kChat);
  EXPECT_EQ(r.usage.prompt_tokens, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(r.usage.completion_tokens, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(r.choices[0].text, "x");
}

// ---------------------------------------------------------------------------------------------
// parse_response: logprobs

TEST(ParseResponse, ChatLogprobsWithBytesAndTop) {
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": "stop",
      "message": {"role": "assistant", "content": "4é"},
      "logprobs": {"content": [
        {"token": "4", "logprob": -0.0001, "bytes": [52],
         "top_logprobs": [{"token": "4", "logprob": -0.0001, "bytes": [52]},
                          {"token": "Four", "logprob": -9.5, "bytes": [70, 111, 117, 114]}]},
        {"token": "é", "logprob": -9999.0, "bytes": [195, 169], "top_logprobs": []},
        {"token": "<|im_end|>", "logprob": -0.5, "bytes": null, "top_logprobs": null}],
        "refusal": null}}]})";
  const ChatResult r = parse_response(body, Endpoint::kChat);
  const auto& lp = r.choices[0].logprobs;
  ASSERT_EQ(lp.size(), 3u);
  EXPECT_EQ(lp[0].token, "4");
  EXPECT_DOUBLE_EQ(lp[0].logprob, -0.0001);
  EXPECT_EQ(lp[0].bytes, (std::vector<std::uint8_t>{52}));
  ASSERT_EQ(lp[0].top.size(), 2u);
  EXPECT_EQ(lp[0].top[0].token, "4");
  EXPECT_EQ(lp[0].top[1].token, "Four");
  EXPECT_DOUBLE_EQ(lp[0].top[1].logprob, -9.5);
  EXPECT_EQ(lp[1].token, "é");
  EXPECT_DOUBLE_EQ(lp[1].logprob, -9999.0);
  EXPECT_EQ(lp[1].bytes, (std::vector<std::uint8_t>{195, 169}));
  EXPECT_TRUE(lp[1].top.empty());
  EXPECT_TRUE(lp[2].bytes.empty());
  EXPECT_TRUE(lp[2].top.empty());
  EXPECT_DOUBLE_EQ(lp[2].logprob, -0.5);
}

TEST(ParseResponse, CompletionsEndpointWithLegacyLogprobs) {
  const std::string body = R"({"id": "cmpl-1", "object": "text_completion", "model": "m",
      "choices": [{"index": 0, "text": " Paris", "finish_reason": "length", "stop_reason": null,
                   "prompt_logprobs": null,
                   "logprobs": {"text_offset": [0, 8, 14],
                                "tokens": ["Capital", " is", " Paris"],
                                "token_logprobs": [null, -1.25, -0.125],
                                "top_logprobs": [null,
                                                 {" was": -2.0, " is": -1.25, " of": -0.75},
                                                 {" Paris": -0.125}]}}],
      "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}})";
  const ChatResult r = parse_response(body, Endpoint::kCompletions);
  ASSERT_EQ(r.choices.size(), 1u);
  const Choice& c = r.choices[0];
  EXPECT_EQ(c.text, " Paris");  // no reasoning: left as sent
  EXPECT_EQ(c.finish_reason, "length");
  ASSERT_EQ(c.logprobs.size(), 3u);
  EXPECT_EQ(c.logprobs[0].token, "Capital");
  EXPECT_EQ(c.logprobs[0].logprob, 0.0);  // null first-token logprob becomes 0.0, never NaN
  EXPECT_FALSE(std::isnan(c.logprobs[0].logprob));
  EXPECT_TRUE(c.logprobs[0].top.empty());
  EXPECT_EQ(c.logprobs[1].token, " is");
  EXPECT_DOUBLE_EQ(c.logprobs[1].logprob, -1.25);
  ASSERT_EQ(c.logprobs[1].top.size(), 3u);
  EXPECT_EQ(c.logprobs[1].top[0].token, " of");  // highest first
  EXPECT_DOUBLE_EQ(c.logprobs[1].top[0].logprob, -0.75);
  EXPECT_EQ(c.logprobs[1].top[1].token, " is");
  EXPECT_EQ(c.logprobs[1].top[2].token, " was");
  EXPECT_EQ(c.logprobs[2].top.size(), 1u);
  EXPECT_TRUE(c.logprobs[2].bytes.empty());
  EXPECT_EQ(r.usage.prompt_tokens, 3);
}

TEST(ParseResponse, CompletionsReasoningTagsSplit) {
  // The prompt already ends in <think>, so the completion has only the closing tag.
  const std::string body = R"({"choices": [{"index": 0, "text": "sum is 4</think>\n\n4", "finish_reason": "stop"}]})";
  const ChatResult r = parse_response(body, Endpoint::kCompletions);
  EXPECT_EQ(r.choices[0].text, "4");
  EXPECT_EQ(r.choices[0].reasoning, "sum is 4");
}

// ---------------------------------------------------------------------------------------------
// parse_response: malformed bodies

TEST(ParseResponse, NotJson) { expect_malformed("<html>502 Bad Gateway</html>", "502 Bad Gateway"); }

TEST(ParseResponse, EmptyBody) { expect_malformed("", "not JSON"); }

TEST(ParseResponse, NotAnObject) { expect_malformed("[1, 2, 3]", "[1, 2, 3]"); }

TEST(ParseResponse, NoChoices) {
  expect_malformed(R"({"id": "x", "object": "chat.completion"})", "choices");
  expect_malformed(R"({"choices": null})", "choices");
  expect_malformed(R"({"choices": {"0": {}}})", "choices");
  expect_malformed(R"({"choices": []})", "choices");
}

TEST(ParseResponse, ErrorObject) {
  expect_malformed(R"({"error": {"message": "The model is overloaded", "type": "server_error", "code": 503}})",
                   "The model is overloaded");
  expect_malformed(R"({"error": "rate limited"})", "rate limited");
  expect_malformed(R"({"object": "error", "message": "maximum context length is 4096", "type": "BadRequestError",
                      "code": 400})",
                   "maximum context length is 4096");
}

TEST(ParseResponse, ChoiceWithoutMessage) {
  expect_malformed(R"({"choices": [{"index": 0, "finish_reason": "stop"}]})", "without message");
  expect_malformed(R"({"choices": [{"index": 0, "message": "hi"}]})", "without message");
  expect_malformed(R"({"choices": [{"index": 0, "message": {"content": "x"}}]})", "without text",
                   Endpoint::kCompletions);
  expect_malformed(R"({"choices": [7]})", "choice");
}

TEST(ParseResponse, BadContentType) {
  expect_malformed(R"({"choices": [{"index": 0, "message": {"content": 42}}]})", "content");
}

// Issue 21: a server's body or stream event nested 66,000 deep (or carrying a NUL byte) is a
// MalformedResponse like any other bad body, never a crash.
TEST(ParseResponse, HostileNestingAndNulBytes) {
  const std::string deep = std::string(66000, '[') + std::string(66000, ']');
  expect_malformed("{\"choices\": " + deep + "}", "response is not JSON");
  expect_malformed(R"({"choices": [{"index": 0, "message": {"content": )" + deep + "}}]}", "response is not JSON");
  using namespace std::string_literals;
  expect_malformed(R"({"choices": [{"index": 0, "message": {"content": "hi"}}]})"s + "\0trailing"s, "not JSON");
  try {
    stream_whole("data: {\"choices\": " + deep + "}\n\ndata: [DONE]\n\n");
    ADD_FAILURE() << "no exception";
  } catch (const MalformedResponse& e) {
    EXPECT_NE(std::string(e.what()).find("bad JSON event in stream"), std::string::npos) << e.what();
    EXPECT_LT(std::string(e.what()).size(), 400u);
  }
}

TEST(ParseResponse, ErrorMessagesAreShortAndValidUtf8) {
  const std::string body = "\xff\xfe not json " + std::string(5000, 'x') + "\x80";
  try {
    parse_response(body, Endpoint::kChat);
    FAIL() << "expected MalformedResponse";
  } catch (const MalformedResponse& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 300u);
    EXPECT_NE(what.find("not json"), std::string::npos);
    EXPECT_NO_THROW((void)json(what).dump());  // would throw on invalid UTF-8
  }
  // A body cut inside a multi-byte character at the 200-byte mark.
  std::string many;
  for (int i = 0; i < 150; ++i) many += "é";
  try {
    parse_response(many, Endpoint::kChat);
    FAIL();
  } catch (const MalformedResponse& e) {
    EXPECT_NO_THROW((void)json(std::string(e.what())).dump());
  }
}

// ---------------------------------------------------------------------------------------------
// StreamAccumulator

// A vLLM chat stream: role chunk, reasoning deltas, content deltas with logprobs and token ids
// (UTF-8 content split across events), finish chunk, usage chunk, [DONE].
std::string vllm_chat_stream() {
  const json base = {{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"created", 1}, {"model", "m"}};
  auto chunk = [&](json choice) {
    json j = base;
    j["choices"] = json::array({std::move(choice)});
    return sse_event(j);
  };
  std::string s;
  {
    json first = base;  // vLLM with return_token_ids puts the prompt's ids on the first chunk
    first["choices"] = json::array({{{"index", 0},
                                     {"delta", {{"role", "assistant"}, {"content", ""}}},
                                     {"logprobs", nullptr},
                                     {"finish_reason", nullptr}}});
    first["prompt_token_ids"] = {7, 8, 9};
    s += sse_event(first);
  }
  s += chunk({{"index", 0}, {"delta", {{"reasoning", "Two plus "}}}, {"finish_reason", nullptr},
              {"token_ids", {10, 11}}});
  s += chunk({{"index", 0}, {"delta", {{"reasoning", "two is four."}}}, {"finish_reason", nullptr},
              {"token_ids", {12}}});
  s += ": keep-alive comment\n\n";
  s += chunk({{"index", 0},
              {"delta", {{"content", "\n\nQuatre: "}}},
              {"logprobs",
               {{"content",
                 {{{"token", "Quatre"}, {"logprob", -0.25}, {"bytes", {81, 117, 97, 116, 114, 101}},
                   {"top_logprobs",
                    {{{"token", "Quatre"}, {"logprob", -0.25}}, {{"token", "Four"}, {"logprob", -1.5}}}}}}}}},
              {"finish_reason", nullptr},
              {"token_ids", {13}}});
  s += chunk({{"index", 0},
              {"delta", {{"content", "4 ✓"}}},
              {"logprobs",
               {{"content",
                 {{{"token", "4"}, {"logprob", -0.01}, {"bytes", {52}}, {"top_logprobs", json::array()}},
                  {{"token", " ✓"}, {"logprob", -3.0}, {"bytes", {32, 226, 156, 147}},
                   {"top_logprobs", json::array()}}}}}},
              {"finish_reason", nullptr},
              {"token_ids", {14, 15}}});
  s += chunk({{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}, {"stop_reason", nullptr}});
  json usage = base;
  usage["choices"] = json::array();
  usage["usage"] = {{"prompt_tokens", 21},
                    {"completion_tokens", 6},
                    {"total_tokens", 27},
                    {"prompt_tokens_details", {{"cached_tokens", 16}}},
                    {"completion_tokens_details", {{"reasoning_tokens", 3}}}};
  s += sse_event(usage);
  s += "data: [DONE]\n\n";
  return s;
}

void expect_vllm_result(const ChatResult& r) {
  ASSERT_EQ(r.choices.size(), 1u);
  const Choice& c = r.choices[0];
  EXPECT_EQ(c.text, "Quatre: 4 ✓");
  EXPECT_EQ(c.reasoning, "Two plus two is four.");
  EXPECT_FALSE(c.content_null);
  EXPECT_EQ(c.finish_reason, "stop");
  EXPECT_EQ(c.token_ids, (std::vector<std::int32_t>{10, 11, 12, 13, 14, 15}));
  EXPECT_EQ(r.prompt_token_ids, (std::vector<std::int32_t>{7, 8, 9}));
  ASSERT_EQ(c.logprobs.size(), 3u);
  EXPECT_EQ(c.logprobs[0].token, "Quatre");
  ASSERT_EQ(c.logprobs[0].top.size(), 2u);
  EXPECT_EQ(c.logprobs[0].top[1].token, "Four");
  EXPECT_DOUBLE_EQ(c.logprobs[0].top[1].logprob, -1.5);
  EXPECT_EQ(c.logprobs[2].token, " ✓");
  EXPECT_EQ(c.logprobs[2].bytes, (std::vector<std::uint8_t>{32, 226, 156, 147}));
  EXPECT_EQ(r.usage.prompt_tokens, 21);
  EXPECT_EQ(r.usage.completion_tokens, 6);
  EXPECT_EQ(r.usage.cached_tokens, 16);
  EXPECT_EQ(r.usage.reasoning_tokens, 3);
}

TEST(StreamAccumulator, VllmChatStreamWhole) {
  StreamAccumulator acc(Endpoint::kChat);
  const std::string s = vllm_chat_stream();
  acc.feed(s.data(), s.size());
  EXPECT_TRUE(acc.done());
  expect_vllm_result(acc.finish());
}

TEST(StreamAccumulator, ByteAtATimeMatchesWhole) {
  const std::string s = vllm_chat_stream();
  const ChatResult whole = stream_whole(s);
  expect_vllm_result(whole);
  const ChatResult bytes = stream_bytewise(s);
  expect_vllm_result(bytes);
  expect_same(whole, bytes);
}

TEST(StreamAccumulator, RandomChunksMatchWhole) {
  const std::string s = vllm_chat_stream();
  const ChatResult whole = stream_whole(s);
  for (unsigned seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE(seed);
    expect_same(whole, stream_random(s, seed));
  }
}

TEST(StreamAccumulator, CrlfLineEndings) {
  const std::string s = crlf(vllm_chat_stream());
  expect_vllm_result(stream_whole(s));
  expect_same(stream_whole(s), stream_bytewise(s));
  for (unsigned seed = 100; seed < 120; ++seed) expect_same(stream_whole(s), stream_random(s, seed));
}

TEST(StreamAccumulator, StreamMatchesNonStreamParse) {
  // The same answer as a single response body gives the same choice.
  const std::string body = R"({"choices": [{"index": 0, "finish_reason": "stop",
      "message": {"role": "assistant", "content": "<think>\nstep one\n</think>\n\nDone."}}]})";
  std::string s;
  for (const std::string piece : {"<th", "ink>\nstep", " one\n</thi", "nk>\n\nDo", "ne."}) {
    s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", piece}}}, {"finish_reason", nullptr}}}}});
  }
  s += sse_event({{"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}}});
  s += "data: [DONE]\n\n";
  const ChatResult streamed = stream_bytewise(s);
  const ChatResult whole = parse_response(body, Endpoint::kChat);
  expect_same(streamed, whole);
  EXPECT_EQ(streamed.choices[0].text, "Done.");
  EXPECT_EQ(streamed.choices[0].reasoning, "step one");
}

TEST(StreamAccumulator, DeepSeekReasoningContentStream) {
  std::string s;
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"role", "assistant"}, {"content", nullptr},
                                                         {"reasoning_content", ""}}}}}}});
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", nullptr}, {"reasoning_content", "Think"}}}}}}});
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", nullptr}, {"reasoning_content", "ing."}}}}}}});
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", "Answer"}, {"reasoning_content", nullptr}}},
                                {"finish_reason", "stop"}}}},
                  {"usage", {{"prompt_tokens", 4}, {"completion_tokens", 9},
                             {"completion_tokens_details", {{"reasoning_tokens", 7}}}}}});
  s += "data: [DONE]\n\n";
  const ChatResult r = stream_bytewise(s);
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_EQ(r.choices[0].text, "Answer");
  EXPECT_EQ(r.choices[0].reasoning, "Thinking.");
  EXPECT_EQ(r.usage.reasoning_tokens, 7);
  EXPECT_EQ(r.usage.completion_tokens, 9);
}

TEST(StreamAccumulator, ReasoningOnlyStreamHasNullContent) {
  std::string s;
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"reasoning_content", "long thought"}}}}}}});
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", nullptr}}}, {"finish_reason", "length"}}}}});
  s += "data: [DONE]\n\n";
  const ChatResult r = stream_whole(s);
  EXPECT_TRUE(r.choices[0].content_null);
  EXPECT_EQ(r.choices[0].text, "");
  EXPECT_EQ(r.choices[0].reasoning, "long thought");
  EXPECT_EQ(r.choices[0].finish_reason, "length");
}

TEST(StreamAccumulator, MultipleChoicesInterleaved) {
  std::string s;
  s += sse_event({{"choices", {{{"index", 1}, {"delta", {{"content", "B1"}}}}}}});
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", "A1"}}}}}}});
  s += sse_event({{"choices", {{{"index", 1}, {"delta", {{"content", "B2"}}}, {"finish_reason", "length"}},
                               {{"index", 0}, {"delta", {{"content", "A2"}}}, {"finish_reason", "stop"}}}}});
  s += "data: [DONE]\n\n";
  const ChatResult r = stream_whole(s);
  ASSERT_EQ(r.choices.size(), 2u);
  EXPECT_EQ(r.choices[0].text, "A1A2");
  EXPECT_EQ(r.choices[0].finish_reason, "stop");
  EXPECT_EQ(r.choices[1].text, "B1B2");
  EXPECT_EQ(r.choices[1].finish_reason, "length");
}

TEST(StreamAccumulator, CompletionsStream) {
  std::string s;
  s += sse_event({{"object", "text_completion"},
                  {"choices", {{{"index", 0}, {"text", " Par"}, {"finish_reason", nullptr},
                                {"logprobs", {{"tokens", {" Par"}}, {"token_logprobs", {-0.5}},
                                              {"top_logprobs", {{{" Par", -0.5}, {" Lon", -1.0}}}},
                                              {"text_offset", {0}}}}}}}});
  s += sse_event({{"object", "text_completion"},
                  {"choices", {{{"index", 0}, {"text", "is"}, {"finish_reason", "length"},
                                {"logprobs", {{"tokens", {"is"}}, {"token_logprobs", {-0.25}},
                                              {"top_logprobs", {{{"is", -0.25}}}}, {"text_offset", {4}}}}}}}});
  s += sse_event({{"choices", json::array()}, {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 2}}}});
  s += "data: [DONE]\n\n";
  const ChatResult r = stream_whole(s, Endpoint::kCompletions);
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_EQ(r.choices[0].text, " Paris");
  EXPECT_EQ(r.choices[0].finish_reason, "length");
  ASSERT_EQ(r.choices[0].logprobs.size(), 2u);
  EXPECT_EQ(r.choices[0].logprobs[0].token, " Par");
  ASSERT_EQ(r.choices[0].logprobs[0].top.size(), 2u);
  EXPECT_EQ(r.choices[0].logprobs[0].top[0].token, " Par");
  EXPECT_EQ(r.choices[0].logprobs[1].token, "is");
  EXPECT_DOUBLE_EQ(r.choices[0].logprobs[1].logprob, -0.25);
  EXPECT_EQ(r.usage.prompt_tokens, 3);
  expect_same(r, stream_bytewise(s, Endpoint::kCompletions));
}

TEST(StreamAccumulator, SseVariantsTolerated) {
  // No space after "data:", other SSE fields, comments, a data event split over two lines, no
  // blank line between two events, and a final line without a newline.
  std::string s;
  s += ":ok\n";
  s += "event: message\nid: 1\nretry: 100\n";
  s += R"(data:{"choices":[{"index":0,"delta":{"content":"a"}}]})"
       "\n\n";
  s += R"(data: {"choices":[{"index":0,)"
       "\n"
       R"(data: "delta":{"content":"b"}}]})"
       "\n\n";
  s += R"(data: {"choices":[{"index":0,"delta":{"content":"c"}}]})"
       "\n";
  s += R"(data: {"choices":[{"index":0,"delta":{"content":"d"},"finish_reason":"stop"}]})"
       "\n";
  s += "data: [DONE]";
  for (const std::string& variant : {s, crlf(s)}) {
    StreamAccumulator acc(Endpoint::kChat);
    acc.feed(variant.data(), variant.size());
    const ChatResult r = acc.finish();
    EXPECT_TRUE(acc.done());
    ASSERT_EQ(r.choices.size(), 1u);
    EXPECT_EQ(r.choices[0].text, "abcd");
    EXPECT_EQ(r.choices[0].finish_reason, "stop");
    expect_same(r, stream_bytewise(variant));
  }
}

TEST(StreamAccumulator, NoDoneButFinishReasonIsAccepted) {
  std::string s;
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", "hi"}}}}}}});
  s += sse_event({{"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}}});
  StreamAccumulator acc(Endpoint::kChat);
  acc.feed(s.data(), s.size());
  const ChatResult r = acc.finish();
  EXPECT_FALSE(acc.done());
  EXPECT_EQ(r.choices[0].text, "hi");
}

TEST(StreamAccumulator, TruncatedStreamThrows) {
  std::string s;
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", "hi"}}}}}}});
  StreamAccumulator acc(Endpoint::kChat);
  acc.feed(s.data(), s.size());
  EXPECT_THROW(acc.finish(), MalformedResponse);
  // Cut mid-event: the partial JSON is a bad event.
  const std::string full = vllm_chat_stream();
  const std::string cut = full.substr(0, full.size() / 2);
  EXPECT_THROW(stream_whole(cut), MalformedResponse);
}

TEST(StreamAccumulator, EmptyStreamThrows) {
  for (const std::string& s : {std::string(), std::string("data: [DONE]\n\n"), std::string(": ping\n\n"),
                              sse_event({{"choices", json::array()}, {"usage", {{"prompt_tokens", 1}}}}) +
                                  "data: [DONE]\n\n"}) {
    StreamAccumulator acc(Endpoint::kChat);
    acc.feed(s.data(), s.size());
    try {
      acc.finish();
      ADD_FAILURE() << "no exception for: " << s;
    } catch (const MalformedResponse& e) {
      EXPECT_NE(std::string(e.what()).find("stream ended before any choice"), std::string::npos) << e.what();
    }
  }
}

TEST(StreamAccumulator, ErrorEventThrows) {
  std::string s;
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", "par"}}}}}}});
  s += sse_event({{"error", {{"object", "error"}, {"message", "CUDA out of memory"}, {"type", "InternalServerError"},
                             {"code", 500}}}});
  s += "data: [DONE]\n\n";
  for (int mode = 0; mode < 2; ++mode) {
    try {
      if (mode == 0) stream_whole(s);
      else stream_bytewise(s);
      ADD_FAILURE() << "no exception";
    } catch (const MalformedResponse& e) {
      EXPECT_NE(std::string(e.what()).find("CUDA out of memory"), std::string::npos) << e.what();
    }
  }
}

TEST(StreamAccumulator, BadJsonEventThrows) {
  std::string s = "data: {\"choices\": [oops\n\n";
  s += sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", "x"}}}, {"finish_reason", "stop"}}}}});
  s += "data: [DONE]\n\n";
  EXPECT_THROW(stream_whole(s), MalformedResponse);
}

TEST(StreamAccumulator, PlainJsonErrorBodyThrowsWithMessage) {
  const std::string s = R"({"object":"error","message":"This model's maximum context length is 2048 tokens.",)"
                        R"("type":"BadRequestError","param":null,"code":400})";
  try {
    stream_bytewise(s);
    FAIL() << "expected MalformedResponse";
  } catch (const MalformedResponse& e) {
    EXPECT_NE(std::string(e.what()).find("maximum context length"), std::string::npos) << e.what();
  }
}

TEST(StreamAccumulator, BadContentTypeInDeltaThrows) {
  std::string s = sse_event({{"choices", {{{"index", 0}, {"delta", {{"content", 5}}}, {"finish_reason", "stop"}}}}});
  s += "data: [DONE]\n\n";
  EXPECT_THROW(stream_whole(s), MalformedResponse);
}

}  // namespace
}  // namespace gauntlet::harness
