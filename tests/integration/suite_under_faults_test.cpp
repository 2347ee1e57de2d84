// A suite run against the fault-injecting server: every fault kind happens, and the suite still
// completes with every sample recorded exactly once, retries counted and visible.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include <sqlite3.h>

#include "harness/clients/openai_client.h"
#include "harness/store/store.h"
#include "harness/eval/suite_config.h"
#include "harness/eval/suite_runner.h"
#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::FakeOpenAIServer;
using gauntlet::testing::FakeServerOptions;
using gauntlet::testing::TempDir;

std::string dataset(int items) {
  std::string data;
  for (int i = 0; i < items; ++i)
    data += "{\"id\": \"" + std::to_string(i) + "\", \"q\": \"" + std::to_string(100 + i) + "+" + std::to_string(3 * i) +
            "\", \"answer\": \"" + std::to_string(100 + 4 * i) + "\"}\n";
  return data;
}

std::string model_yaml(const std::string& name, const std::string& url, bool stream) {
  return "  - name: " + name + "\n    base_url: " + url + "\n    model: fake-model\n    stream: " +
         (stream ? "true" : "false") +
         "\n    concurrency: 16\n    timeout: 1\n    max_retries: 5\n    backoff_initial: 0.05\n    backoff_max: 0.2\n";
}

struct Counts {
  std::int64_t rows = 0, distinct = 0, errors = 0, retried_samples = 0, total_retries = 0, correct = 0;
};

Counts count_samples(const std::string& db) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  Counts c;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT COUNT(*), (SELECT COUNT(*) FROM (SELECT DISTINCT model, task, item_id, sample_index FROM "
                     "samples)), SUM(error != ''), SUM(retries > 0), SUM(retries), SUM(correct) FROM samples",
                     -1, &s, nullptr);
  EXPECT_EQ(sqlite3_step(s), SQLITE_ROW);
  c.rows = sqlite3_column_int64(s, 0);
  c.distinct = sqlite3_column_int64(s, 1);
  c.errors = sqlite3_column_int64(s, 2);
  c.retried_samples = sqlite3_column_int64(s, 3);
  c.total_retries = sqlite3_column_int64(s, 4);
  c.correct = sqlite3_column_int64(s, 5);
  sqlite3_finalize(s);
  sqlite3_close(h);
  return c;
}

TEST(SuiteUnderFaults, CompletesWithEverySampleOnceAndRetriesRecorded) {
  FakeServerOptions options;
  options.fault_rate = 0.35;
  options.fault_attempts = 2;
  options.stall_ms = 2500;  // past the 1 s client timeout
  options.retry_after_s = 1;
  options.threads = 2;
  // One server per model: the server picks faults by prompt and attempt number, and both models
  // send the same prompts, so on one shared server which model met a prompt's faults depended on
  // request timing (now and then no streamed request ever got a stream_cut).
  FakeOpenAIServer plain_server(options), streamed_server(options);
  plain_server.start();
  streamed_server.start();

  TempDir dir;
  const int items = 40, samples = 2;
  dir.write("data.jsonl", dataset(items));
  dir.write("suite.yaml", "name: faults\nmodels:\n" + model_yaml("plain", plain_server.base_url(), false) +
                              model_yaml("streamed", streamed_server.base_url(), true) +
                              "tasks:\n  - name: add\n    dataset: data.jsonl\n    prompt: \"{q}\"\n"
                              "    id_field: id\n    scorer: math\n    samples: 2\n    params: {seed: 7}\n");
  auto suite = load_suite(dir.file("suite.yaml"));
  Store store(dir.file("run.db"));
  std::ostringstream progress;
  RunOptions run_options;
  run_options.progress_out = &progress;
  auto summary = run_suite(suite, store, run_options);

  const std::int64_t planned = 2LL * items * samples;
  EXPECT_EQ(summary.planned, planned);
  EXPECT_EQ(summary.completed, planned);
  EXPECT_EQ(summary.failed, 0);
  EXPECT_FALSE(summary.interrupted);
  EXPECT_GT(summary.retries, 0);

  auto by_fault = [&](const std::string& kind) {
    std::int64_t n = 0;
    for (auto* server : {&plain_server, &streamed_server}) n += server->stats()["by_fault"].value(kind, std::int64_t{0});
    return n;
  };
  for (const char* kind : {"429", "500", "stall", "malformed", "reset", "stream_cut"})
    EXPECT_GT(by_fault(kind), 0) << "fault kind never injected: " << kind;

  auto c = count_samples(dir.file("run.db"));
  EXPECT_EQ(c.rows, planned);
  EXPECT_EQ(c.distinct, planned);
  EXPECT_EQ(c.errors, 0);
  EXPECT_EQ(c.correct, planned);  // the fake server answers right at wrong_rate 0
  EXPECT_GT(c.retried_samples, 0);
  EXPECT_EQ(c.total_retries, summary.retries);
  // Each sample got exactly one clean answer: nothing was requested again after it succeeded.
  EXPECT_EQ(by_fault("none"), planned) << plain_server.stats().dump() << streamed_server.stats().dump();
  EXPECT_NE(progress.str().find("retries"), std::string::npos);
}

TEST(SuiteUnderFaults, ExhaustedRetriesAreRecordedThenRetriedByTheNextRun) {
  FakeServerOptions options;
  options.fault_rate = 1.0;
  options.fault_attempts = 3;
  options.faults = {"500"};
  FakeOpenAIServer server(options);
  server.start();

  TempDir dir;
  dir.write("data.jsonl", dataset(6));
  auto write_suite = [&](int retries) {
    dir.write("suite.yaml", "name: exhaust\nmodels:\n  - name: m\n    base_url: " + server.base_url() +
                                "\n    max_retries: " + std::to_string(retries) +
                                "\n    backoff_initial: 0.01\n    backoff_max: 0.02\n"
                                "tasks:\n  - name: t\n    dataset: data.jsonl\n    prompt: \"{q}\"\n    scorer: math\n");
  };
  write_suite(1);  // 2 attempts < 3 failing ones
  auto suite = load_suite(dir.file("suite.yaml"));
  {
    Store store(dir.file("run.db"));
    auto summary = run_suite(suite, store, {});
    EXPECT_EQ(summary.failed, 6);
    EXPECT_EQ(summary.completed, 0);
    auto rows = store.samples();
    ASSERT_EQ(rows.size(), 6u);
    for (const auto& r : rows) {
      EXPECT_NE(r.error.find("HTTP 500"), std::string::npos) << r.error;
      EXPECT_NE(r.error.find("gave up after 2 attempts"), std::string::npos) << r.error;
      EXPECT_EQ(r.retries, 1);
    }
  }
  // The next run retries only the failed samples; the server's third attempt succeeds.
  Store store(dir.file("run.db"));
  auto summary = run_suite(suite, store, {});
  EXPECT_EQ(summary.already_done, 0);
  EXPECT_EQ(summary.completed, 6);
  EXPECT_EQ(store.sample_count(), 6);
  for (const auto& r : store.samples()) EXPECT_EQ(r.error, "");
}

TEST(SuiteUnderFaults, ClientErrorsAreNotRetried) {
  FakeOpenAIServer server;
  server.start();
  ModelSpec config;
  config.name = "m";
  config.openai().base_urls = {"http://127.0.0.1:" + std::to_string(server.port()) + "/nope"};
  config.openai().max_retries = 5;
  OpenAIClient client(config);
  ChatRequest request;
  request.messages = {{"user", "1+1"}};
  auto result = client.submit(request).get();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.http_status, 404);
  EXPECT_EQ(result.retries, 0);
}

TEST(SuiteUnderFaults, RateLimitShrinksConcurrencyAndHonoursRetryAfter) {
  FakeServerOptions options;
  options.max_concurrent = 4;
  options.retry_after_s = 1;
  options.latency_ms = 100;
  FakeOpenAIServer server(options);
  server.start();
  ModelSpec config;
  config.name = "m";
  config.openai().base_urls = {server.base_url()};
  config.concurrency = 12;
  config.openai().min_concurrency = 2;
  config.openai().max_retries = 20;
  config.openai().backoff_initial_s = 0.05;
  config.openai().backoff_max_s = 0.1;
  OpenAIClient client(config, /*shrink_debounce_s=*/0.0);
  std::vector<std::future<ChatResult>> futures;
  for (int i = 0; i < 40; ++i) {
    ChatRequest request;
    request.messages = {{"user", std::to_string(i) + "+1"}};
    futures.push_back(client.submit(std::move(request)));
  }
  int retried = 0;
  for (auto& f : futures) {
    auto r = f.get();
    EXPECT_TRUE(r.ok()) << r.error;
    retried += r.retries > 0;
  }
  EXPECT_GT(retried, 0);
  EXPECT_LT(client.stats().concurrency_limit, 12);
  EXPECT_GE(client.stats().concurrency_limit, 2);
  EXPECT_FALSE(client.limit_history().empty());
  EXPECT_GT(server.stats()["by_fault"]["429"].get<int>(), 0);
}

TEST(SuiteUnderFaults, EndpointPoolSkipsADeadEndpoint) {
  FakeOpenAIServer server;
  server.start();
  ModelSpec config;
  config.name = "m";
  config.openai().base_urls = {"http://127.0.0.1:1/v1", server.base_url()};  // port 1: connection refused
  config.concurrency = 4;
  config.openai().backoff_initial_s = 0.01;
  config.openai().backoff_max_s = 0.02;
  config.openai().endpoint_cooldown_s = 60;
  OpenAIClient client(config);
  std::vector<std::future<ChatResult>> futures;
  for (int i = 0; i < 40; ++i) {
    ChatRequest request;
    request.messages = {{"user", std::to_string(i) + "*3"}};
    futures.push_back(client.submit(std::move(request)));
  }
  int total_retries = 0;
  for (auto& f : futures) {
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.endpoint_url, server.base_url());
    total_retries += r.retries;
  }
  // Only the requests sent before the dead endpoint's first failure are retried.
  EXPECT_LE(total_retries, 4);
  EXPECT_EQ(server.stats()["completed"].get<int>(), 40);
}

}  // namespace

namespace {

TEST(SuiteAgainstServer, CompletionsEndpointAndSharedCacheMakeRerunsFree) {
  FakeOpenAIServer server;
  server.start();
  TempDir dir;
  dir.write("data.jsonl", dataset(10));
  dir.write("suite.yaml", "name: cache\ncache: shared-cache.db\nmodels:\n  - name: chat\n    base_url: " +
                              server.base_url() + "\n  - name: legacy\n    base_url: " + server.base_url() +
                              "\n    endpoint: completions\n"
                              "tasks:\n  - name: t\n    dataset: data.jsonl\n    prompt: \"Compute {q}.\"\n"
                              "    system: \"Be brief.\"\n    scorer: math\n    samples: 2\n"
                              "    params: {seed: 1, max_tokens: 64}\n");
  auto suite = load_suite(dir.file("suite.yaml"));
  {
    Store store(dir.file("first.db"));
    auto summary = run_suite(suite, store, {});
    EXPECT_EQ(summary.completed, 40);
    EXPECT_EQ(summary.cached, 0);
    for (const auto& r : store.samples()) {
      EXPECT_TRUE(r.correct) << r.key.model << " " << r.completion;
      if (r.key.model == "legacy") {
        EXPECT_EQ(r.prompt.rfind("Be brief.\n\nCompute ", 0), 0u) << r.prompt;
      } else {
        EXPECT_FALSE(r.reasoning.empty());
      }
    }
  }
  const auto requests = server.stats()["requests"].get<int>();
  EXPECT_EQ(requests, 40);
  // A fresh run database with the same config: every answer comes from the shared cache.
  Store store(dir.file("second.db"));
  auto summary = run_suite(suite, store, {});
  EXPECT_EQ(summary.completed, 40);
  EXPECT_EQ(summary.cached, 40);
  EXPECT_EQ(server.stats()["requests"].get<int>(), requests);
  for (const auto& r : store.samples()) EXPECT_TRUE(r.cached);
}

}  // namespace

namespace {

// Regression: a freed slot must start the next queued request at once, not after the I/O loop's
// idle poll (which made concurrency-1 runs take a second per request).
TEST(OpenAIClientQueue, ConcurrencyOneDoesNotWaitForThePollTimeout) {
  FakeOpenAIServer server;
  server.start();
  ModelSpec config;
  config.name = "m";
  config.openai().base_urls = {server.base_url()};
  config.concurrency = 1;
  OpenAIClient client(config);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<ChatResult>> futures;
  for (int i = 0; i < 20; ++i) {
    ChatRequest request;
    request.messages = {{"user", std::to_string(i) + "+2"}};
    futures.push_back(client.submit(std::move(request)));
  }
  for (auto& f : futures) EXPECT_TRUE(f.get().ok());
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(elapsed, 8.0) << "20 sequential requests took " << elapsed << " s";
}

}  // namespace
