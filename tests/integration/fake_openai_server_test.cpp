// FakeOpenAIServer: answers, formats, streams, every fault kind, stats, concurrency limits.
// The client is a small Beast HTTP/1.1 client defined here (blocking calls; reads have a timeout).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"

namespace gauntlet::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;
using namespace std::chrono_literals;

struct HttpResult {
  int status = 0;             // 0: no response header arrived
  std::string body;           // as much of the body as arrived
  std::string retry_after;    // Retry-After header
  std::string content_type;
  beast::error_code error;    // write/read error (connection_reset, end_of_stream, partial_message, ...)
  bool timed_out = false;
};

// One keep-alive connection. Writes block; reads run on a private io_context with a deadline.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port));
  }

  HttpResult request(http::verb verb, const std::string& target, const std::string& body = {},
                     std::chrono::milliseconds timeout = 10s) {
    HttpResult result;
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.keep_alive(true);
    req.prepare_payload();
    http::write(stream_, req, result.error);
    if (result.error) return result;

    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    stream_.expires_after(timeout);
    http::async_read(stream_, buffer_, parser, [&](beast::error_code ec, std::size_t) { result.error = ec; });
    ioc_.restart();
    ioc_.run();
    result.timed_out = result.error == beast::error::timeout;
    if (parser.is_header_done()) {
      const auto& res = parser.get();
      result.status = static_cast<int>(res.result_int());
      result.body = res.body();
      result.retry_after = std::string(res[http::field::retry_after]);
      result.content_type = std::string(res[http::field::content_type]);
    }
    return result;
  }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

HttpResult post(std::uint16_t port, const std::string& target, const json& body,
                std::chrono::milliseconds timeout = 10s) {
  return HttpClient(port).request(http::verb::post, target, body.dump(), timeout);
}

HttpResult get(std::uint16_t port, const std::string& target) {
  return HttpClient(port).request(http::verb::get, target);
}

json chat_body(const std::string& user, bool stream = false) {
  json body = {{"model", "fake-model"}, {"messages", {{{"role", "user"}, {"content", user}}}}};
  if (stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body;
}

json parse(const HttpResult& r) {
  json j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.body;
  return j;
}

// The payloads of the "data: " events of an SSE body.
std::vector<std::string> sse_data(const std::string& body) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) break;
    const std::string event = body.substr(pos, end - pos);
    if (event.rfind("data: ", 0) == 0) out.push_back(event.substr(6));
    pos = end + 2;
  }
  return out;
}

const std::string kTagsAnswer = "<think>\nworking out 17 + 25\n</think>\n\nThe answer is \\boxed{42}";

// ---------------------------------------------------------------------------------------------

TEST(FakeOpenAIServerHelpersTest, SolvesTheFirstIntegerExpression) {
  EXPECT_EQ(solve_first_expression("2+3"), 5);
  EXPECT_EQ(solve_first_expression("What is 10 - 4? Then 2 * 2."), 6);
  EXPECT_EQ(solve_first_expression("-3 * 4"), -12);
  EXPECT_EQ(solve_first_expression("7 - -2"), 9);
  EXPECT_EQ(solve_first_expression("a-5 + 1"), 6);
  EXPECT_EQ(solve_first_expression("x2 + 3"), std::nullopt);
  EXPECT_EQ(solve_first_expression("3.5 + 2"), std::nullopt);
  EXPECT_EQ(solve_first_expression("no numbers here"), std::nullopt);
  EXPECT_EQ(solve_first_expression("2 ** 3"), std::nullopt);
}

TEST(FakeOpenAIServerHelpersTest, PromptKeys) {
  EXPECT_EQ(fake_prompt_key(chat_body("hi 1+1"), true), "hi 1+1");
  json seeded = chat_body("hi");
  seeded["seed"] = 42;
  EXPECT_EQ(fake_prompt_key(seeded, true), "hi#seed=42");
  json multi = {{"messages",
                 {{{"role", "user"}, {"content", "first"}}, {{"role", "assistant"}, {"content", "x"}},
                  {{"role", "user"}, {"content", json::array({{{"type", "text"}, {"text", "last"}}})}}}}};
  EXPECT_EQ(fake_prompt_key(multi, true), "last");
  EXPECT_EQ(fake_prompt_key(json{{"prompt", "p 2*2"}}, false), "p 2*2");
  EXPECT_EQ(fake_prompt_key(json{{"messages", json::array()}}, true), std::nullopt);
  EXPECT_EQ(fake_prompt_key(json{{"nothing", 1}}, false), std::nullopt);
}

TEST(FakeOpenAIServerHelpersTest, RejectsBadOptions) {
  EXPECT_THROW(FakeOpenAIServer(FakeServerOptions{.faults = {"bogus"}}), std::invalid_argument);
  EXPECT_THROW(FakeOpenAIServer(FakeServerOptions{.fault_rate = 1.5}), std::invalid_argument);
  EXPECT_THROW(FakeOpenAIServer(FakeServerOptions{.threads = 0}), std::invalid_argument);
  EXPECT_THROW(FakeOpenAIServer(FakeServerOptions{.reasoning_style = "xml"}), std::invalid_argument);
}

TEST(FakeOpenAIServerTest, StartsOnAnEphemeralPortAndStops) {
  FakeOpenAIServer server;
  EXPECT_FALSE(server.running());
  server.start();
  EXPECT_TRUE(server.running());
  EXPECT_NE(server.port(), 0);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(server.port()) + "/v1");
  server.stop();
  EXPECT_FALSE(server.running());
  server.stop();  // idempotent
}

TEST(FakeOpenAIServerTest, ChatCompletion) {
  FakeOpenAIServer server;
  server.start();
  json body = chat_body("What is 17 + 25? Ignore 3 * 3.");
  body["messages"].insert(body["messages"].begin(), json{{"role", "system"}, {"content", "You add numbers."}});
  const auto r = post(server.port(), "/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const json j = parse(r);
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["model"], "fake-model");
  ASSERT_EQ(j["choices"].size(), 1u);
  const auto& choice = j["choices"][0];
  EXPECT_EQ(choice["message"]["role"], "assistant");
  EXPECT_EQ(choice["message"]["content"], kTagsAnswer);
  EXPECT_EQ(choice["finish_reason"], "stop");
  EXPECT_TRUE(choice["logprobs"].is_null());
  EXPECT_EQ(j["usage"]["prompt_tokens"], 3 + 9);  // words of every message
  EXPECT_EQ(j["usage"]["completion_tokens"], 11);
  EXPECT_EQ(j["usage"]["completion_tokens_details"]["reasoning_tokens"], 5);
}

TEST(FakeOpenAIServerTest, CompletionsEndpointWithLegacyLogprobs) {
  FakeOpenAIServer server(FakeServerOptions{.reasoning_style = "none"});
  server.start();
  const auto r = post(server.port(), "/v1/completions", {{"prompt", "Compute 6 - 10 now"}, {"logprobs", 2}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = parse(r);
  EXPECT_EQ(j["object"], "text_completion");
  const auto& choice = j["choices"][0];
  EXPECT_EQ(choice["text"], "The answer is \\boxed{-4}");
  EXPECT_EQ(choice["finish_reason"], "stop");
  const auto& lp = choice["logprobs"];
  ASSERT_EQ(lp["tokens"].size(), 4u);
  EXPECT_EQ(lp["tokens"][1], " answer");
  EXPECT_EQ(lp["token_logprobs"][0], -0.1);
  EXPECT_EQ(lp["top_logprobs"][0].size(), 2u);
  EXPECT_EQ(lp["text_offset"][1], 3);
  EXPECT_EQ(j["usage"]["prompt_tokens"], 5);
  EXPECT_EQ(j["usage"]["completion_tokens"], 4);
}

TEST(FakeOpenAIServerTest, ReasoningStyles) {
  for (const std::string field : {"reasoning_content", "reasoning"}) {
    FakeOpenAIServer server(FakeServerOptions{.reasoning_style = field});
    server.start();
    const json j = parse(post(server.port(), "/v1/chat/completions", chat_body("2 * 4")));
    const auto& message = j["choices"][0]["message"];
    EXPECT_EQ(message[field], "working out 2 * 4") << field;
    EXPECT_EQ(message["content"], "The answer is \\boxed{8}") << field;
    EXPECT_EQ(j["usage"]["completion_tokens"], 4);
    EXPECT_EQ(j["usage"]["completion_tokens_details"]["reasoning_tokens"], 5);
  }
  FakeOpenAIServer none(FakeServerOptions{.reasoning_style = "none"});
  none.start();
  const json j = parse(post(none.port(), "/v1/chat/completions", chat_body("2 * 4")));
  EXPECT_EQ(j["choices"][0]["message"]["content"], "The answer is \\boxed{8}");
  EXPECT_FALSE(j["choices"][0]["message"].contains("reasoning_content"));
  EXPECT_EQ(j["usage"]["completion_tokens_details"]["reasoning_tokens"], 0);
}

TEST(FakeOpenAIServerTest, NoExpressionMeansIDontKnow) {
  FakeOpenAIServer server;
  server.start();
  const json j = parse(post(server.port(), "/v1/chat/completions", chat_body("Tell me a story")));
  EXPECT_EQ(j["choices"][0]["message"]["content"], "I don't know.");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
}

TEST(FakeOpenAIServerTest, WrongRateIsDeterministicPerPromptKey) {
  FakeOpenAIServer always(FakeServerOptions{.wrong_rate = 1.0, .reasoning_style = "none"});
  always.start();
  EXPECT_EQ(parse(post(always.port(), "/v1/chat/completions", chat_body("2 + 2")))["choices"][0]["message"]["content"],
            "The answer is \\boxed{5}");

  FakeOpenAIServer half(FakeServerOptions{.wrong_rate = 0.5, .reasoning_style = "none"});
  half.start();
  int wrong = 0;
  for (int i = 0; i < 40; ++i) {
    const std::string prompt = std::to_string(i) + " + 100";
    const bool expect_wrong = fake_key_is_wrong(prompt, 0.5);
    wrong += expect_wrong;
    const std::string expected = "The answer is \\boxed{" + std::to_string(i + 100 + (expect_wrong ? 1 : 0)) + "}";
    for (int repeat = 0; repeat < 2; ++repeat) {
      EXPECT_EQ(parse(post(half.port(), "/v1/chat/completions", chat_body(prompt)))["choices"][0]["message"]["content"],
                expected);
    }
  }
  EXPECT_GT(wrong, 5);
  EXPECT_LT(wrong, 35);
}

TEST(FakeOpenAIServerTest, MaxTokensTruncates) {
  FakeOpenAIServer server;
  server.start();
  json body = chat_body("17 + 25");
  body["max_tokens"] = 3;
  json j = parse(post(server.port(), "/v1/chat/completions", body));
  EXPECT_EQ(j["choices"][0]["message"]["content"], "<think>\nworking out");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(j["usage"]["completion_tokens"], 3);
  EXPECT_EQ(j["usage"]["completion_tokens_details"]["reasoning_tokens"], 2);

  body.erase("max_tokens");
  body["max_completion_tokens"] = 11;  // exactly enough
  j = parse(post(server.port(), "/v1/chat/completions", body));
  EXPECT_EQ(j["choices"][0]["message"]["content"], kTagsAnswer);
  EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
}

TEST(FakeOpenAIServerTest, ChatLogprobsAndTokenIds) {
  FakeOpenAIServer server(FakeServerOptions{.reasoning_style = "none"});
  server.start();
  json body = chat_body("1 + 1");
  body["logprobs"] = true;
  body["top_logprobs"] = 3;
  body["return_token_ids"] = true;
  const json j = parse(post(server.port(), "/v1/chat/completions", body));
  const auto& choice = j["choices"][0];
  const auto& content = choice["logprobs"]["content"];
  ASSERT_EQ(content.size(), 4u);  // "The", " answer", " is", " \boxed{2}"
  std::string joined;
  for (const auto& entry : content) {
    joined += entry["token"].get<std::string>();
    EXPECT_EQ(entry["logprob"], -0.1);
    EXPECT_EQ(entry["top_logprobs"].size(), 3u);
    EXPECT_EQ(entry["top_logprobs"][0]["token"], entry["token"]);
    EXPECT_EQ(entry["bytes"].size(), entry["token"].get<std::string>().size());
  }
  EXPECT_EQ(joined, choice["message"]["content"]);
  ASSERT_EQ(choice["token_ids"].size(), 4u);
  for (const auto& id : choice["token_ids"]) {
    EXPECT_GE(id.get<int>(), 0);
    EXPECT_LT(id.get<int>(), 1000);
  }
}

TEST(FakeOpenAIServerTest, ChatStream) {
  FakeOpenAIServer server;
  server.start();
  json body = chat_body("17 + 25", /*stream=*/true);
  body["return_token_ids"] = true;
  const auto r = post(server.port(), "/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.error) << r.error.message();
  EXPECT_EQ(r.content_type, "text/event-stream");
  const auto events = sse_data(r.body);
  ASSERT_GE(events.size(), 4u);
  EXPECT_EQ(events.back(), "[DONE]");
  std::string content;
  std::string finish;
  int token_ids = 0;
  for (std::size_t i = 0; i + 2 < events.size(); ++i) {
    const json chunk = json::parse(events[i]);
    EXPECT_EQ(chunk["object"], "chat.completion.chunk");
    EXPECT_TRUE(chunk["usage"].is_null());
    const auto& choice = chunk["choices"][0];
    if (choice["delta"].contains("content")) content += choice["delta"]["content"].get<std::string>();
    if (choice.contains("token_ids")) token_ids += static_cast<int>(choice["token_ids"].size());
    if (!choice["finish_reason"].is_null()) finish = choice["finish_reason"];
  }
  EXPECT_EQ(content, kTagsAnswer);
  EXPECT_EQ(finish, "stop");
  EXPECT_EQ(token_ids, 11);
  const json usage_chunk = json::parse(events[events.size() - 2]);
  EXPECT_TRUE(usage_chunk["choices"].empty());
  EXPECT_EQ(usage_chunk["usage"]["completion_tokens"], 11);
  EXPECT_EQ(usage_chunk["usage"]["completion_tokens_details"]["reasoning_tokens"], 5);
}

TEST(FakeOpenAIServerTest, StreamsReasoningFieldAndCompletions) {
  FakeOpenAIServer server(FakeServerOptions{.reasoning_style = "reasoning_content"});
  server.start();
  json body = chat_body("3 * 3", /*stream=*/true);
  body.erase("stream_options");  // no usage chunk
  auto events = sse_data(post(server.port(), "/v1/chat/completions", body).body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "[DONE]");
  std::string reasoning, content;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const json chunk = json::parse(events[i]);
    EXPECT_FALSE(chunk.contains("usage"));
    const auto& delta = chunk["choices"][0]["delta"];
    if (delta.contains("reasoning_content")) reasoning += delta["reasoning_content"].get<std::string>();
    if (delta.contains("content")) content += delta["content"].get<std::string>();
  }
  EXPECT_EQ(reasoning, "working out 3 * 3");
  EXPECT_EQ(content, "The answer is \\boxed{9}");

  events = sse_data(post(server.port(), "/v1/completions", {{"prompt", "3 * 3"}, {"stream", true}}).body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "[DONE]");
  std::string text;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const json chunk = json::parse(events[i]);
    EXPECT_EQ(chunk["object"], "text_completion");
    text += chunk["choices"][0]["text"].get<std::string>();
  }
  EXPECT_EQ(text, "The answer is \\boxed{9}");
}

TEST(FakeOpenAIServerTest, ModelsNotFoundAndBadRequests) {
  FakeOpenAIServer server;
  server.start();
  auto r = get(server.port(), "/v1/models");
  ASSERT_EQ(r.status, 200);
  json j = parse(r);
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["data"][0]["id"], "fake-model");
  EXPECT_EQ(j["data"][0]["object"], "model");

  r = get(server.port(), "/v1/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(parse(r)["error"].contains("message"));
  EXPECT_EQ(get(server.port(), "/v1/chat/completions").status, 404);  // wrong method

  r = HttpClient(server.port()).request(http::verb::post, "/v1/chat/completions", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(parse(r)["error"]["type"], "invalid_request_error");
  r = post(server.port(), "/v1/chat/completions", {{"model", "m"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(parse(r)["error"]["type"], "invalid_request_error");
  EXPECT_EQ(server.stats()["bad_requests"], 2);
}

TEST(FakeOpenAIServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  FakeOpenAIServer server;
  server.start();
  HttpClient client(server.port());
  for (int i = 0; i < 5; ++i) {
    const auto r = client.request(http::verb::post, "/v1/chat/completions", chat_body(std::to_string(i) + "+1").dump());
    ASSERT_EQ(r.status, 200) << r.error.message();
  }
  EXPECT_EQ(client.request(http::verb::get, "/v1/models").status, 200);
}

// ---------------------------------------------------------------------------------------------
// Faults: each kind fails the first attempt of a prompt key, and the next attempt succeeds.

struct FaultCase {
  std::string kind;
  bool stream;
  std::string counted_as;  // by_fault key
};

class FakeOpenAIServerFaultTest : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FakeOpenAIServerFaultTest, FailsFirstAttemptThenSucceeds) {
  const FaultCase& c = GetParam();
  FakeOpenAIServer server(
      FakeServerOptions{.fault_rate = 1.0, .faults = {c.kind}, .stall_ms = 1500, .retry_after_s = 7});
  server.start();
  const json body = chat_body("What is 17 + 25?", c.stream);

  const auto first = post(server.port(), "/v1/chat/completions", body, /*timeout=*/300ms);
  if (c.kind == "429") {
    EXPECT_EQ(first.status, 429);
    EXPECT_EQ(first.retry_after, "7");
    EXPECT_EQ(parse(first)["error"]["type"], "rate_limit_error");
  } else if (c.kind == "500") {
    EXPECT_EQ(first.status, 500);
    EXPECT_EQ(parse(first)["error"]["type"], "server_error");
  } else if (c.kind == "stall") {
    EXPECT_TRUE(first.timed_out);
    EXPECT_EQ(first.status, 0);
  } else if (c.kind == "malformed" && !c.stream) {
    EXPECT_EQ(first.status, 200);
    EXPECT_FALSE(first.error);
    EXPECT_TRUE(json::parse(first.body, nullptr, false).is_discarded()) << first.body;
  } else if (c.kind == "malformed") {
    EXPECT_EQ(first.status, 200);
    const auto events = sse_data(first.body);
    ASSERT_FALSE(events.empty());
    EXPECT_TRUE(json::parse(events.front(), nullptr, false).is_discarded()) << events.front();
  } else if (c.kind == "reset" || !c.stream) {  // reset, and stream_cut on a non-stream request
    EXPECT_EQ(first.status, 0);
    EXPECT_TRUE(first.body.empty());
    EXPECT_EQ(first.error, net::error::connection_reset) << first.error.message();
  } else {  // stream_cut
    EXPECT_EQ(first.status, 200);
    EXPECT_TRUE(first.error) << "the stream should end without its terminating chunk";
    EXPECT_FALSE(first.timed_out);
    const auto events = sse_data(first.body);
    EXPECT_FALSE(events.empty());
    for (const auto& e : events) {
      EXPECT_NE(e, "[DONE]");
      EXPECT_FALSE(json::parse(e, nullptr, false).is_discarded()) << e;
    }
  }

  const auto second = post(server.port(), "/v1/chat/completions", body);
  ASSERT_EQ(second.status, 200);
  EXPECT_FALSE(second.error) << second.error.message();
  if (c.stream) {
    const auto events = sse_data(second.body);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back(), "[DONE]");
  } else {
    EXPECT_EQ(parse(second)["choices"][0]["message"]["content"], kTagsAnswer);
  }

  const json stats = server.stats();
  EXPECT_EQ(stats["requests"], 2);
  EXPECT_EQ(stats["by_fault"][c.counted_as], 1) << stats.dump();
  EXPECT_EQ(stats["by_fault"]["none"], 1);
  EXPECT_EQ(stats["by_prompt"]["What is 17 + 25?"]["requests"], 2);
  if (c.kind != "stall") {  // the stalled response is still to come
    EXPECT_EQ(stats["completed"], 1);
    EXPECT_EQ(stats["by_prompt"]["What is 17 + 25?"]["completed"], 1);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, FakeOpenAIServerFaultTest,
    ::testing::Values(FaultCase{"429", false, "429"}, FaultCase{"500", false, "500"}, FaultCase{"stall", false, "stall"},
                      FaultCase{"stall", true, "stall"}, FaultCase{"malformed", false, "malformed"},
                      FaultCase{"malformed", true, "malformed"}, FaultCase{"reset", false, "reset"},
                      FaultCase{"reset", true, "reset"}, FaultCase{"stream_cut", true, "stream_cut"},
                      FaultCase{"stream_cut", false, "reset"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) {
      return "Kind" + info.param.kind + (info.param.stream ? "Stream" : "");
    });

TEST(FakeOpenAIServerTest, FaultAttemptsCountPerPromptKey) {
  FakeOpenAIServer server(FakeServerOptions{.fault_rate = 1.0, .fault_attempts = 3, .faults = {"500"}});
  server.start();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(post(server.port(), "/v1/chat/completions", chat_body("1 + 2")).status, 500);
  EXPECT_EQ(post(server.port(), "/v1/chat/completions", chat_body("1 + 2")).status, 200);
  // A seed makes a different key, with its own attempts.
  json seeded = chat_body("1 + 2");
  seeded["seed"] = 3;
  EXPECT_EQ(post(server.port(), "/v1/chat/completions", seeded).status, 500);
  const json stats = server.stats();
  EXPECT_EQ(stats["by_prompt"]["1 + 2"]["requests"], 4);
  EXPECT_EQ(stats["by_prompt"]["1 + 2#seed=3"]["requests"], 1);
  EXPECT_EQ(stats["by_fault"]["500"], 4);
}

TEST(FakeOpenAIServerTest, FaultKindsCycleAcrossAttempts) {
  FakeOpenAIServer server(FakeServerOptions{.fault_rate = 1.0, .fault_attempts = 2, .faults = {"429", "500"}});
  server.start();
  const int a = post(server.port(), "/v1/chat/completions", chat_body("5 * 5")).status;
  const int b = post(server.port(), "/v1/chat/completions", chat_body("5 * 5")).status;
  EXPECT_NE(a, b);
  EXPECT_TRUE((a == 429 && b == 500) || (a == 500 && b == 429));
  EXPECT_EQ(post(server.port(), "/v1/chat/completions", chat_body("5 * 5")).status, 200);
}

TEST(FakeOpenAIServerTest, FaultRateSelectsAFractionOfPromptKeysByHash) {
  FakeOpenAIServer server(FakeServerOptions{.fault_rate = 0.3, .faults = {"500"}});
  server.start();
  int faulted = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string prompt = "question " + std::to_string(i) + ": 1 + " + std::to_string(i);
    const int status = post(server.port(), "/v1/chat/completions", chat_body(prompt)).status;
    EXPECT_EQ(status == 500, fake_key_is_faulted(prompt, 0.3)) << prompt;
    faulted += status == 500;
  }
  EXPECT_GT(faulted, 15);
  EXPECT_LT(faulted, 45);
  EXPECT_EQ(server.stats()["by_fault"]["500"], faulted);
}

TEST(FakeOpenAIServerTest, StatsAndResetStats) {
  FakeOpenAIServer server(FakeServerOptions{.fault_rate = 1.0, .faults = {"429"}});
  server.start();
  EXPECT_EQ(post(server.port(), "/v1/chat/completions", chat_body("1 + 1")).status, 429);
  EXPECT_EQ(post(server.port(), "/v1/chat/completions", chat_body("1 + 1")).status, 200);
  EXPECT_EQ(post(server.port(), "/v1/completions", {{"prompt", "2 + 2"}}).status, 429);

  auto r = get(server.port(), "/stats");
  ASSERT_EQ(r.status, 200);
  json stats = parse(r);
  EXPECT_EQ(stats, server.stats());
  EXPECT_EQ(stats["requests"], 3);
  EXPECT_EQ(stats["completed"], 1);
  EXPECT_EQ(stats["by_fault"]["429"], 2);
  EXPECT_EQ(stats["by_fault"]["none"], 1);
  EXPECT_EQ(stats["by_fault"]["500"], 0);
  EXPECT_EQ(stats["by_prompt"]["1 + 1"], (json{{"requests", 2}, {"completed", 1}}));
  EXPECT_EQ(stats["by_prompt"]["2 + 2"], (json{{"requests", 1}, {"completed", 0}}));
  EXPECT_EQ(stats["max_in_flight"], 1);

  r = HttpClient(server.port()).request(http::verb::post, "/reset-stats");
  EXPECT_EQ(r.status, 200);
  stats = server.stats();
  EXPECT_EQ(stats["requests"], 0);
  EXPECT_EQ(stats["completed"], 0);
  EXPECT_TRUE(stats["by_prompt"].empty());
  EXPECT_EQ(stats["by_fault"]["429"], 0);
  // Attempts are cleared too: the faulted key fails again.
  EXPECT_EQ(post(server.port(), "/v1/chat/completions", chat_body("1 + 1")).status, 429);
  server.reset_stats();
  EXPECT_EQ(server.stats()["requests"], 0);
}

TEST(FakeOpenAIServerTest, MaxConcurrentRejectsWith429) {
  FakeOpenAIServer server(FakeServerOptions{.retry_after_s = 2, .latency_ms = 1000, .max_concurrent = 2});
  server.start();
  constexpr int kClients = 6;
  std::vector<HttpResult> results(kClients);
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<HttpClient>(server.port()));
  std::latch go(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      results[i] = clients[i]->request(http::verb::post, "/v1/chat/completions",
                                       chat_body("c" + std::to_string(i) + " 1 + 1").dump());
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0, rejected = 0;
  for (const auto& r : results) {
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++rejected;
      EXPECT_EQ(r.retry_after, "2");
      EXPECT_EQ(parse(r)["error"]["type"], "rate_limit_error");
    }
  }
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(rejected, kClients - 2);
  const json stats = server.stats();
  EXPECT_EQ(stats["by_fault"]["429"], kClients - 2);
  EXPECT_EQ(stats["completed"], 2);
  EXPECT_GE(stats["max_in_flight"].get<int>(), 3);  // arrivals count, rejected ones included
}

TEST(FakeOpenAIServerTest, MaxConcurrentNeverRejectsASequentialClient) {
  FakeOpenAIServer server(FakeServerOptions{.max_concurrent = 1});
  server.start();
  HttpClient client(server.port());
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(client.request(http::verb::post, "/v1/chat/completions", chat_body("1 + 1").dump()).status, 200) << i;
  }
  EXPECT_EQ(server.stats()["by_fault"]["429"], 0);
}

TEST(FakeOpenAIServerTest, HundredsOfConcurrentDelayedRequestsUseTimers) {
  // One thread, 1 s of latency each: only timers (no blocked threads) can finish these in ~1 s.
  FakeOpenAIServer server(FakeServerOptions{.threads = 1, .latency_ms = 1000});
  server.start();
  constexpr int kClients = 300;
  std::atomic<int> ok{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      const auto r = post(server.port(), "/v1/chat/completions", chat_body(std::to_string(i) + " + 1"), 20s);
      if (r.status == 200) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_LT(seconds, 8.0);
  EXPECT_GE(server.stats()["max_in_flight"].get<int>(), 50);
  EXPECT_EQ(server.stats()["in_flight"], 0);
}

TEST(FakeOpenAIServerTest, StopClosesOpenConnections) {
  FakeOpenAIServer server(FakeServerOptions{.fault_rate = 1.0, .faults = {"stall"}, .stall_ms = 60000});
  server.start();
  HttpResult result;
  std::thread client([&] { result = post(server.port(), "/v1/chat/completions", chat_body("1 + 1"), 20s); });
  while (server.stats()["requests"] == 0) std::this_thread::sleep_for(5ms);
  const auto t0 = std::chrono::steady_clock::now();
  server.stop();
  client.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(result.status, 0);
  EXPECT_FALSE(result.timed_out);
  EXPECT_TRUE(result.error);
}

// The standalone program (built by CMake, which defines its path).
#ifdef GAUNTLET_FAKE_SERVER
TEST(FakeOpenAIServerProcessTest, PrintsPortServesAndExitsOnSigterm) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(GAUNTLET_FAKE_SERVER, GAUNTLET_FAKE_SERVER, "--port", "0", "--wrong-rate", "1", "--faults", "500",
          "--fault-rate", "1", "--reasoning-style", "none", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reaper{pid};
  FILE* f = fdopen(out[0], "r");
  ASSERT_NE(f, nullptr);
  char line[64] = {};
  ASSERT_NE(fgets(line, sizeof line, f), nullptr);
  int port = 0;
  ASSERT_EQ(std::sscanf(line, "PORT %d\n", &port), 1) << line;
  ASSERT_GT(port, 0);
  const auto p = static_cast<std::uint16_t>(port);
  EXPECT_EQ(post(p, "/v1/chat/completions", chat_body("2 + 3")).status, 500);
  const json j = parse(post(p, "/v1/chat/completions", chat_body("2 + 3")));
  EXPECT_EQ(j["choices"][0]["message"]["content"], "The answer is \\boxed{6}");

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  reaper.pid = 0;
  fclose(f);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}
#endif

TEST(FakeOpenAIServerTest, TheAnswerBookAnswersMatchingPromptsByPromptAndSeed) {
  FakeServerOptions options;
  options.book = {{{"Problem A", "in Python"}, {"one", "two", "three"}}, {{"Problem A"}, {"fallback"}}};
  FakeOpenAIServer server(options);
  server.start();
  auto answer = [&](const std::string& prompt, int seed) {
    json body = chat_body(prompt);
    body["seed"] = seed;
    return parse(post(server.port(), "/v1/chat/completions", body))["choices"][0]["message"]["content"].get<std::string>();
  };
  std::set<std::string> seen;
  for (int seed = 0; seed < 30; ++seed) {
    const std::string a = answer("Solve Problem A in Python, please", seed);
    EXPECT_EQ(a, answer("Solve Problem A in Python, please", seed)) << "the same prompt and seed, the same answer";
    seen.insert(a);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"one", "two", "three"}));
  EXPECT_EQ(answer("Problem A in Rust", 1), "fallback");  // the first rule whose strings all occur
  EXPECT_NE(answer("What is 2 + 3?", 1).find("\\boxed{5}"), std::string::npos);  // no rule: the arithmetic model
}

TEST(FakeOpenAIServerHelpersTest, AnswerBooksAreCheckedWhenRead) {
  const std::string path = ::testing::TempDir() + "/book.json";
  auto write = [&](const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  write(R"([{"contains": ["x"], "answers": ["a", "b"]}])");
  auto book = load_answer_book(path);
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].answers, (std::vector<std::string>{"a", "b"}));
  for (const char* bad : {"{}", R"([{"contains": ["x"], "answers": []}])", R"([{"contains": "x", "answers": ["a"]}])",
                          R"([{"contains": ["x"], "answers": [1]}])", "not json"}) {
    write(bad);
    EXPECT_THROW(load_answer_book(path), std::invalid_argument) << bad;
  }
  EXPECT_THROW(load_answer_book(path + ".missing"), std::invalid_argument);
  EXPECT_THROW(FakeOpenAIServer(FakeServerOptions{.book = {{{"x"}, {}}}}), std::invalid_argument);
}

}  // namespace
}  // namespace gauntlet::testing
