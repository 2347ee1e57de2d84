#include "harness/clients/chat.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gauntlet::harness {
namespace {

using nlohmann::json;

// Exact equality of every field (doubles compared bitwise-equal, NaN equal to NaN).
bool same_double(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void expect_equal(const ChatResult& a, const ChatResult& b) {
  ASSERT_EQ(a.choices.size(), b.choices.size());
  for (std::size_t i = 0; i < a.choices.size(); ++i) {
    SCOPED_TRACE(i);
    const Choice& x = a.choices[i];
    const Choice& y = b.choices[i];
    EXPECT_EQ(x.text, y.text);
    EXPECT_EQ(x.reasoning, y.reasoning);
    EXPECT_EQ(x.content_null, y.content_null);
    EXPECT_EQ(x.finish_reason, y.finish_reason);
    EXPECT_EQ(x.token_ids, y.token_ids);
    ASSERT_EQ(x.logprobs.size(), y.logprobs.size());
    for (std::size_t k = 0; k < x.logprobs.size(); ++k) {
      EXPECT_EQ(x.logprobs[k].token, y.logprobs[k].token);
      EXPECT_TRUE(same_double(x.logprobs[k].logprob, y.logprobs[k].logprob))
          << x.logprobs[k].logprob << " vs " << y.logprobs[k].logprob;
      EXPECT_EQ(x.logprobs[k].bytes, y.logprobs[k].bytes);
      ASSERT_EQ(x.logprobs[k].top.size(), y.logprobs[k].top.size());
      for (std::size_t t = 0; t < x.logprobs[k].top.size(); ++t) {
        EXPECT_EQ(x.logprobs[k].top[t].token, y.logprobs[k].top[t].token);
        EXPECT_TRUE(same_double(x.logprobs[k].top[t].logprob, y.logprobs[k].top[t].logprob));
      }
    }
  }
  EXPECT_EQ(a.prompt_token_ids, b.prompt_token_ids);
  EXPECT_EQ(a.usage.prompt_tokens, b.usage.prompt_tokens);
  EXPECT_EQ(a.usage.completion_tokens, b.usage.completion_tokens);
  EXPECT_EQ(a.usage.reasoning_tokens, b.usage.reasoning_tokens);
  EXPECT_EQ(a.usage.cached_tokens, b.usage.cached_tokens);
  EXPECT_TRUE(same_double(a.latency_s, b.latency_s)) << a.latency_s << " vs " << b.latency_s;
  EXPECT_EQ(a.retries, b.retries);
  EXPECT_EQ(a.http_status, b.http_status);
  EXPECT_EQ(a.from_cache, b.from_cache);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.endpoint_url, b.endpoint_url);
}

ChatResult full_result() {
  ChatResult r;
  Choice a;
  a.text = "The answer is \\boxed{4}.\n";
  a.reasoning = "2+2=4 — easy. \"quoted\" ✓";
  a.content_null = false;
  a.finish_reason = "stop";
  a.token_ids = {0, 151643, -1, 2147483647, -2147483647 - 1};
  TokenLogprob t1;
  t1.token = "4";
  t1.logprob = -0.1234567890123456789;
  t1.bytes = {52};
  t1.top = {{"4", -0.1234567890123456789}, {"Four", -2.5e-7}, {" four", -9999.0}};
  TokenLogprob t2;
  t2.token = "é";
  t2.logprob = -1e-300;
  t2.bytes = {0, 195, 169, 255};
  TokenLogprob t3;  // no bytes, no top
  t3.token = "";
  t3.logprob = 0.0;
  a.logprobs = {t1, t2, t3};
  Choice b;
  b.text = "";
  b.reasoning = "ran out of budget";
  b.content_null = true;
  b.finish_reason = "length";
  r.choices = {a, b};
  r.prompt_token_ids = {151644, 872, 198, 0};
  r.usage = {123456789012LL, 42, 17, 8};
  r.latency_s = 12.345678901234567;
  r.retries = 3;
  r.http_status = 200;
  r.from_cache = true;
  r.error = "";
  r.endpoint_url = "http://10.0.0.7:8000/v1";
  return r;
}

TEST(ChatResultJson, FullRoundTrip) {
  const ChatResult original = full_result();
  const ChatResult back = chat_result_from_json(to_json(original));
  expect_equal(original, back);
}

TEST(ChatResultJson, RoundTripThroughText) {
  // What the cache does: dump to text, parse, read back.
  const ChatResult original = full_result();
  const std::string text = to_json(original).dump();
  const ChatResult back = chat_result_from_json(json::parse(text));
  expect_equal(original, back);
  // And the re-serialisation is byte-identical.
  EXPECT_EQ(to_json(back).dump(), text);
}

TEST(ChatResultJson, DefaultResultRoundTrip) {
  const ChatResult original;
  const ChatResult back = chat_result_from_json(json::parse(to_json(original).dump()));
  expect_equal(original, back);
  EXPECT_TRUE(back.choices.empty());
  EXPECT_TRUE(back.ok());
}

TEST(ChatResultJson, ErrorResultRoundTrip) {
  ChatResult r;
  r.error = "HTTP 503: Service Unavailable";
  r.http_status = 503;
  r.retries = 5;
  r.latency_s = 61.5;
  r.endpoint_url = "http://a:1/v1";
  const ChatResult back = chat_result_from_json(json::parse(to_json(r).dump()));
  expect_equal(r, back);
  EXPECT_FALSE(back.ok());
}

TEST(ChatResultJson, NonFiniteDoublesSurvive) {
  ChatResult r = full_result();
  r.latency_s = std::numeric_limits<double>::infinity();
  r.choices[0].logprobs[0].logprob = -std::numeric_limits<double>::infinity();
  r.choices[0].logprobs[0].top[1].logprob = std::numeric_limits<double>::quiet_NaN();
  const std::string text = to_json(r).dump();
  const ChatResult back = chat_result_from_json(json::parse(text));
  expect_equal(r, back);
  EXPECT_TRUE(std::isinf(back.latency_s));
  EXPECT_TRUE(std::isnan(back.choices[0].logprobs[0].top[1].logprob));
}

TEST(ChatResultJson, ExpectedLayout) {
  const json j = to_json(full_result());
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.at("choices").size(), 2u);
  EXPECT_EQ(j.at("choices")[0].at("text"), "The answer is \\boxed{4}.\n");
  EXPECT_EQ(j.at("choices")[1].at("content_null"), true);
  EXPECT_EQ(j.at("choices")[0].at("logprobs")[1].at("bytes"), json::array({0, 195, 169, 255}));
  EXPECT_EQ(j.at("usage").at("prompt_tokens"), 123456789012LL);
  EXPECT_EQ(j.at("usage").at("cached_tokens"), 8);
  EXPECT_EQ(j.at("http_status"), 200);
  EXPECT_EQ(j.at("from_cache"), true);
  EXPECT_EQ(j.at("endpoint_url"), "http://10.0.0.7:8000/v1");
  EXPECT_EQ(j.at("prompt_token_ids"), json::array({151644, 872, 198, 0}));
  EXPECT_FALSE(to_json(ChatResult{}).contains("prompt_token_ids"));  // left out when empty
}

TEST(ChatResultJson, MissingKeysReadAsDefaults) {
  const ChatResult r = chat_result_from_json(json::parse(R"({"choices": [{"text": "hi"}]})"));
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_EQ(r.choices[0].text, "hi");
  EXPECT_FALSE(r.choices[0].content_null);
  EXPECT_TRUE(r.choices[0].logprobs.empty());
  EXPECT_EQ(r.usage.prompt_tokens, 0);
  EXPECT_EQ(r.retries, 0);
  EXPECT_FALSE(r.from_cache);
  EXPECT_TRUE(r.ok());
}

TEST(ChatResultJson, WrongTypesThrow) {
  EXPECT_THROW(chat_result_from_json(json::array()), std::invalid_argument);
  EXPECT_THROW(chat_result_from_json(json::parse(R"({"choices": {}})")), std::invalid_argument);
  EXPECT_THROW(chat_result_from_json(json::parse(R"({"choices": [{"text": 5}]})")), std::invalid_argument);
  EXPECT_THROW(chat_result_from_json(json::parse(R"({"retries": "3"})")), std::invalid_argument);
  EXPECT_THROW(chat_result_from_json(json::parse(R"({"latency_s": "soon"})")), std::invalid_argument);
  EXPECT_THROW(chat_result_from_json(json::parse(R"({"choices": [{"logprobs": [{"bytes": [256]}]}]})")),
               std::invalid_argument);
  EXPECT_THROW(chat_result_from_json(json::parse(R"({"choices": [{"token_ids": [4294967296]}]})")),
               std::invalid_argument);
}

}  // namespace
}  // namespace gauntlet::harness
