// Crash safety of `gauntlet eval` end to end: run against the fake OpenAI server, kill the process
// mid-way (SIGKILL, or SIGINT for a graceful stop), resume, then check that every planned sample is
// there exactly once, error-free, and that no sample committed before the kill was requested again
// (its prompt key's request count on the server did not change).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/store/store.h"
#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace {

using gauntlet::harness::SampleKey;
using gauntlet::harness::SampleRecord;
using gauntlet::harness::Store;
using gauntlet::testing::FakeOpenAIServer;
using gauntlet::testing::FakeServerOptions;
using gauntlet::testing::read_file;
using gauntlet::testing::TempDir;
using gauntlet::testing::spawn;
using gauntlet::testing::wait_exit;
using namespace std::chrono_literals;

const std::string kBinary = GAUNTLET_BINARY;
constexpr int kItems = 150;
constexpr int kSamples = 2;
constexpr int kPlanned = kItems * kSamples;
constexpr int kSeed = 100;
constexpr int kConcurrency = 8;  // the most requests the server can see in flight when the process dies

// ---- the suite -------------------------------------------------------------------------------------

struct Fixture {
  TempDir dir;
  std::string suite;
  std::string db;
  int run_count = 0;

  Fixture(const std::string& base_url, bool cache) {
    std::string data;
    for (int i = 0; i < kItems; ++i)  // distinct prompts: i*7 is unique per item
      data += "{\"id\": \"q" + std::to_string(i) + "\", \"q\": \"" + std::to_string(i * 7) + "+" +
              std::to_string(i + 11) + "\", \"answer\": \"" + std::to_string(i * 7 + i + 11) + "\"}\n";
    dir.write("data.jsonl", data);
    dir.write("suite.yaml", std::string("name: killres\n") + (cache ? "" : "cache: false\n") +
                                "models:\n"
                                "  - name: fake\n"
                                "    base_url: " + base_url + "\n"
                                "    model: fake-model\n"
                                "    concurrency: " + std::to_string(kConcurrency) + "\n"
                                "    backoff_initial: 0.05\n"
                                "    backoff_max: 0.2\n"
                                "tasks:\n"
                                "  - name: arith\n"
                                "    dataset: data.jsonl\n"
                                "    prompt: \"What is {q}? Answer in \\\\boxed{}.\"\n"
                                "    id_field: id\n"
                                "    scorer: math\n"
                                "    samples: " + std::to_string(kSamples) + "\n"
                                "    params: {seed: " + std::to_string(kSeed) + "}\n");
    suite = dir.file("suite.yaml");
    db = dir.file("run.db");
  }

  // Starts `gauntlet eval` (with --resume after the first run); out/err go to files named by run.
  pid_t start() {
    ++run_count;
    std::vector<std::string> args = {kBinary, "eval", suite, "--db", db, "--no-progress"};
    if (run_count > 1) args.push_back("--resume");
    return spawn(args, out_path(), err_path());
  }
  std::string out_path() const { return dir.file("out" + std::to_string(run_count)); }
  std::string err_path() const { return dir.file("err" + std::to_string(run_count)); }

  // Waits until at least `threshold` samples are committed and the process is still running.
  // Returns false (with a test failure) when it exits first or takes too long.
  bool wait_for_committed(pid_t pid, std::int64_t threshold) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    std::unique_ptr<Store> store;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        ADD_FAILURE() << "gauntlet exited (status " << status << ") before " << threshold
                      << " samples were committed; stderr:\n"
                      << read_file(err_path());
        return false;
      }
      // Open only once gauntlet has created the file, so the test never creates the database itself.
      if (!store && std::filesystem::exists(db)) store = std::make_unique<Store>(db);
      if (store && store->sample_count() >= threshold) return true;
      std::this_thread::sleep_for(1ms);
    }
    ADD_FAILURE() << "timed out waiting for " << threshold << " committed samples";
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return false;
  }

  std::vector<SampleRecord> samples() const {
    Store store(db);
    return store.samples();
  }
};

// The server's prompt key of a stored sample: the last user message plus "#seed=<seed + index>".
std::string prompt_key(const SampleRecord& r) {
  auto messages = nlohmann::json::parse(r.prompt);
  std::string user;
  for (const auto& m : messages)
    if (m.at("role") == "user") user = m.at("content").get<std::string>();
  return user + "#seed=" + std::to_string(kSeed + r.key.sample_index);
}

long long requests_for(const nlohmann::json& stats, const std::string& key) {
  const auto& by_prompt = stats.at("by_prompt");
  return by_prompt.contains(key) ? by_prompt.at(key).at("requests").get<long long>() : 0;
}

// What was committed at the moment of a kill, with the server's request count of each sample.
struct Snapshot {
  std::map<SampleKey, std::string> prompt_keys;
  std::map<SampleKey, long long> requests;
  std::map<SampleKey, std::int64_t> run_ids;
};

Snapshot snapshot(const Fixture& f, const FakeOpenAIServer& server) {
  Snapshot s;
  auto stats = server.stats();
  for (const auto& r : f.samples()) {
    EXPECT_EQ(r.error, "") << r.key.item_id << "#" << r.key.sample_index;
    auto key = prompt_key(r);
    s.prompt_keys[r.key] = key;
    s.requests[r.key] = requests_for(stats, key);
    s.run_ids[r.key] = r.run_id;
    // The key must be the server's own: otherwise "unchanged" would compare zeros.
    EXPECT_GE(s.requests[r.key], 1) << "prompt key not seen by the server: " << key;
  }
  return s;
}

struct Summary {
  long long planned = -1, already_done = -1, completed = -1, failed = -1;
};

Summary parse_summary(const std::string& err) {
  static const std::regex re(R"((\d+) samples planned, (\d+) already done, (\d+) completed, (\d+) failed)");
  std::smatch m;
  Summary s;
  if (std::regex_search(err, m, re)) {
    s.planned = std::stoll(m[1]);
    s.already_done = std::stoll(m[2]);
    s.completed = std::stoll(m[3]);
    s.failed = std::stoll(m[4]);
  }
  return s;
}

// Every planned sample exactly once (the GROUP BY model, task, item_id, sample_index check, done
// over the rows as read back), all error-free.
void expect_complete(const std::vector<SampleRecord>& rows) {
  EXPECT_EQ(rows.size(), static_cast<std::size_t>(kPlanned));
  std::map<SampleKey, int> per_key;
  for (const auto& r : rows) {
    ++per_key[r.key];
    EXPECT_EQ(r.error, "") << r.key.item_id << "#" << r.key.sample_index;
    EXPECT_TRUE(r.correct) << r.key.item_id << "#" << r.key.sample_index << ": " << r.completion;
  }
  EXPECT_EQ(per_key.size(), static_cast<std::size_t>(kPlanned));
  for (const auto& [key, n] : per_key) EXPECT_EQ(n, 1) << key.item_id << "#" << key.sample_index << " duplicated";
  for (int i = 0; i < kItems; ++i)
    for (int s = 0; s < kSamples; ++s)
      EXPECT_TRUE(per_key.count({"fake", "arith", "q" + std::to_string(i), s})) << "missing q" << i << "#" << s;
}

// Samples committed before a kill were neither requested again nor rewritten by a later run.
void expect_untouched(const Snapshot& before, const std::vector<SampleRecord>& rows, const nlohmann::json& stats) {
  std::map<SampleKey, const SampleRecord*> by_key;
  for (const auto& r : rows) by_key[r.key] = &r;
  int requested_again = 0;
  for (const auto& [key, requests] : before.requests) {
    long long now = requests_for(stats, before.prompt_keys.at(key));
    if (now != requests) ++requested_again;
    EXPECT_EQ(now, requests) << key.item_id << "#" << key.sample_index << " was requested again";
    ASSERT_TRUE(by_key.count(key)) << key.item_id << "#" << key.sample_index << " disappeared";
    EXPECT_EQ(by_key[key]->run_id, before.run_ids.at(key)) << key.item_id << "#" << key.sample_index << " rewritten";
  }
  EXPECT_EQ(requested_again, 0);
}

FakeServerOptions server_options() {
  FakeServerOptions o;
  o.latency_ms = 20;
  o.threads = 2;
  return o;
}

// ---- tests ---------------------------------------------------------------------------------------

TEST(KillResume, Kill9MidRunThenResume) {
  FakeOpenAIServer server(server_options());
  server.start();
  // No response cache: a committed sample that was sent again would reach the server, not the cache.
  Fixture f(server.base_url(), /*cache=*/false);

  pid_t pid = f.start();
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(f.wait_for_committed(pid, kPlanned / 3));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  auto killed = wait_exit(pid, 10s);
  ASSERT_FALSE(killed.exited) << "gauntlet finished before the kill";
  ASSERT_EQ(killed.signal, SIGKILL);

  auto before = snapshot(f, server);
  const auto committed = static_cast<long long>(before.requests.size());
  ASSERT_GE(committed, kPlanned / 3);
  ASSERT_LT(committed, kPlanned) << "the kill came too late to test anything";

  pid = f.start();
  ASSERT_GT(pid, 0);
  auto resumed = wait_exit(pid, 30s);
  ASSERT_FALSE(resumed.timed_out);
  std::string err = read_file(f.err_path());
  ASSERT_TRUE(resumed.exited && resumed.code == 0) << "exit " << resumed.code << " signal " << resumed.signal << "\n"
                                                   << err;
  auto summary = parse_summary(err);
  EXPECT_EQ(summary.planned, kPlanned) << err;
  EXPECT_EQ(summary.already_done, committed) << err;
  EXPECT_EQ(summary.completed, kPlanned - committed) << err;
  EXPECT_EQ(summary.failed, 0) << err;

  auto rows = f.samples();
  expect_complete(rows);
  auto stats = server.stats();
  expect_untouched(before, rows, stats);
  for (const auto& r : rows) EXPECT_FALSE(r.cached);
  // Every sample reached the server; only requests in flight at the kill (at most the model's
  // concurrency) were sent twice.
  EXPECT_EQ(stats.at("by_prompt").size(), static_cast<std::size_t>(kPlanned));
  EXPECT_GE(stats.at("requests").get<long long>(), kPlanned);
  EXPECT_LE(stats.at("requests").get<long long>(), kPlanned + kConcurrency);

  Store store(f.db);
  auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].status, "running");  // a kill -9 leaves the run marked running
  EXPECT_EQ(runs[1].status, "finished");
  EXPECT_EQ(store.sample_count(), kPlanned);
}

TEST(KillResume, KilledTwiceWithCacheThenResume) {
  FakeOpenAIServer server(server_options());
  server.start();
  Fixture f(server.base_url(), /*cache=*/true);  // the default configuration

  std::vector<Snapshot> snapshots;
  for (std::int64_t threshold : {kPlanned / 4, 2 * kPlanned / 3}) {
    pid_t pid = f.start();
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(f.wait_for_committed(pid, threshold));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    auto killed = wait_exit(pid, 10s);
    ASSERT_FALSE(killed.exited) << "gauntlet finished before the kill";
    ASSERT_EQ(killed.signal, SIGKILL);
    snapshots.push_back(snapshot(f, server));
    ASSERT_LT(snapshots.back().requests.size(), static_cast<std::size_t>(kPlanned));
  }
  // The second run resumed from the first kill's commits and added to them.
  ASSERT_GT(snapshots[1].requests.size(), snapshots[0].requests.size());
  for (const auto& [key, requests] : snapshots[0].requests) {
    EXPECT_TRUE(snapshots[1].requests.count(key));
    EXPECT_EQ(snapshots[1].requests[key], requests) << key.item_id << "#" << key.sample_index;
  }

  pid_t pid = f.start();
  ASSERT_GT(pid, 0);
  auto resumed = wait_exit(pid, 30s);
  ASSERT_FALSE(resumed.timed_out);
  std::string err = read_file(f.err_path());
  ASSERT_TRUE(resumed.exited && resumed.code == 0) << "exit " << resumed.code << " signal " << resumed.signal << "\n"
                                                   << err;
  auto summary = parse_summary(err);
  const auto committed = static_cast<long long>(snapshots[1].requests.size());
  EXPECT_EQ(summary.planned, kPlanned) << err;
  EXPECT_EQ(summary.already_done, committed) << err;
  EXPECT_EQ(summary.completed, kPlanned - committed) << err;
  EXPECT_EQ(summary.failed, 0) << err;

  auto rows = f.samples();
  expect_complete(rows);
  auto stats = server.stats();
  for (const auto& s : snapshots) expect_untouched(s, rows, stats);
  EXPECT_EQ(stats.at("by_prompt").size(), static_cast<std::size_t>(kPlanned));
  EXPECT_LE(stats.at("requests").get<long long>(), kPlanned + 2 * kConcurrency);

  Store store(f.db);
  auto runs = store.runs();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].status, "running");
  EXPECT_EQ(runs[1].status, "running");
  EXPECT_EQ(runs[2].status, "finished");
}

TEST(KillResume, SigintCommitsInFlightWorkAndExits130) {
  FakeOpenAIServer server(server_options());
  server.start();
  Fixture f(server.base_url(), /*cache=*/false);

  pid_t pid = f.start();
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(f.wait_for_committed(pid, kPlanned / 3));
  ASSERT_EQ(kill(pid, SIGINT), 0);
  auto stopped = wait_exit(pid, 15s);
  ASSERT_FALSE(stopped.timed_out);
  std::string err = read_file(f.err_path());
  ASSERT_TRUE(stopped.exited) << "signal " << stopped.signal << "\n" << err;
  EXPECT_EQ(stopped.code, 130) << err;
  EXPECT_NE(err.find("(interrupted)"), std::string::npos) << err;

  // Every request that was sent finished and was committed: nothing in flight was abandoned.
  auto first = f.samples();
  const auto committed = static_cast<long long>(first.size());
  ASSERT_GE(committed, kPlanned / 3);
  ASSERT_LT(committed, kPlanned) << "the signal came too late to test anything";
  for (const auto& r : first) EXPECT_EQ(r.error, "") << r.key.item_id << "#" << r.key.sample_index;
  auto stats = server.stats();
  EXPECT_EQ(stats.at("requests").get<long long>(), committed);
  EXPECT_EQ(stats.at("completed").get<long long>(), committed);
  EXPECT_EQ(stats.at("in_flight").get<long long>(), 0);
  auto summary = parse_summary(err);
  EXPECT_EQ(summary.planned, kPlanned) << err;
  EXPECT_EQ(summary.already_done, 0) << err;
  EXPECT_EQ(summary.completed, committed) << err;
  EXPECT_EQ(summary.failed, 0) << err;
  {
    Store store(f.db);
    auto runs = store.runs();
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, "interrupted");
    EXPECT_NE(runs[0].finished_at, "");
  }

  // A rerun does exactly the rest: each prompt key is requested once over both runs.
  pid = f.start();
  ASSERT_GT(pid, 0);
  auto resumed = wait_exit(pid, 30s);
  ASSERT_FALSE(resumed.timed_out);
  err = read_file(f.err_path());
  ASSERT_TRUE(resumed.exited && resumed.code == 0) << "exit " << resumed.code << "\n" << err;
  summary = parse_summary(err);
  EXPECT_EQ(summary.already_done, committed) << err;
  EXPECT_EQ(summary.completed, kPlanned - committed) << err;

  expect_complete(f.samples());
  stats = server.stats();
  EXPECT_EQ(stats.at("requests").get<long long>(), kPlanned);
  ASSERT_EQ(stats.at("by_prompt").size(), static_cast<std::size_t>(kPlanned));
  for (const auto& [key, s] : stats.at("by_prompt").items()) EXPECT_EQ(s.at("requests"), 1) << key;
}

}  // namespace
