// Load on `gauntlet serve` (a separate process, a tiny checkpoint): 64 concurrent clients send 200
// requests each (chat and completions, streamed and not, mixed lengths and seeds); every request
// completes with 200, and at the end /metrics counts every request and shows every KV block free.
// Prints p50/p99 request latency and the throughput.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/http_request.h"
#include "tests/support/served_model.h"
#include "tests/support/tiny_engine_model.h"

namespace {

using gauntlet::testing::TempDir;
using json = nlohmann::json;
namespace http = boost::beast::http;

// The value of each sample line of a Prometheus text body (name → value).
std::map<std::string, double> parse_metrics(const std::string& body) {
  std::map<std::string, double> out;
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name;
    double value = 0;
    if (fields >> name >> value) out[name] = value;
  }
  return out;
}

TEST(ServeLoad, SixtyFourClientsTimesTwoHundredRequestsAllCompleteAndFreeEveryBlock) {
  TempDir dir;
  gauntlet::testing::write_tiny_engine_model(dir.file("model"), 5);
  gauntlet::testing::ServedModel server(GAUNTLET_BINARY, dir.file("model"), dir.path(),
                                        {"--threads", "1", "--name", "tiny", "--max-batch", "32"});
  ASSERT_FALSE(server.port().empty());
  const auto port = static_cast<std::uint16_t>(std::stoi(server.port()));

  const int clients = 64, each = 200;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<double> latencies(static_cast<std::size_t>(clients * each));
  std::string first_failure;
  std::mutex failure_mutex;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      for (int k = 0; k < each; ++k) {
        const bool chat = (c + k) % 2 == 0;
        json body = {{"max_tokens", 1 + (c * 7 + k) % 8}, {"seed", c * 1000 + k}, {"temperature", 0.8},
                     {"stream", (c + k) % 3 == 0}};
        const std::string text = "client " + std::to_string(c) + " asks " + std::to_string(k);
        if (chat) body["messages"] = json::array({{{"role", "user"}, {"content", text}}});
        else body["prompt"] = text;
        const auto t0 = std::chrono::steady_clock::now();
        gauntlet::testing::HttpReply r;
        try {
          r = gauntlet::testing::http_request(port, http::verb::post, chat ? "/v1/chat/completions" : "/v1/completions",
                                              body.dump());
        } catch (const std::exception& e) {
          r.body = e.what();
        }
        latencies[static_cast<std::size_t>(c * each + k)] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r.status == 200) {
          ++ok;
        } else if (failed++ == 0) {
          std::lock_guard lock(failure_mutex);
          first_failure = std::to_string(r.status) + " " + r.body;
        }
      }
    });
  for (auto& t : threads) t.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(ok.load(), clients * each) << "first failure: " << first_failure;

  std::sort(latencies.begin(), latencies.end());
  const double p50 = latencies[latencies.size() / 2], p99 = latencies[latencies.size() * 99 / 100];
  std::map<std::string, double> metrics;
  // A finished request's blocks are released by the scheduler thread; wait for it to settle.
  for (int i = 0; i < 200; ++i) {
    metrics = parse_metrics(gauntlet::testing::http_request(port, http::verb::get, "/metrics").body);
    if (metrics["gauntlet_requests_total"] >= clients * each && metrics["gauntlet_kv_blocks_used"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::cout << "[ load ] " << clients << " clients x " << each << " requests in " << wall << " s ("
            << clients * each / wall << " requests/s, " << metrics["gauntlet_generated_tokens_total"] / wall
            << " tokens/s): latency p50 " << p50 * 1000 << " ms, p99 " << p99 * 1000 << " ms\n";
  EXPECT_EQ(metrics["gauntlet_requests_total"], clients * each);
  EXPECT_EQ(metrics["gauntlet_requests_cancelled_total"], 0);
  EXPECT_EQ(metrics["gauntlet_kv_blocks_used"], 0);
  EXPECT_GT(metrics["gauntlet_kv_blocks_total"], 0);
  EXPECT_EQ(metrics["gauntlet_kv_blocks_free"], metrics["gauntlet_kv_blocks_total"]);
  EXPECT_EQ(metrics["gauntlet_queue_depth"], 0);
  EXPECT_EQ(metrics["gauntlet_running_batch"], 0);

  const auto exit = server.stop();
  EXPECT_TRUE(exit.exited && exit.code == 0) << server.stderr_text();
}

}  // namespace
