#include "harness/clients/cache_key.h"

#include <cctype>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/eval/suite_config.h"

namespace gauntlet::harness {
namespace {

ChatRequest base_request() {
  ChatRequest r;
  r.messages = {{"system", "Be brief."}, {"user", "What is 2 + 2?"}};
  r.params.temperature = 0.6;
  r.params.max_tokens = 256;
  r.sample_index = 0;
  return r;
}

ModelSpec base_model() {
  ModelSpec m;
  m.name = "m";
  m.model_id = "org/m";
  m.openai().base_urls = {"http://127.0.0.1:8000/v1"};
  m.params.temperature = 0.6;
  return m;
}

bool is_lower_hex(const std::string& s) {
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
  return true;
}

TEST(CacheKey, SameRequestSameKeyOf64Hex) {
  auto fp = base_model().fingerprint_json();
  auto a = cache_key("m", fp, base_request());
  auto b = cache_key("m", fp, base_request());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_TRUE(is_lower_hex(a)) << a;
}

TEST(CacheKey, MaterialHoldsTheRequestParts) {
  auto req = base_request();
  req.sample_index = 3;
  auto j = cache_key_material("m", nlohmann::json{{"x", 1}}, req);
  EXPECT_EQ(j["model"], "m");
  EXPECT_EQ(j["fingerprint"], nlohmann::json({{"x", 1}}));
  EXPECT_EQ(j["sample_index"], 3);
  EXPECT_EQ(j["n"], 1);
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][1]["content"], "What is 2 + 2?");
  EXPECT_EQ(j["params"]["temperature"], 0.6);
  EXPECT_EQ(j["params"]["max_tokens"], 256);
}

TEST(CacheKey, DiffersByEachPartOfTheRequest) {
  const auto fp = base_model().fingerprint_json();
  const auto base_key = cache_key("m", fp, base_request());
  std::vector<std::pair<std::string, std::function<void(ChatRequest&)>>> changes = {
      {"sample_index", [](ChatRequest& r) { r.sample_index = 1; }},
      {"temperature", [](ChatRequest& r) { r.params.temperature = 0.7; }},
      {"temperature unset", [](ChatRequest& r) { r.params.temperature.reset(); }},
      {"top_p", [](ChatRequest& r) { r.params.top_p = 0.9; }},
      {"top_k", [](ChatRequest& r) { r.params.top_k = 20; }},
      {"min_p", [](ChatRequest& r) { r.params.min_p = 0.05; }},
      {"presence_penalty", [](ChatRequest& r) { r.params.presence_penalty = 0.1; }},
      {"frequency_penalty", [](ChatRequest& r) { r.params.frequency_penalty = 0.1; }},
      {"seed", [](ChatRequest& r) { r.params.seed = 7; }},
      {"max_tokens", [](ChatRequest& r) { r.params.max_tokens = 257; }},
      {"stop", [](ChatRequest& r) { r.params.stop = {"END"}; }},
      {"logprobs", [](ChatRequest& r) { r.params.logprobs = true; }},
      {"top_logprobs", [](ChatRequest& r) { r.params.top_logprobs = 2; }},
      {"n", [](ChatRequest& r) { r.n = 2; }},
      {"user content", [](ChatRequest& r) { r.messages[1].content = "What is 2 + 3?"; }},
      {"system content", [](ChatRequest& r) { r.messages[0].content = "Be verbose."; }},
      {"role", [](ChatRequest& r) { r.messages[0].role = "user"; }},
      {"extra message", [](ChatRequest& r) { r.messages.push_back({"assistant", ""}); }},
      {"prompt", [](ChatRequest& r) { r.prompt = "raw"; }},
      {"extra_body", [](ChatRequest& r) { r.extra_body = {{"repetition_penalty", 1.1}}; }},
  };
  std::set<std::string> keys = {base_key};
  for (const auto& [what, change] : changes) {
    SCOPED_TRACE(what);
    ChatRequest r = base_request();
    change(r);
    auto key = cache_key("m", fp, r);
    EXPECT_NE(key, base_key);
    EXPECT_EQ(key.size(), 64u);
    keys.insert(key);
  }
  EXPECT_EQ(keys.size(), changes.size() + 1);  // all distinct from each other too
}

TEST(CacheKey, DiffersByModelNameAndFingerprint) {
  const auto m = base_model();
  const auto req = base_request();
  const auto key = cache_key("m", m.fingerprint_json(), req);
  EXPECT_NE(cache_key("m2", m.fingerprint_json(), req), key);
  ModelSpec hotter = m;
  hotter.params.temperature = 1.0;
  EXPECT_NE(cache_key("m", hotter.fingerprint_json(), req), key);
  ModelSpec other_id = m;
  other_id.model_id = "org/other";
  EXPECT_NE(cache_key("m", other_id.fingerprint_json(), req), key);
  EXPECT_NE(cache_key("m", nlohmann::json::object(), req), key);
}

TEST(CacheKey, IgnoresTransportSettings) {
  ModelSpec a = base_model();
  ModelSpec b = base_model();
  b.concurrency = 1;
  b.openai().min_concurrency = 1;
  b.openai().timeout_s = 5;
  b.openai().max_retries = 0;
  b.openai().backoff_initial_s = 0;
  b.openai().backoff_max_s = 0;
  b.openai().endpoint_cooldown_s = 0;
  b.openai().base_urls = {"https://elsewhere.example/v1", "http://second/v1"};
  b.openai().api_key_env = "KEY";
  b.openai().stream = true;
  ASSERT_NE(a.concurrency, b.concurrency);
  const auto req = base_request();
  EXPECT_EQ(cache_key("m", a.fingerprint_json(), req), cache_key("m", b.fingerprint_json(), req));
}

TEST(CacheKey, ObjectKeyOrderDoesNotMatter) {
  ChatRequest a = base_request();
  ChatRequest b = base_request();
  a.extra_body = nlohmann::json::parse(R"({"x":1,"y":{"b":2,"a":1}})");
  b.extra_body = nlohmann::json::parse(R"({"y":{"a":1,"b":2},"x":1})");
  EXPECT_EQ(cache_key("m", nlohmann::json::object(), a), cache_key("m", nlohmann::json::object(), b));
}

}  // namespace
}  // namespace gauntlet::harness
