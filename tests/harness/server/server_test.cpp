// `gauntlet serve`'s HTTP front end (harness/server/) on a random checkpoint, driven by our own
// OpenAI client and by raw HTTP: the openai provider through the server gives exactly the tokens,
// logprobs, text and reasoning the in-process engine provider gives for the same seeds (chat and
// completions, streamed and not, n > 1); errors name the field; disconnects cancel and free KV;
// fuzzed bodies and slow clients neither crash nor stall the server; many concurrent clients all
// complete with every KV block free at the end.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <random>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine/serve/scheduler.h"
#include "harness/clients/client_factory.h"
#include "harness/clients/engine_client.h"
#include "harness/server/http_server.h"
#include "tests/support/command.h"
#include "tests/support/http_request.h"
#include "tests/support/tiny_engine_model.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::TempDir;
using json = nlohmann::json;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

using Reply = gauntlet::testing::HttpReply;

Reply request(std::uint16_t port, http::verb method, const std::string& target, const std::string& body = {}) {
  return gauntlet::testing::http_request(port, method, target, body);
}

Reply post(std::uint16_t port, const std::string& target, const json& body) {
  return request(port, http::verb::post, target, body.dump());
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    gauntlet::testing::write_tiny_engine_model(dir_->path(), 12, /*experts=*/4, /*max_position=*/8192);
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override { start({}); }
  void TearDown() override { stop(); }

  void start(gauntlet::engine::SchedulerOptions options, double header_timeout_s = 30) {
    gauntlet::engine::EngineOptions eo;
    eo.threads = 2;
    engine_ = std::make_unique<gauntlet::engine::Engine>(dir_->path(), eo);
    scheduler_ = std::make_unique<gauntlet::engine::Scheduler>(*engine_, options);
    HttpServerOptions h;
    h.port = 0;
    h.model_name = "tiny";
    h.header_timeout_s = header_timeout_s;
    server_ = std::make_unique<HttpServer>(*engine_, *scheduler_, h);
    port_ = server_->port();
  }
  void stop() {
    if (server_) server_->stop_accepting();
    scheduler_.reset();
    server_.reset();
    engine_.reset();
  }

  ModelSpec openai_spec(Endpoint endpoint, bool stream) const {
    ModelSpec m;
    m.name = "tiny";
    m.endpoint = endpoint;
    m.concurrency = 8;
    OpenAISpec o;
    o.base_urls = {"http://127.0.0.1:" + std::to_string(port_) + "/v1"};
    o.stream = stream;
    o.max_retries = 0;
    o.timeout_s = 60;
    m.provider = o;
    m.extra_body = {{"return_token_ids", true}};
    return m;
  }

  ModelSpec engine_spec() const {
    ModelSpec m;
    m.name = "tiny";
    m.concurrency = 8;
    EngineSpec e;
    e.model_path = dir_->path();
    e.threads = 2;
    m.provider = e;
    return m;
  }

  static std::vector<ChatRequest> chats() {
    std::vector<ChatRequest> out;
    for (int i = 0; i < 6; ++i) {
      ChatRequest r;
      r.messages = {{"system", "be brief"}, {"user", "question " + std::to_string(i * 37)}};
      r.params.max_tokens = 6 + i;
      r.params.temperature = i % 2 ? 0.9 : 0.0;
      r.params.top_k = i % 3 == 1 ? 8 : 0;
      r.params.seed = 1000 + i;
      r.params.logprobs = true;
      r.params.top_logprobs = 2;
      if (i == 4) r.params.stop = {"e"};
      r.sample_index = i;
      out.push_back(std::move(r));
    }
    return out;
  }

  const gauntlet::engine::SchedulerStats stats_when_idle() {
    for (int i = 0; i < 400; ++i) {
      const auto s = scheduler_->stats();
      if (s.running_requests == 0 && s.waiting == 0) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return scheduler_->stats();
  }

  static TempDir* dir_;
  std::unique_ptr<gauntlet::engine::Engine> engine_;
  std::unique_ptr<gauntlet::engine::Scheduler> scheduler_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

TempDir* ServerTest::dir_ = nullptr;

// Text as it survives JSON: invalid UTF-8 (a random model emits any bytes) becomes U+FFFD, as in
// every OpenAI-compatible server.
std::string as_json_text(const std::string& s) {
  return json::parse(json(s).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

// a: served, b: in-process.
void expect_same(const ChatResult& a, const ChatResult& b) {
  ASSERT_TRUE(a.ok()) << a.error;
  ASSERT_TRUE(b.ok()) << b.error;
  ASSERT_EQ(a.choices.size(), b.choices.size());
  for (std::size_t c = 0; c < a.choices.size(); ++c) {
    const Choice& x = a.choices[c];
    const Choice& y = b.choices[c];
    EXPECT_EQ(x.token_ids, y.token_ids);
    EXPECT_EQ(x.text, as_json_text(y.text));
    EXPECT_EQ(x.reasoning, as_json_text(y.reasoning));
    EXPECT_EQ(x.finish_reason, y.finish_reason);
    ASSERT_EQ(x.logprobs.size(), y.logprobs.size());
    for (std::size_t i = 0; i < x.logprobs.size(); ++i) {
      EXPECT_FLOAT_EQ(static_cast<float>(x.logprobs[i].logprob), static_cast<float>(y.logprobs[i].logprob));
      EXPECT_EQ(x.logprobs[i].top.size(), y.logprobs[i].top.size());
    }
  }
  EXPECT_EQ(a.prompt_token_ids, b.prompt_token_ids);
  EXPECT_EQ(a.usage.prompt_tokens, b.usage.prompt_tokens);
  EXPECT_EQ(a.usage.completion_tokens, b.usage.completion_tokens);
}

TEST_F(ServerTest, TheOpenAIProviderThroughTheServerGivesTheInProcessTokens) {
  EngineClient local(engine_spec());
  for (bool stream : {false, true}) {
    SCOPED_TRACE(stream ? "stream" : "whole");
    auto remote = make_client(openai_spec(Endpoint::kChat, stream));
    std::vector<std::future<ChatResult>> futures;
    for (const auto& r : chats()) futures.push_back(remote->submit(r));  // concurrently: batched
    const auto rs = chats();
    for (std::size_t i = 0; i < rs.size(); ++i) {
      SCOPED_TRACE(i);
      expect_same(futures[i].get(), local.answer(rs[i]));
    }
  }
  // n > 1: choice i is the request seeded seed + i, in-process and served alike.
  ChatRequest r = chats()[1];
  r.n = 3;
  auto remote = make_client(openai_spec(Endpoint::kChat, false));
  const auto served = remote->submit(r).get();
  expect_same(served, local.answer(r));
  EXPECT_EQ(served.choices.size(), 3u);
}

// Routing controls through the openai provider's extra_body, with traces: the same tokens and the
// same routing summary as the in-process provider with the same routing block.
TEST_F(ServerTest, RoutingThroughExtraBodyMatchesTheInProcessRoutingBlock) {
  const json routing = {{"top_k", 1}, {"trace", true}};
  ModelSpec local_spec = engine_spec();
  local_spec.engine().routing = routing;
  EngineClient local(local_spec);
  ModelSpec remote_spec = openai_spec(Endpoint::kChat, false);
  remote_spec.extra_body["routing"] = routing;
  auto remote = make_client(remote_spec);
  for (const auto& r : chats()) {
    const auto served = remote->submit(r).get();
    const auto here = local.answer(r);
    expect_same(served, here);
    ASSERT_FALSE(served.choices.empty());
    EXPECT_EQ(served.choices[0].routing, here.choices[0].routing);
    EXPECT_EQ(served.choices[0].routing["experts_per_token"], 1.0);
  }
}

TEST_F(ServerTest, CompletionsWithTokenIdsLogprobsAndStopStrings) {
  const auto plain = post(port_, "/v1/completions",
                          {{"prompt", "hello there"}, {"max_tokens", 8}, {"seed", 3}, {"logprobs", 2},
                           {"return_token_ids", true}});
  ASSERT_EQ(plain.status, 200) << plain.body;
  const json j = json::parse(plain.body);
  EXPECT_EQ(j["object"], "text_completion");
  const auto& choice = j["choices"][0];
  ASSERT_EQ(choice["logprobs"]["tokens"].size(), choice["token_ids"].size());
  EXPECT_EQ(choice["logprobs"]["top_logprobs"][0].size(), 2u);
  // The same prompt as token ids gives the same completion.
  const auto by_ids = post(port_, "/v1/completions",
                           {{"prompt", j["prompt_token_ids"]}, {"max_tokens", 8}, {"seed", 3}, {"return_token_ids", true}});
  ASSERT_EQ(by_ids.status, 200) << by_ids.body;
  EXPECT_EQ(json::parse(by_ids.body)["choices"][0]["token_ids"], choice["token_ids"]);
  EXPECT_EQ(json::parse(by_ids.body)["choices"][0]["text"], choice["text"]);
  // A stop string (an ASCII character of the text, not the first) cuts the text before it.
  const std::string text = choice["text"];
  std::size_t at = 1;
  while (at < text.size() && !std::isgraph(static_cast<unsigned char>(text[at]))) ++at;
  ASSERT_LT(at, text.size()) << "no ASCII character in " << text;
  const std::string stop = text.substr(at, 1);
  const auto stopped = post(port_, "/v1/completions", {{"prompt", "hello there"}, {"max_tokens", 8}, {"seed", 3}, {"stop", stop}});
  const json s = json::parse(stopped.body);
  EXPECT_EQ(s["choices"][0]["text"], text.substr(0, text.find(stop)));
  EXPECT_EQ(s["choices"][0]["finish_reason"], "stop");
}

TEST_F(ServerTest, ContinuationRendersWithoutAGenerationPrompt) {
  const json messages = {{{"role", "user"}, {"content", "say hi"}}, {{"role", "assistant"}, {"content", "Hi, I am"}}};
  const auto r = post(port_, "/v1/chat/completions",
                      {{"messages", messages}, {"max_tokens", 2}, {"add_generation_prompt", false},
                       {"continue_final_message", true}, {"return_token_ids", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::vector<int> ids = json::parse(r.body)["prompt_token_ids"];
  const std::string prompt = engine_->tokenizer().decode(ids, false);
  EXPECT_EQ(prompt.substr(prompt.size() - 8), "Hi, I am") << prompt;
  const auto bad = post(port_, "/v1/chat/completions", {{"messages", messages}, {"continue_final_message", true}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["error"]["param"], "continue_final_message");
}

TEST_F(ServerTest, RoutingControlsAndTracesPerRequest) {
  const json base = {{"prompt", "route me"}, {"max_tokens", 4}, {"seed", 1}};
  json traced = base;
  traced["routing"] = {{"top_k", 1}, {"trace", true}};
  const auto r = post(port_, "/v1/completions", traced);
  ASSERT_EQ(r.status, 200) << r.body;
  const json routing = json::parse(r.body)["choices"][0]["routing"];
  EXPECT_EQ(routing["experts_per_token"], 1.0);
  EXPECT_EQ(routing["tokens"], 4);
  json masked = base;
  masked["routing"] = {{"expert_mask", "0:9"}};
  const auto bad = post(port_, "/v1/completions", masked);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(json::parse(bad.body)["error"]["param"], "routing");
  json unknown = base;
  unknown["routing"] = {{"topk", 1}};
  EXPECT_EQ(post(port_, "/v1/completions", unknown).status, 400);
  json from_file = base;
  from_file["routing"] = {{"rice_from", "/etc/passwd"}};
  EXPECT_EQ(json::parse(post(port_, "/v1/completions", from_file).body)["error"]["param"], "routing.rice_from");
}

TEST_F(ServerTest, BadRequestsGetA400NamingTheField) {
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"messages", "hi"}}, "messages"},
      {{{"messages", json::array({{{"content", "x"}}})}}, "messages[0].role"},
      {{{"messages", json::array({{{"role", "user"}, {"content", "x"}}})}, {"top_p", 0}}, "top_p"},
      {{{"messages", json::array({{{"role", "user"}, {"content", "x"}}})}, {"max_tokens", -1}}, "max_tokens"},
      {{{"messages", json::array({{{"role", "user"}, {"content", "x"}}})}, {"n", 0}}, "n"},
      {{{"messages", json::array({{{"role", "user"}, {"content", "x"}}})}, {"stop", json::array({1})}}, "stop[0]"},
      {{{"messages", json::array({{{"role", "user"}, {"content", "x"}}})}, {"top_logprobs", 3}}, "top_logprobs"},
      {{{"messages", json::array({{{"role", "user"}, {"content", "x"}}})}, {"seed", "one"}}, "seed"},
      {{{"messages", json::array({{{"role", "user"}, {"content", json::array({{{"type", 9}, {"text", "p"}}})}}})}},
       "messages[0].content[0]"},
  };
  for (const auto& [body, param] : cases) {
    const auto r = post(port_, "/v1/chat/completions", body);
    EXPECT_EQ(r.status, 400) << body.dump();
    EXPECT_EQ(json::parse(r.body)["error"]["param"], param) << r.body;
  }
  EXPECT_EQ(json::parse(request(port_, http::verb::post, "/v1/completions", "{not json").body)["error"]["param"], "body");
  EXPECT_EQ(post(port_, "/v1/completions", {{"prompt", json::array({1, 999999})}}).status, 400);
  // Hostile bodies: nesting 100,000 deep in an unread field of a message (once a stack overflow that
  // ended the server) and numbers beyond int64 are 400s naming the body or the field.
  const std::string deep = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"x\": " +
                           std::string(100000, '[') + std::string(100000, ']') + "}]}";
  const auto nested = request(port_, http::verb::post, "/v1/chat/completions", deep);
  EXPECT_EQ(nested.status, 400);
  EXPECT_EQ(json::parse(nested.body)["error"]["param"], "body") << nested.body;
  EXPECT_NE(nested.body.find("nested deeper than"), std::string::npos) << nested.body;
  for (const char* huge : {"1e300", "-1e300", "18446744073709551615", "9.3e18"}) {
    const auto r = request(port_, http::verb::post, "/v1/completions",
                           std::string("{\"prompt\": \"p\", \"max_tokens\": ") + huge + "}");
    EXPECT_EQ(r.status, 400) << huge;
    EXPECT_EQ(json::parse(r.body)["error"]["param"], "max_tokens") << r.body;
  }
  // A prompt longer than the context: a clear 400.
  std::string long_prompt;
  for (int i = 0; i < 9000; ++i) long_prompt += "w ";
  const auto too_long = post(port_, "/v1/completions", {{"prompt", long_prompt}, {"max_tokens", 1}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_NE(json::parse(too_long.body)["error"]["message"].get<std::string>().find("context"), std::string::npos);
  EXPECT_EQ(request(port_, http::verb::get, "/v1/nowhere").status, 404);
  EXPECT_EQ(request(port_, http::verb::get, "/v1/completions").status, 405);
}

TEST_F(ServerTest, HealthModelsAndMetrics) {
  EXPECT_EQ(json::parse(request(port_, http::verb::get, "/health").body)["status"], "ok");
  EXPECT_EQ(json::parse(request(port_, http::verb::get, "/v1/models").body)["data"][0]["id"], "tiny");
  post(port_, "/v1/completions", {{"prompt", "count me"}, {"max_tokens", 3}});
  const auto m = request(port_, http::verb::get, "/metrics");
  ASSERT_EQ(m.status, 200);
  for (const char* name : {"gauntlet_queue_depth ", "gauntlet_running_batch ", "gauntlet_tokens_per_second ",
                           "gauntlet_kv_blocks_used ", "gauntlet_kv_blocks_free ", "gauntlet_prefix_cache_hits_total ",
                           "gauntlet_generated_tokens_total 3"})
    EXPECT_NE(m.body.find(name), std::string::npos) << name << "\n" << m.body;
}

TEST_F(ServerTest, AFullQueueGetsA429WithRetryAfter) {
  stop();
  gauntlet::engine::SchedulerOptions o;
  o.max_batch = 1;
  o.max_waiting = 1;
  start(o);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0}, limited{0}, other{0};
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&] {
      const auto r = post(port_, "/v1/completions", {{"prompt", "busy"}, {"max_tokens", 300}, {"ignore_eos", true}});
      if (r.status == 200) ++ok;
      else if (r.status == 429 && r.retry_after == "1") ++limited;
      else ++other;
    });
  for (auto& t : clients) t.join();
  EXPECT_GE(ok.load(), 1);
  EXPECT_GE(limited.load(), 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(ServerTest, ADisconnectMidStreamCancelsAndFreesItsBlocks) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
  const std::string body =
      json({{"prompt", "stream forever"}, {"max_tokens", 8000}, {"n", 4}, {"ignore_eos", true}, {"stream", true}}).dump();
  const std::string req = "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
  net::write(socket, net::buffer(req));
  std::string got;
  char buf[4096];
  while (got.find("data: ") == std::string::npos) got.append(buf, socket.read_some(net::buffer(buf)));
  EXPECT_NE(got.find("text/event-stream"), std::string::npos);
  EXPECT_GT(scheduler_->stats().running_requests, 0);
  socket.close();
  for (int i = 0; i < 500 && scheduler_->stats().requests_done == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto s = stats_when_idle();
  EXPECT_EQ(s.running_requests, 0);
  EXPECT_EQ(s.kv_blocks_used, 0);
  EXPECT_EQ(s.requests_cancelled, 1);
}

TEST_F(ServerTest, FuzzedBodiesAndSlowClientsNeitherCrashNorStall) {
  stop();
  start({}, /*header_timeout_s=*/1.0);
  // Slow-loris: connections that send half a request and stall.
  net::io_context ioc;
  std::vector<tcp::socket> slow;
  for (int i = 0; i < 16; ++i) {
    slow.emplace_back(ioc);
    slow.back().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
    net::write(slow.back(), net::buffer(std::string("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Le")));
  }
  // Fuzz: mutations of a valid body (bytes flipped, cut, duplicated) and random JSON values.
  const std::string valid =
      json({{"messages", json::array({{{"role", "user"}, {"content", "fuzz"}}})}, {"max_tokens", 2}, {"n", 2},
            {"stop", json::array({"x"})}, {"routing", {{"top_k", 1}}}, {"logprobs", true}, {"top_logprobs", 1}})
          .dump();
  std::mt19937 rng(7);
  int answered = 0;
  for (int i = 0; i < 150; ++i) {
    std::string body = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % body.size();
      switch (rng() % 4) {
        case 0: body[at] = static_cast<char>(rng() % 256); break;
        case 1: body.erase(at, 1 + rng() % 8); break;
        case 2: body.insert(at, body.substr(at, 1 + rng() % 8)); break;
        default: body = body.substr(0, at); break;
      }
      if (body.empty()) body = "{";
    }
    const auto r = request(port_, http::verb::post, i % 2 ? "/v1/chat/completions" : "/v1/completions", body);
    EXPECT_TRUE(r.status == 200 || r.status == 400) << r.status << " " << body << "\n" << r.body;
    ++answered;
  }
  EXPECT_EQ(answered, 150);
  // The stalled clients are closed by the header timeout; the server still answers.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  int closed = 0;
  for (auto& s : slow) {
    char c;
    beast::error_code ec;
    s.read_some(net::buffer(&c, 1), ec);
    if (ec) ++closed;
  }
  EXPECT_EQ(closed, 16);
  EXPECT_EQ(request(port_, http::verb::get, "/health").status, 200);
  EXPECT_EQ(stats_when_idle().kv_blocks_used, 0);
}

TEST_F(ServerTest, ManyConcurrentClientsAllCompleteAndFreeEveryBlock) {
  const int clients = 32, each = 10;
  std::atomic<int> ok{0};
  std::vector<double> latencies(static_cast<std::size_t>(clients * each));
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      for (int k = 0; k < each; ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = post(port_, "/v1/completions",
                            {{"prompt", "client " + std::to_string(c) + " asks " + std::to_string(k)},
                             {"max_tokens", 4 + (c + k) % 8}, {"seed", c * 100 + k}, {"stream", (c + k) % 3 == 0}});
        if (r.status == 200) ++ok;
        latencies[static_cast<std::size_t>(c * each + k)] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), clients * each);
  std::sort(latencies.begin(), latencies.end());
  std::cout << "[ latency ] " << clients << " clients x " << each << " requests: p50 "
            << latencies[latencies.size() / 2] << " s, p99 " << latencies[latencies.size() * 99 / 100] << " s\n";
  const auto s = stats_when_idle();
  EXPECT_EQ(s.kv_blocks_used, 0);
  EXPECT_EQ(s.requests_done, clients * each);
}

}  // namespace
