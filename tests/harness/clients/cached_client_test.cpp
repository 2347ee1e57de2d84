#include "harness/clients/cached_client.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "harness/clients/cache_key.h"
#include "harness/store/store.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;

// Answers synchronously, counting calls; fails while `fail` is set.
class CountingClient : public ModelClient {
 public:
  struct Shared {
    std::atomic<int> calls{0};
    std::atomic<bool> fail{false};
  };
  explicit CountingClient(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  void submit_async(ChatRequest request, Callback done) override {
    int n = ++shared_->calls;
    ChatResult r;
    r.latency_s = 0.25;
    r.retries = 1;
    r.http_status = 200;
    r.endpoint_url = "http://fake/v1";
    if (shared_->fail) {
      r.error = "HTTP 503: overloaded";
      r.http_status = 503;
    } else {
      Choice c;
      std::string last = request.messages.empty() ? request.prompt : request.messages.back().content;
      c.text = "echo " + last + " #" + std::to_string(n);
      c.reasoning = "thought";
      c.finish_reason = "stop";
      c.token_ids = {1, 2, 3};
      r.choices.push_back(c);
      r.usage = {10, 20, 5, 0};
    }
    done(std::move(r));
  }
  ClientStats stats() const override { return {0, 7, 3, 1}; }
  void drain() override {}

 private:
  std::shared_ptr<Shared> shared_;
};

class CachedClientTest : public ::testing::Test {
 protected:
  CachedClientTest() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("gauntlet_cached_client_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter++) + "_" + std::to_string(rd()));
    fs::create_directories(dir_);
    store_ = std::make_unique<Store>(dir_ / "cache.db");
    shared_ = std::make_shared<CountingClient::Shared>();
  }
  ~CachedClientTest() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<CachedClient> make(const std::string& name = "m",
                                     nlohmann::json fp = nlohmann::json{{"model", "org/m"}}) {
    return std::make_unique<CachedClient>(std::make_unique<CountingClient>(shared_), *store_, name, std::move(fp));
  }
  static ChatRequest request(const std::string& text = "hello", int sample = 0) {
    ChatRequest r;
    r.messages = {{"user", text}};
    r.sample_index = sample;
    r.params.temperature = 0.5;
    return r;
  }
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<CountingClient::Shared> shared_;
};

TEST_F(CachedClientTest, SecondIdenticalRequestIsServedFromCache) {
  auto client = make();
  auto first = client->submit(request()).get();
  EXPECT_EQ(shared_->calls, 1);
  EXPECT_FALSE(first.from_cache);
  ASSERT_EQ(first.choices.size(), 1u);
  EXPECT_EQ(first.choices[0].text, "echo hello #1");
  EXPECT_DOUBLE_EQ(first.latency_s, 0.25);
  EXPECT_EQ(client->hits(), 0);

  auto second = client->submit(request()).get();
  EXPECT_EQ(shared_->calls, 1);  // inner not called again
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(client->hits(), 1);
  ASSERT_EQ(second.choices.size(), 1u);
  EXPECT_EQ(second.choices[0].text, "echo hello #1");
  EXPECT_EQ(second.choices[0].reasoning, "thought");
  EXPECT_EQ(second.choices[0].finish_reason, "stop");
  EXPECT_EQ(second.choices[0].token_ids, (std::vector<std::int32_t>{1, 2, 3}));
  EXPECT_EQ(second.usage.prompt_tokens, 10);
  EXPECT_EQ(second.usage.completion_tokens, 20);
  EXPECT_EQ(second.usage.reasoning_tokens, 5);
  EXPECT_DOUBLE_EQ(second.latency_s, 0.0);
  EXPECT_EQ(second.retries, 0);
  EXPECT_TRUE(second.ok());
}

TEST_F(CachedClientTest, EntryIsStoredUnderTheCacheKey) {
  auto client = make("m", nlohmann::json{{"model", "org/m"}});
  client->submit(request("abc")).get();
  auto key = cache_key("m", nlohmann::json{{"model", "org/m"}}, request("abc"));
  auto value = store_->cache_get(key);
  ASSERT_TRUE(value.has_value());
  auto stored = chat_result_from_json(nlohmann::json::parse(*value));
  ASSERT_EQ(stored.choices.size(), 1u);
  EXPECT_EQ(stored.choices[0].text, "echo abc #1");
}

TEST_F(CachedClientTest, CacheSurvivesANewClientOnTheSameStore) {
  make()->submit(request()).get();
  auto again = make();
  auto r = again->submit(request()).get();
  EXPECT_EQ(shared_->calls, 1);
  EXPECT_TRUE(r.from_cache);
  EXPECT_EQ(r.choices[0].text, "echo hello #1");
}

TEST_F(CachedClientTest, DifferentRequestsMiss) {
  auto client = make();
  client->submit(request("a", 0)).get();
  client->submit(request("a", 1)).get();  // another sample index
  client->submit(request("b", 0)).get();  // another message
  auto hotter = request("a", 0);
  hotter.params.temperature = 0.9;
  client->submit(hotter).get();
  EXPECT_EQ(shared_->calls, 4);
  EXPECT_EQ(client->hits(), 0);
  // Another model name or fingerprint on the same store misses too.
  make("other")->submit(request("a", 0)).get();
  make("m", nlohmann::json{{"model", "org/m2"}})->submit(request("a", 0)).get();
  EXPECT_EQ(shared_->calls, 6);
  // And the original is still a hit.
  EXPECT_TRUE(client->submit(request("a", 1)).get().from_cache);
  EXPECT_EQ(shared_->calls, 6);
}

TEST_F(CachedClientTest, ErrorsAreNotCached) {
  auto client = make();
  shared_->fail = true;
  auto first = client->submit(request()).get();
  EXPECT_FALSE(first.ok());
  EXPECT_EQ(first.error, "HTTP 503: overloaded");
  EXPECT_FALSE(first.from_cache);
  auto second = client->submit(request()).get();
  EXPECT_EQ(shared_->calls, 2);  // inner called again
  EXPECT_FALSE(second.ok());
  EXPECT_FALSE(second.from_cache);
  EXPECT_FALSE(store_->cache_get(cache_key("m", nlohmann::json{{"model", "org/m"}}, request())).has_value());

  shared_->fail = false;
  auto third = client->submit(request()).get();
  EXPECT_TRUE(third.ok());
  EXPECT_FALSE(third.from_cache);
  EXPECT_EQ(third.choices[0].text, "echo hello #3");
  auto fourth = client->submit(request()).get();
  EXPECT_TRUE(fourth.from_cache);
  EXPECT_EQ(fourth.choices[0].text, "echo hello #3");
  EXPECT_EQ(shared_->calls, 3);
  EXPECT_EQ(client->hits(), 1);
}

TEST_F(CachedClientTest, UnreadableEntryIsAMissAndIsOverwritten) {
  auto key = cache_key("m", nlohmann::json{{"model", "org/m"}}, request());
  store_->cache_put(key, "m", "{not json");
  auto client = make();
  auto r = client->submit(request()).get();
  EXPECT_FALSE(r.from_cache);
  EXPECT_EQ(shared_->calls, 1);
  EXPECT_EQ(client->hits(), 0);
  auto value = store_->cache_get(key);
  ASSERT_TRUE(value.has_value());
  EXPECT_NE(*value, "{not json");
  EXPECT_TRUE(client->submit(request()).get().from_cache);
}

TEST_F(CachedClientTest, ForwardsStats) {
  auto client = make();
  auto s = client->stats();
  EXPECT_EQ(s.concurrency_limit, 7);
  EXPECT_EQ(s.retries, 3);
  EXPECT_EQ(s.errors, 1);
}

}  // namespace
}  // namespace gauntlet::harness
