// How requests fail, and how fast: a 400 about the context is a context failure, other 4xx are
// rejections; nothing listening on any URL ends a model's work at once with the error quoted; an
// interrupt cancels what waits in a queue or a backoff.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "harness/clients/openai_client.h"
#include "harness/clients/openai_wire.h"
#include "harness/clients/toy_client.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace gauntlet::harness {
namespace {

using testing::FakeOpenAIServer;
using testing::always_failing_options;
using namespace std::chrono_literals;

ModelSpec http_model(const std::vector<std::string>& urls) {
  ModelSpec m;
  m.name = "m";
  m.openai().base_urls = urls;
  return m;
}

ChatRequest ask(int i) {
  ChatRequest r;
  r.messages = {{"user", "What is " + std::to_string(i) + "+1?"}};
  return r;
}

TEST(FailureKinds, ContextMessagesAreRecognised) {
  EXPECT_TRUE(says_context_too_long(400, R"({"error":{"message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens"}})"));
  EXPECT_TRUE(says_context_too_long(400, R"({"error":{"code":"context_length_exceeded","message":"too long"}})"));
  EXPECT_TRUE(says_context_too_long(400, R"({"error":{"message":"The input (5000 tokens) is longer than the model's context length (4096 tokens)."}})"));
  EXPECT_TRUE(says_context_too_long(400, R"({"error":{"message":"the request exceeds the available context size, try increasing it"}})"));
  EXPECT_TRUE(says_context_too_long(422, R"({"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096"})"));
  EXPECT_FALSE(says_context_too_long(400, R"({"error":{"message":"unknown model 'x'"}})"));
  EXPECT_FALSE(says_context_too_long(500, R"({"error":{"message":"maximum context length"}})"));
}

TEST(FailureKinds, A400AboutTheContextIsAContextFailureAndIsNotRetried) {
  FakeOpenAIServer server(always_failing_options("context"));
  server.start();
  OpenAIClient client(http_model({server.base_url()}));
  auto r = client.submit(ask(1)).get();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.failure, Failure::kContext);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.retries, 0);
  EXPECT_NE(r.error.find("context too long: This model's maximum context length"), std::string::npos) << r.error;
  EXPECT_EQ(client.last_error(), r.error);
}

TEST(FailureKinds, NothingListeningOnAnyUrlFailsEveryRequestAtOnce) {
  auto model = http_model({"http://127.0.0.1:" + std::to_string(gauntlet::testing::closed_local_port()) + "/v1",
                           "http://127.0.0.1:" + std::to_string(gauntlet::testing::closed_local_port()) + "/v1"});
  model.openai().max_retries = 6;  // the defaults: minutes of backoff without the fast path
  model.openai().backoff_initial_s = 1.0;
  model.openai().backoff_max_s = 60.0;
  OpenAIClient client(model);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<ChatResult>> results;
  for (int i = 0; i < 20; ++i) results.push_back(client.submit(ask(i)));
  for (auto& f : results) {
    auto r = f.get();
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.failure, Failure::kTransient);
    EXPECT_NE(r.error.find("Couldn't connect to server"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("no URL of model 'm' accepts connections"), std::string::npos) << r.error;
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3.0);
  EXPECT_EQ(client.stats().errors, 20);
  // Later requests fail at once too.
  auto late = client.submit(ask(99)).get();
  EXPECT_FALSE(late.ok());
}

TEST(FailureKinds, CancelPendingEndsBackoffsAtOnce) {
  FakeOpenAIServer server(always_failing_options("500"));
  server.start();
  auto model = http_model({server.base_url()});
  model.openai().backoff_initial_s = 30.0;
  model.openai().backoff_max_s = 30.0;
  OpenAIClient client(model);
  std::vector<std::future<ChatResult>> results;
  for (int i = 0; i < 4; ++i) results.push_back(client.submit(ask(i)));
  for (int i = 0; i < 500 && server.stats()["requests"].get<int>() < 4; ++i) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(200ms);  // every first attempt failed: all wait 15-30 s
  auto start = std::chrono::steady_clock::now();
  client.cancel_pending();
  for (auto& f : results) {
    auto r = f.get();
    EXPECT_TRUE(r.cancelled()) << r.error;
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.0);
  EXPECT_EQ(client.stats().errors, 0);  // cancellations are not errors
  // Requests submitted after the cancel are answered normally (here: they fail and retry again).
  server.stop();
}

TEST(FailureKinds, SerialClientCancelsWhatIsQueued) {
  ModelSpec toy;
  toy.name = "toy";
  toy.provider = ToySpec{};
  ToyClient client(toy);
  std::vector<std::future<ChatResult>> results;
  for (int i = 0; i < 200; ++i) results.push_back(client.submit(ask(i)));
  client.cancel_pending();
  int cancelled = 0, answered = 0;
  for (auto& f : results) {
    auto r = f.get();
    if (r.cancelled()) ++cancelled;
    else if (r.ok()) ++answered;
  }
  EXPECT_EQ(cancelled + answered, 200);
  EXPECT_GT(cancelled, 0);
  EXPECT_TRUE(client.submit(ask(1)).get().ok());  // a later request is answered
}

}  // namespace
}  // namespace gauntlet::harness
