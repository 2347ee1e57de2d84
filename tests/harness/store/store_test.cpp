#include "harness/store/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/errors/errors.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp folder, removed (with everything in it) at destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("gauntlet_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
             std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// Runs one single-value query against a database file with plain sqlite3 (no Store involved).
std::string query_text(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    auto p = sqlite3_column_text(stmt, 0);
    if (p) out = reinterpret_cast<const char*>(p);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

void exec_raw(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

SampleRecord make_sample(const std::string& model, const std::string& task, const std::string& item, int index,
                         const std::string& error = "") {
  SampleRecord r;
  r.key = {model, task, item, index};
  r.run_id = 1;
  r.prompt = "prompt " + item;
  r.completion = error.empty() ? "The answer is \\boxed{" + item + "}" : "";
  r.reference = item;
  r.answer = error.empty() ? std::optional<std::string>(item) : std::nullopt;
  r.score = error.empty() ? 1.0 : 0.0;
  r.correct = error.empty();
  r.finish_reason = error.empty() ? "stop" : "";
  r.error = error;
  return r;
}

std::string error_of(Store& store, const SampleKey& key) {
  for (const auto& r : store.samples())
    if (r.key == key) return r.error;
  ADD_FAILURE() << "no sample " << key.model << "/" << key.task << "/" << key.item_id << "/" << key.sample_index;
  return "<missing>";
}

std::set<SampleKey> keys_of(Store& store) {
  std::set<SampleKey> out;
  for (const auto& r : store.samples()) out.insert(r.key);
  return out;
}

TEST(StoreSchema, NewFileHasCurrentSchemaVersionAndWal) {
  ScratchDir dir("store");
  const auto db = dir / "run.db";
  {
    Store store(db);
    EXPECT_EQ(store.schema_version(), kSchemaVersion);
    EXPECT_EQ(store.path(), db);
    EXPECT_EQ(store.sample_count(), 0);
    // While the store is open, check its pragmas with a second, raw connection.
    EXPECT_EQ(query_text(db, "PRAGMA user_version"), std::to_string(kSchemaVersion));
    EXPECT_EQ(query_text(db, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name IN "
                             "('runs','models','tasks','samples','items','response_cache')"),
              "6");
  }
  EXPECT_TRUE(fs::exists(db));
  // WAL mode is persistent in the file header.
  EXPECT_EQ(query_text(db, "PRAGMA journal_mode"), "wal");
}

TEST(StoreSchema, CreatesMissingParentDirectories) {
  ScratchDir dir("store");
  const auto db = dir.path() / "a" / "b" / "run.db";
  Store store(db);
  EXPECT_TRUE(fs::is_regular_file(db));
  EXPECT_EQ(store.schema_version(), kSchemaVersion);
}

TEST(StoreSchema, ReopenKeepsData) {
  ScratchDir dir("store");
  const auto db = dir / "run.db";
  {
    Store store(db);
    store.put_sample(make_sample("m", "t", "1", 0));
    store.put_sample(make_sample("m", "t", "2", 0));
    store.record_model({"m", "fp1", "{}"});
    store.cache_put("k", "m", "v");
  }
  Store again(db);
  EXPECT_EQ(again.schema_version(), kSchemaVersion);
  EXPECT_EQ(again.sample_count(), 2);
  ASSERT_EQ(again.models().size(), 1u);
  EXPECT_EQ(again.models()[0].fingerprint, "fp1");
  EXPECT_EQ(again.cache_get("k"), std::optional<std::string>("v"));
}

TEST(StoreSchema, Version3FileGainsRoutingColumnsAndKeepsData) {
  ScratchDir dir("store");
  const auto db = dir / "run.db";
  {
    Store store(db);
    store.put_sample(make_sample("m", "t", "1", 0));
  }
  // Turn the file back into a version-3 database.
  exec_raw(db,
           "ALTER TABLE samples DROP COLUMN routing; ALTER TABLE turns DROP COLUMN routing; "
           "ALTER TABLE selfplay_rollouts DROP COLUMN routing; ALTER TABLE samples DROP COLUMN details; "
           "ALTER TABLE samples DROP COLUMN budget; ALTER TABLE turns DROP COLUMN budget; ALTER TABLE selfplay_rollouts DROP COLUMN budget; PRAGMA user_version=3");
  {
    Store store(db);
    EXPECT_EQ(store.schema_version(), kSchemaVersion);
    ASSERT_EQ(store.samples().size(), 1u);
    EXPECT_EQ(store.samples()[0].routing_json, "");
    auto traced = make_sample("m", "t", "2", 0);
    traced.routing_json = R"({"tokens":3,"experts_per_token":2.0})";
    store.put_sample(traced);
  }
  Store again(db);
  const auto samples = again.samples();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[1].routing_json, R"({"tokens":3,"experts_per_token":2.0})");
}

TEST(StoreSchema, Version4FileGainsTheDetailsColumnAndKeepsData) {
  ScratchDir dir("store");
  const auto db = dir / "run.db";
  {
    Store store(db);
    store.put_sample(make_sample("m", "t", "1", 0));
  }
  exec_raw(db, "ALTER TABLE samples DROP COLUMN details; ALTER TABLE samples DROP COLUMN budget; ALTER TABLE turns DROP COLUMN budget; ALTER TABLE selfplay_rollouts DROP COLUMN budget; PRAGMA user_version=4");
  {
    Store store(db);
    EXPECT_EQ(store.schema_version(), kSchemaVersion);
    ASSERT_EQ(store.samples().size(), 1u);
    EXPECT_EQ(store.samples()[0].details_json, "");
    auto scored = make_sample("m", "t", "2", 0);
    scored.details_json = R"({"tests_passed":3,"tests_total":5})";
    store.put_sample(scored);
  }
  Store again(db);
  const auto samples = again.samples();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[1].details_json, R"({"tests_passed":3,"tests_total":5})");
}

TEST(StoreSchema, Version6FileGainsBudgetColumnsAndKeepsData) {
  ScratchDir dir("store");
  const auto db = dir / "run.db";
  {
    Store store(db);
    store.put_sample(make_sample("m", "t", "1", 0));
  }
  exec_raw(db, "ALTER TABLE samples DROP COLUMN budget; ALTER TABLE turns DROP COLUMN budget; ALTER TABLE selfplay_rollouts DROP COLUMN budget; PRAGMA user_version=6");
  const std::string record = R"({"policy":"budget","thinking_tokens":12,"cut_reason":"cap","cut_position":12})";
  {
    Store store(db);
    EXPECT_EQ(store.schema_version(), kSchemaVersion);
    ASSERT_EQ(store.samples().size(), 1u);
    EXPECT_EQ(store.samples()[0].budget_json, "");
    auto budgeted = make_sample("m", "t", "2", 0);
    budgeted.budget_json = record;
    store.put_sample(budgeted);
    TurnRecord turn;
    turn.match_id = "m1";
    turn.budget_json = record;
    store.put_turn(turn);
  }
  Store again(db);
  const auto samples = again.samples();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].budget_json, "");
  EXPECT_EQ(samples[1].budget_json, record);
  const auto turns = again.turns("m1");
  ASSERT_EQ(turns.size(), 1u);
  EXPECT_EQ(turns[0].budget_json, record);
}

TEST(StoreSchema, NewerSchemaIsRefused) {
  ScratchDir dir("store");
  const auto db = dir / "future.db";
  exec_raw(db, "CREATE TABLE x(a); PRAGMA user_version=" + std::to_string(kSchemaVersion + 1));
  try {
    Store store(db);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("newer"), std::string::npos) << msg;
    EXPECT_NE(msg.find(db.string()), std::string::npos) << msg;
  }
  // The refused file is left untouched.
  EXPECT_EQ(query_text(db, "PRAGMA user_version"), std::to_string(kSchemaVersion + 1));
}

// Issue 21: a negative PRAGMA user_version (another program's file, or a damaged one) is refused
// by name (before: a negative index into the migrations -- SIGSEGV at -1000 and below, memory read
// as SQL from -1 to -100).
TEST(StoreSchema, NegativeSchemaVersionIsRefused) {
  for (long long version : {-1LL, -100LL, -1000LL, -2147483648LL}) {
    ScratchDir dir("store");
    const auto db = dir / "negative.db";
    exec_raw(db, "PRAGMA user_version=" + std::to_string(version));
    try {
      Store store(db);
      FAIL() << "expected StoreError for " << version;
    } catch (const StoreError& e) {
      EXPECT_EQ(std::string(e.what()), db.string() + ": schema version " + std::to_string(version) +
                                           " is not one gauntlet writes (not a gauntlet database, or a damaged one)");
    }
    EXPECT_EQ(query_text(db, "PRAGMA user_version"), std::to_string(version));  // left untouched
  }
}

TEST(StoreSchema, GarbageFileIsRefusedNamingThePath) {
  ScratchDir dir("store");
  const auto db = dir / "garbage.db";
  {
    std::ofstream out(db, std::ios::binary);
    std::mt19937 gen(42);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(gen() & 0xff));
  }
  try {
    Store store(db);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(db.string()), std::string::npos) << msg;
  }
}

TEST(StoreSchema, TextFileIsRefusedNamingThePath) {
  ScratchDir dir("store");
  const auto db = dir / "notes.txt";
  {
    std::ofstream out(db, std::ios::binary);
    for (int i = 0; i < 200; ++i) out << "this is not a database, just some text line " << i << "\n";
  }
  EXPECT_THROW(
      {
        try {
          Store store(db);
        } catch (const StoreError& e) {
          EXPECT_NE(std::string(e.what()).find(db.string()), std::string::npos) << e.what();
          throw;
        }
      },
      StoreError);
}

TEST(StoreSamples, PutSampleRoundTripsEveryField) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  SampleRecord r;
  r.key = {"model-a", "task-b", "item-7", 3};
  r.run_id = 42;
  r.prompt = R"([{"role":"user","content":"What is 2+2? ünïcödé"}])";
  r.completion = "The answer is \\boxed{4}";
  r.reasoning = "2+2\n= 4\n";
  r.reference = "4";
  r.answer = "4";
  r.score = 0.75;
  r.correct = true;
  r.finish_reason = "stop";
  r.usage = {11, 22, 7, 5};
  r.latency_s = 1.25;
  r.retries = 2;
  r.cached = true;
  r.error = "";
  r.logprobs_json = R"([{"token":"4","logprob":-0.5}])";
  r.token_ids_json = "[1,2,3]";
  r.created_at = "2024-01-02T03:04:05.678Z";
  store.put_sample(r);

  auto all = store.samples();
  ASSERT_EQ(all.size(), 1u);
  const auto& g = all[0];
  EXPECT_EQ(g.key.model, "model-a");
  EXPECT_EQ(g.key.task, "task-b");
  EXPECT_EQ(g.key.item_id, "item-7");
  EXPECT_EQ(g.key.sample_index, 3);
  EXPECT_EQ(g.run_id, 42);
  EXPECT_EQ(g.prompt, r.prompt);
  EXPECT_EQ(g.completion, r.completion);
  EXPECT_EQ(g.reasoning, r.reasoning);
  EXPECT_EQ(g.reference, "4");
  ASSERT_TRUE(g.answer.has_value());
  EXPECT_EQ(*g.answer, "4");
  EXPECT_DOUBLE_EQ(g.score, 0.75);
  EXPECT_TRUE(g.correct);
  EXPECT_EQ(g.finish_reason, "stop");
  EXPECT_EQ(g.usage.prompt_tokens, 11);
  EXPECT_EQ(g.usage.completion_tokens, 22);
  EXPECT_EQ(g.usage.reasoning_tokens, 7);
  EXPECT_EQ(g.usage.cached_tokens, 5);
  EXPECT_DOUBLE_EQ(g.latency_s, 1.25);
  EXPECT_EQ(g.retries, 2);
  EXPECT_TRUE(g.cached);
  EXPECT_EQ(g.error, "");
  EXPECT_EQ(g.logprobs_json, r.logprobs_json);
  EXPECT_EQ(g.token_ids_json, "[1,2,3]");
  EXPECT_EQ(g.created_at, "2024-01-02T03:04:05.678Z");
}

TEST(StoreSamples, NullAnswerEmptyAnswerAndDefaultsRoundTrip) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  SampleRecord none;
  none.key = {"m", "t", "a", 0};
  none.answer = std::nullopt;
  SampleRecord empty;
  empty.key = {"m", "t", "b", 0};
  empty.answer = std::string();
  empty.error = "HTTP 500: boom";
  store.put_sample(none);
  store.put_sample(empty);

  auto all = store.samples();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].key.item_id, "a");
  EXPECT_FALSE(all[0].answer.has_value());
  EXPECT_FALSE(all[0].correct);
  EXPECT_FALSE(all[0].cached);
  EXPECT_EQ(all[0].logprobs_json, "");
  EXPECT_EQ(all[0].token_ids_json, "");
  EXPECT_EQ(all[0].usage.prompt_tokens, 0);
  // created_at is filled in by the store when left empty: ISO-8601 UTC.
  EXPECT_EQ(all[0].created_at.size(), std::string("2024-01-02T03:04:05.678Z").size()) << all[0].created_at;
  EXPECT_EQ(all[0].created_at.back(), 'Z');
  EXPECT_EQ(all[0].created_at[10], 'T');

  EXPECT_EQ(all[1].key.item_id, "b");
  ASSERT_TRUE(all[1].answer.has_value());
  EXPECT_EQ(*all[1].answer, "");
  EXPECT_EQ(all[1].error, "HTTP 500: boom");
}

TEST(StoreSamples, SamplesAreOrderedByModelTaskItemIndex) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  store.put_sample(make_sample("b", "t", "1", 0));
  store.put_sample(make_sample("a", "u", "1", 1));
  store.put_sample(make_sample("a", "u", "1", 0));
  store.put_sample(make_sample("a", "t", "2", 0));
  store.put_sample(make_sample("a", "t", "1", 0));
  std::vector<SampleKey> got;
  store.for_each_sample([&](const SampleRecord& r) { got.push_back(r.key); });
  std::vector<SampleKey> want = {
      {"a", "t", "1", 0}, {"a", "t", "2", 0}, {"a", "u", "1", 0}, {"a", "u", "1", 1}, {"b", "t", "1", 0}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(store.sample_count(), 5);
}

TEST(StoreSamples, SameKeyTwiceIsReplacedNotDuplicated) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  auto first = make_sample("m", "t", "1", 0);
  first.completion = "first";
  first.run_id = 1;
  store.put_sample(first);
  auto second = make_sample("m", "t", "1", 0);
  second.completion = "second";
  second.run_id = 2;
  store.put_sample(second);
  EXPECT_EQ(store.sample_count(), 1);
  auto all = store.samples();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].completion, "second");
  EXPECT_EQ(all[0].run_id, 2);
}

TEST(StoreSamples, ErrorFreeSampleIsNotReplacedByErroredOne) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  store.put_sample(make_sample("m", "t", "1", 0));
  auto bad = make_sample("m", "t", "1", 0, "HTTP 503");
  bad.run_id = 9;
  store.put_sample(bad);
  EXPECT_EQ(store.sample_count(), 1);
  auto all = store.samples();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].error, "");
  EXPECT_EQ(all[0].run_id, 1);
  EXPECT_EQ(all[0].completion, "The answer is \\boxed{1}");
}

TEST(StoreSamples, ErroredSampleIsReplacedBySuccessAndByNewerError) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  store.put_sample(make_sample("m", "t", "1", 0, "timeout"));
  store.put_sample(make_sample("m", "t", "1", 0, "HTTP 500"));
  EXPECT_EQ(error_of(store, {"m", "t", "1", 0}), "HTTP 500");
  auto good = make_sample("m", "t", "1", 0);
  good.run_id = 3;
  store.put_sample(good);
  EXPECT_EQ(store.sample_count(), 1);
  auto all = store.samples();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].error, "");
  EXPECT_EQ(all[0].run_id, 3);
  EXPECT_TRUE(all[0].correct);
  ASSERT_TRUE(all[0].answer.has_value());
  EXPECT_EQ(*all[0].answer, "1");
}

TEST(StoreSamples, DoneSamplesListsOnlyErrorFreeKeysOfTheCell) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  store.put_sample(make_sample("m", "t", "1", 0));
  store.put_sample(make_sample("m", "t", "1", 1, "HTTP 500"));
  store.put_sample(make_sample("m", "t", "2", 1));
  store.put_sample(make_sample("m", "other", "3", 0));
  store.put_sample(make_sample("n", "t", "4", 0));
  std::set<std::pair<std::string, int>> want = {{"1", 0}, {"2", 1}};
  EXPECT_EQ(store.done_samples("m", "t"), want);
  EXPECT_EQ(store.done_samples("m", "other"), (std::set<std::pair<std::string, int>>{{"3", 0}}));
  EXPECT_TRUE(store.done_samples("m", "nope").empty());
  EXPECT_TRUE(store.done_samples("z", "t").empty());
}

TEST(StoreDefinitions, SameFingerprintIsIdempotent) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  store.record_model({"m", "abc", R"({"x":1})"});
  store.record_model({"m", "abc", R"({"x":1})"});
  store.record_model({"a", "def", "{}"});
  auto models = store.models();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].name, "a");  // ordered by name
  EXPECT_EQ(models[1].name, "m");
  EXPECT_EQ(models[1].fingerprint, "abc");
  EXPECT_EQ(models[1].config_json, R"({"x":1})");
  EXPECT_TRUE(store.tasks().empty());
}

TEST(StoreDefinitions, ModelWithDifferentFingerprintIsRefused) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  store.record_model({"qwen-big", "fp-old", "{}"});
  try {
    store.record_model({"qwen-big", "fp-new", "{}"});
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'qwen-big'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("fp-old"), std::string::npos) << msg;
    EXPECT_NE(msg.find("fp-new"), std::string::npos) << msg;
    EXPECT_NE(msg.find("model"), std::string::npos) << msg;
  }
  ASSERT_EQ(store.models().size(), 1u);
  EXPECT_EQ(store.models()[0].fingerprint, "fp-old");
}

TEST(StoreDefinitions, TaskWithDifferentFingerprintIsRefused) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  store.record_task({"gsm8k", "t1", "{}"});
  // A model and a task may share a name without conflicting.
  store.record_model({"gsm8k", "other", "{}"});
  try {
    store.record_task({"gsm8k", "t2", "{}"});
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("task 'gsm8k'"), std::string::npos) << msg;
  }
  ASSERT_EQ(store.tasks().size(), 1u);
  EXPECT_EQ(store.tasks()[0].fingerprint, "t1");
}

TEST(StoreItems, OrderedByPositionAndReplacedById) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  store.record_items("t", {{"z", 0, R"({"q":"z"})", "1"}, {"a", 2, R"({"q":"a"})", "3"}, {"m", 1, "{}", "2"}});
  store.record_items("other", {{"x", 0, "{}", "9"}});
  auto items = store.items("t");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].item_id, "z");
  EXPECT_EQ(items[0].position, 0);
  EXPECT_EQ(items[0].data_json, R"({"q":"z"})");
  EXPECT_EQ(items[0].reference, "1");
  EXPECT_EQ(items[1].item_id, "m");
  EXPECT_EQ(items[2].item_id, "a");
  EXPECT_EQ(items[2].position, 2);

  store.record_items("t", {{"a", 0, R"({"q":"A"})", "33"}});
  items = store.items("t");
  ASSERT_EQ(items.size(), 3u);
  // "a" now has position 0 (ties keep both at 0; "a" and "z" both first), with its new data.
  int found = 0;
  for (const auto& it : items) {
    if (it.item_id == "a") {
      ++found;
      EXPECT_EQ(it.position, 0);
      EXPECT_EQ(it.reference, "33");
      EXPECT_EQ(it.data_json, R"({"q":"A"})");
    }
  }
  EXPECT_EQ(found, 1);
  EXPECT_EQ(items.back().item_id, "m");
  EXPECT_EQ(store.items("other").size(), 1u);
  EXPECT_TRUE(store.items("missing").empty());
}

TEST(StoreCache, GetPutAndReplace) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  EXPECT_FALSE(store.cache_get("k1").has_value());
  store.cache_put("k1", "m", R"({"choices":[]})");
  store.cache_put("k2", "m", "");
  EXPECT_EQ(store.cache_get("k1"), std::optional<std::string>(R"({"choices":[]})"));
  EXPECT_EQ(store.cache_get("k2"), std::optional<std::string>(""));
  store.cache_put("k1", "m", "v2");
  EXPECT_EQ(store.cache_get("k1"), std::optional<std::string>("v2"));
  EXPECT_FALSE(store.cache_get("K1").has_value());
  EXPECT_EQ(store.sample_count(), 0);  // the cache is not samples
}

TEST(StoreRuns, BeginEndAndList) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  EXPECT_TRUE(store.runs().empty());
  RunInfo info;
  info.suite = "suite";
  info.config_path = "/x/suite.yaml";
  info.command = "gauntlet run suite.yaml";
  info.shard = "1/4";
  info.version = "1.2.3";
  auto id1 = store.begin_run(info);
  info.shard = "";
  auto id2 = store.begin_run(info);
  EXPECT_GT(id2, id1);

  auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, id1);
  EXPECT_EQ(runs[0].suite, "suite");
  EXPECT_EQ(runs[0].config_path, "/x/suite.yaml");
  EXPECT_EQ(runs[0].command, "gauntlet run suite.yaml");
  EXPECT_EQ(runs[0].shard, "1/4");
  EXPECT_EQ(runs[0].version, "1.2.3");
  EXPECT_EQ(runs[0].status, "running");
  EXPECT_EQ(runs[0].finished_at, "");
  EXPECT_FALSE(runs[0].started_at.empty());
  EXPECT_EQ(runs[0].started_at.back(), 'Z');
  EXPECT_EQ(runs[1].shard, "");

  store.end_run(id1, "interrupted");
  runs = store.runs();
  EXPECT_EQ(runs[0].status, "interrupted");
  EXPECT_FALSE(runs[0].finished_at.empty());
  EXPECT_GE(runs[0].finished_at, runs[0].started_at);
  EXPECT_EQ(runs[1].status, "running");
  EXPECT_EQ(runs[1].finished_at, "");
}

class StoreMerge : public ::testing::Test {
 protected:
  StoreMerge() : dir_("store_merge") {}
  fs::path shard(const std::string& name, const std::vector<SampleRecord>& samples,
                 const std::string& model_fp = "fp") {
    auto p = dir_ / name;
    Store s(p);
    s.record_model({"m", model_fp, "{}"});
    s.record_task({"t", "tfp", "{}"});
    std::vector<ItemRow> items;
    for (const auto& r : samples) items.push_back({r.key.item_id, std::stoi(r.key.item_id), "{}", r.reference});
    s.record_items("t", items);
    for (const auto& r : samples) s.put_sample(r);
    s.cache_put("cache-" + name, "m", "value-" + name);
    return p;
  }
  ScratchDir dir_;
};

TEST_F(StoreMerge, DisjointShardsMergeIntoUnion) {
  auto a = shard("a.db", {make_sample("m", "t", "0", 0), make_sample("m", "t", "2", 0), make_sample("m", "t", "4", 0)});
  auto b = shard("b.db", {make_sample("m", "t", "1", 0), make_sample("m", "t", "3", 0)});
  Store merged(dir_ / "merged.db");
  EXPECT_EQ(merged.merge_from(a).samples, 3);
  EXPECT_EQ(merged.merge_from(b).samples, 2);
  EXPECT_EQ(merged.sample_count(), 5);
  std::set<SampleKey> want;
  for (int i = 0; i < 5; ++i) want.insert({"m", "t", std::to_string(i), 0});
  EXPECT_EQ(keys_of(merged), want);
  ASSERT_EQ(merged.models().size(), 1u);
  EXPECT_EQ(merged.models()[0].fingerprint, "fp");
  ASSERT_EQ(merged.tasks().size(), 1u);
  auto items = merged.items("t");
  ASSERT_EQ(items.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(items[i].item_id, std::to_string(i));
  EXPECT_EQ(merged.cache_get("cache-a.db"), std::optional<std::string>("value-a.db"));
  EXPECT_EQ(merged.cache_get("cache-b.db"), std::optional<std::string>("value-b.db"));

  // Merging the same input again adds nothing.
  EXPECT_EQ(merged.merge_from(a).samples, 0);
  EXPECT_EQ(merged.merge_from(b).samples, 0);
  EXPECT_EQ(merged.sample_count(), 5);
}

TEST_F(StoreMerge, KeepsTheErrorFreeCopy) {
  auto good = shard("good.db", {make_sample("m", "t", "0", 0), make_sample("m", "t", "1", 0, "HTTP 500")});
  auto bad = shard("bad.db", {make_sample("m", "t", "0", 0, "timeout"), make_sample("m", "t", "1", 0)});
  Store merged(dir_ / "merged.db");
  EXPECT_EQ(merged.merge_from(good).samples, 1);  // the errored sample is copied but does not count
  EXPECT_EQ(merged.sample_count(), 2);
  EXPECT_EQ(merged.merge_from(bad).samples, 1);   // "1" becomes error-free; "0" keeps its success
  EXPECT_EQ(merged.sample_count(), 2);
  EXPECT_EQ(error_of(merged, {"m", "t", "0", 0}), "");
  EXPECT_EQ(error_of(merged, {"m", "t", "1", 0}), "");
}

TEST_F(StoreMerge, ConflictingFingerprintIsRefusedAndAddsNothing) {
  auto a = shard("a.db", {make_sample("m", "t", "0", 0)}, "fp-one");
  auto b = shard("b.db", {make_sample("m", "t", "1", 0)}, "fp-two");
  Store merged(dir_ / "merged.db");
  EXPECT_EQ(merged.merge_from(a).samples, 1);
  try {
    merged.merge_from(b);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'m'"), std::string::npos) << msg;
  }
  EXPECT_EQ(merged.sample_count(), 1);
  EXPECT_EQ(keys_of(merged), (std::set<SampleKey>{{"m", "t", "0", 0}}));
}

TEST_F(StoreMerge, MissingInputIsRefusedNamingIt) {
  Store merged(dir_ / "merged.db");
  const auto missing = dir_ / "does-not-exist.db";
  try {
    merged.merge_from(missing);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(missing));  // not created as a side effect
}

TEST_F(StoreMerge, MergingIntoItselfIsRefused) {
  auto p = dir_ / "self.db";
  Store store(p);
  store.put_sample(make_sample("m", "t", "0", 0));
  EXPECT_THROW(store.merge_from(p), StoreError);
  EXPECT_EQ(store.sample_count(), 1);
}

TEST(StoreConcurrency, FourThreadsPutEightHundredSamples) {
  ScratchDir dir("store");
  Store store(dir / "run.db");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        try {
          store.put_sample(make_sample("m" + std::to_string(t), "t", std::to_string(i), i % 3));
          if (i % 50 == 0) (void)store.sample_count();  // mixed reads
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store.sample_count(), kThreads * kPerThread);
  EXPECT_EQ(store.done_samples("m2", "t").size(), static_cast<std::size_t>(kPerThread));
  EXPECT_EQ(query_text(dir / "run.db", "SELECT COUNT(*) FROM samples"), "800");
}

}  // namespace
}  // namespace gauntlet::harness
