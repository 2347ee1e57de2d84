#include "harness/eval/suite_runner.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/errors/errors.h"
#include "harness/clients/toy_client.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;

// Fails every request (synchronously, as a cache hit would answer); counts calls.
class FailingClient : public ModelClient {
 public:
  explicit FailingClient(std::shared_ptr<std::atomic<int>> calls) : calls_(std::move(calls)) {}
  void submit_async(ChatRequest, Callback done) override {
    ++*calls_;
    ChatResult r;
    r.error = "HTTP 500: injected failure";
    r.http_status = 500;
    r.retries = 2;
    done(std::move(r));
  }
  ClientStats stats() const override { return {0, 1, 0, 0}; }
  void drain() override {}

 private:
  std::shared_ptr<std::atomic<int>> calls_;
};

// Records every request it sees, then answers like the toy model.
class RecordingClient : public ModelClient {
 public:
  RecordingClient(const ModelSpec& config, std::shared_ptr<std::vector<ChatRequest>> seen)
      : toy_(config), seen_(std::move(seen)) {}
  void submit_async(ChatRequest request, Callback done) override {
    seen_->push_back(request);
    done(toy_.answer(request));
  }
  ClientStats stats() const override { return {0, 1, 0, 0}; }
  void drain() override {}

 private:
  ToyClient toy_;
  std::shared_ptr<std::vector<ChatRequest>> seen_;
};

class SuiteRunnerTest : public ::testing::Test {
 protected:
  SuiteRunnerTest() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("gauntlet_suite_runner_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter++) + "_" + std::to_string(rd()));
    fs::create_directories(dir_);
    std::ofstream add(dir_ / "add.jsonl");
    for (int i = 0; i < 5; ++i)
      add << "{\"id\": \"a" << i << "\", \"question\": \"What is " << 10 + i << " + " << 3 * i << "?\", \"answer\": \""
          << (10 + i + 3 * i) << "\"}\n";
    std::ofstream mul(dir_ / "mul.jsonl");
    for (int i = 0; i < 3; ++i)
      mul << "{\"question\": \"What is " << i + 2 << " * 7?\", \"answer\": " << (i + 2) * 7 << "}\n";
  }
  ~SuiteRunnerTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Two toy models (one always right, one always wrong) x two tasks (5 + 3 items).
  SuiteConfig suite(int add_samples = 1, const std::string& extra_top = "", const std::string& temperature = "0.5") {
    auto p = dir_ / "suite.yaml";
    std::ofstream out(p);
    out << "name: runner-test\n" << extra_top
        << "models:\n"
           "  - name: right\n"
           "    provider: toy\n"
           "    toy_accuracy: 1.0\n"
           "    params: {temperature: "
        << temperature
        << "}\n"
           "  - name: wrong\n"
           "    provider: toy\n"
           "    toy_accuracy: 0.0\n"
           "tasks:\n"
           "  - name: add\n"
           "    dataset: add.jsonl\n"
           "    id_field: id\n"
           "    prompt: \"{question}\"\n"
           "    scorer: math\n"
           "    samples: "
        << add_samples
        << "\n"
           "  - name: mul\n"
           "    dataset: mul.jsonl\n"
           "    system: Answer in \\boxed{}.\n"
           "    prompt: \"{question}\"\n"
           "    scorer: math\n";
    out.close();
    return load_suite(p);
  }
  std::unique_ptr<Store> open(const std::string& name) { return std::make_unique<Store>(dir_ / name); }

  static std::set<SampleKey> keys(Store& store) {
    std::set<SampleKey> out;
    for (const auto& r : store.samples()) out.insert(r.key);
    return out;
  }

  fs::path dir_;
};

// 2 models x (5 items x add_samples + 3 items x 1).
std::int64_t planned_for(int add_samples) { return 2 * (5 * add_samples + 3); }

TEST_F(SuiteRunnerTest, RunsEverythingAndScores) {
  auto s = suite();
  auto store = open("run.db");
  RunOptions options;
  options.command_line = "gauntlet eval suite.yaml";
  auto summary = run_suite(s, *store, options);
  EXPECT_EQ(summary.planned, planned_for(1));
  EXPECT_EQ(summary.already_done, 0);
  EXPECT_EQ(summary.completed, planned_for(1));
  EXPECT_EQ(summary.failed, 0);
  EXPECT_EQ(summary.cached, 0);
  EXPECT_FALSE(summary.interrupted);
  EXPECT_GT(summary.run_id, 0);
  EXPECT_EQ(store->sample_count(), planned_for(1));

  int right_correct = 0, wrong_correct = 0;
  for (const auto& r : store->samples()) {
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.run_id, summary.run_id);
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_FALSE(r.reasoning.empty());
    if (r.key.model == "right") right_correct += r.correct;
    if (r.key.model == "wrong") wrong_correct += r.correct;
  }
  EXPECT_EQ(right_correct, 8);
  EXPECT_EQ(wrong_correct, 0);

  // The prompt as sent (chat messages as JSON, the system message first when set).
  for (const auto& r : store->samples()) {
    if (r.key.model == "right" && r.key.task == "add" && r.key.item_id == "a2") {
      EXPECT_EQ(r.prompt, R"([{"content":"What is 12 + 6?","role":"user"}])");
      EXPECT_EQ(r.reference, "18");
      EXPECT_EQ(r.answer, std::optional<std::string>("18"));
      EXPECT_EQ(r.completion, "The answer is \\boxed{18}");
    }
    if (r.key.model == "right" && r.key.task == "mul" && r.key.item_id == "1") {
      EXPECT_EQ(r.prompt,
                R"([{"content":"Answer in \\boxed{}.","role":"system"},{"content":"What is 3 * 7?","role":"user"}])");
      EXPECT_EQ(r.reference, "21");
    }
  }

  // Definitions, items and the run row are recorded.
  ASSERT_EQ(store->models().size(), 2u);
  ASSERT_EQ(store->tasks().size(), 2u);
  auto items = store->items("add");
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].item_id, "a0");
  EXPECT_EQ(items[4].item_id, "a4");
  EXPECT_EQ(items[4].reference, "26");
  auto runs = store->runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, summary.run_id);
  EXPECT_EQ(runs[0].status, "finished");
  EXPECT_EQ(runs[0].suite, "runner-test");
  EXPECT_EQ(runs[0].command, "gauntlet eval suite.yaml");
  EXPECT_EQ(runs[0].shard, "");
  EXPECT_FALSE(runs[0].finished_at.empty());
}

TEST_F(SuiteRunnerTest, SecondRunDoesNothing) {
  auto s = suite();
  auto store = open("run.db");
  auto first = run_suite(s, *store, {});
  ASSERT_EQ(first.completed, planned_for(1));
  auto second = run_suite(s, *store, {});
  EXPECT_EQ(second.planned, planned_for(1));
  EXPECT_EQ(second.already_done, planned_for(1));
  EXPECT_EQ(second.completed, 0);
  EXPECT_EQ(second.failed, 0);
  EXPECT_NE(second.run_id, first.run_id);
  EXPECT_EQ(store->sample_count(), planned_for(1));
  // Every sample still belongs to the first run.
  for (const auto& r : store->samples()) EXPECT_EQ(r.run_id, first.run_id);
  auto runs = store->runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].status, "finished");
}

TEST_F(SuiteRunnerTest, RaisingSamplesDoesOnlyTheNewOnes) {
  auto store = open("run.db");
  auto first = run_suite(suite(2), *store, {});
  EXPECT_EQ(first.planned, planned_for(2));
  EXPECT_EQ(first.completed, planned_for(2));
  auto second = run_suite(suite(3), *store, {});
  EXPECT_EQ(second.planned, planned_for(3));
  EXPECT_EQ(second.already_done, planned_for(2));
  EXPECT_EQ(second.completed, 2 * 5);  // one new sample per add item per model
  EXPECT_EQ(store->sample_count(), planned_for(3));
  std::set<SampleKey> new_keys;
  for (const auto& r : store->samples())
    if (r.run_id == second.run_id) new_keys.insert(r.key);
  ASSERT_EQ(new_keys.size(), 10u);
  for (const auto& k : new_keys) {
    EXPECT_EQ(k.task, "add");
    EXPECT_EQ(k.sample_index, 2);
  }
}

TEST_F(SuiteRunnerTest, LimitTakesTheFirstItems) {
  auto p = dir_ / "limited.yaml";
  {
    std::ofstream out(p);
    out << "models:\n  - name: right\n    provider: toy\n"
           "tasks:\n  - name: add\n    dataset: add.jsonl\n    id_field: id\n    prompt: \"{question}\"\n"
           "    limit: 2\n    samples: 2\n";
  }
  auto store = open("run.db");
  auto summary = run_suite(load_suite(p), *store, {});
  EXPECT_EQ(summary.planned, 4);
  EXPECT_EQ(keys(*store), (std::set<SampleKey>{{"right", "add", "a0", 0}, {"right", "add", "a0", 1},
                                                {"right", "add", "a1", 0}, {"right", "add", "a1", 1}}));
  EXPECT_EQ(store->items("add").size(), 2u);
}

TEST_F(SuiteRunnerTest, ShardsMergeToTheUnshardedKeySet) {
  auto s = suite(2);
  auto full = open("full.db");
  auto all = run_suite(s, *full, {});
  ASSERT_EQ(all.completed, planned_for(2));

  RunOptions o0, o1;
  o0.shard = Shard{0, 2};
  o1.shard = Shard{1, 2};
  std::int64_t planned0 = 0, planned1 = 0;
  {
    auto a = open("shard0.db");
    auto b = open("shard1.db");
    auto s0 = run_suite(s, *a, o0);
    auto s1 = run_suite(s, *b, o1);
    planned0 = s0.planned;
    planned1 = s1.planned;
    EXPECT_EQ(s0.completed, s0.planned);
    EXPECT_EQ(s1.completed, s1.planned);
    // (task, item) pairs in suite order, alternating: add a0,a2,a4 + mul 1 | add a1,a3 + mul 0,2.
    EXPECT_EQ(s0.planned, 2 * (3 * 2 + 1));
    EXPECT_EQ(s1.planned, 2 * (2 * 2 + 2));
    auto k0 = keys(*a);
    auto k1 = keys(*b);
    for (const auto& k : k0) EXPECT_FALSE(k1.count(k)) << k.task << "/" << k.item_id;
    EXPECT_TRUE(k0.count({"right", "mul", "1", 0}));
    EXPECT_TRUE(k1.count({"wrong", "add", "a3", 1}));
    ASSERT_EQ(a->runs().size(), 1u);
    EXPECT_EQ(a->runs()[0].shard, "0/2");
    EXPECT_EQ(b->runs()[0].shard, "1/2");
  }
  EXPECT_EQ(planned0 + planned1, all.planned);
  auto merged = open("merged.db");
  EXPECT_EQ(merged->merge_from(dir_ / "shard0.db").samples, planned0);
  EXPECT_EQ(merged->merge_from(dir_ / "shard1.db").samples, planned1);
  EXPECT_EQ(keys(*merged), keys(*full));
  EXPECT_EQ(merged->sample_count(), full->sample_count());
  EXPECT_EQ(merged->items("add").size(), 5u);
  // The merged samples are the same answers as the unsharded run (the toy model is deterministic).
  auto fs_ = full->samples();
  auto ms = merged->samples();
  ASSERT_EQ(fs_.size(), ms.size());
  for (std::size_t i = 0; i < fs_.size(); ++i) {
    EXPECT_EQ(fs_[i].completion, ms[i].completion);
    EXPECT_EQ(fs_[i].correct, ms[i].correct);
  }
}

TEST(ShardParse, AcceptsValidSlices) {
  auto a = Shard::parse("0/4");
  EXPECT_EQ(a.index, 0);
  EXPECT_EQ(a.count, 4);
  auto b = Shard::parse("3/4");
  EXPECT_EQ(b.index, 3);
  EXPECT_EQ(b.count, 4);
  EXPECT_EQ(b.to_string(), "3/4");
  auto c = Shard::parse("0/1");
  EXPECT_EQ(c.index, 0);
  EXPECT_EQ(c.count, 1);
}

TEST(ShardParse, IndexEqualToCountWrapsToZero) {
  // Slurm arrays numbered 1..n: "n/n" is the same slice as "0/n", so both numberings cover everything.
  auto s = Shard::parse("4/4");
  EXPECT_EQ(s.index, 0);
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.to_string(), "0/4");
  EXPECT_EQ(Shard::parse("1/1").index, 0);
}

TEST(ShardParse, RejectsMalformed) {
  for (const char* bad : {"-1/2", "1", "a/b", "1/0", "5/4", "", "/", "1/", "/2", "1/2x", "1x/2", "0/-1", "1/2/3"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(Shard::parse(bad), UsageError);
  }
  try {
    Shard::parse("a/b");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'a/b'"), std::string::npos) << e.what();
  }
}

TEST_F(SuiteRunnerTest, FailedRequestsAreRecordedAndRetriedWithoutDuplicates) {
  auto s = suite();
  auto store = open("run.db");
  auto calls = std::make_shared<std::atomic<int>>(0);
  RunOptions failing;
  failing.make_client = [calls](const ModelSpec&) { return std::make_unique<FailingClient>(calls); };
  auto first = run_suite(s, *store, failing);
  EXPECT_EQ(first.planned, planned_for(1));
  EXPECT_EQ(first.failed, planned_for(1));
  EXPECT_EQ(first.completed, 0);
  EXPECT_EQ(calls->load(), planned_for(1));
  EXPECT_EQ(store->sample_count(), planned_for(1));
  for (const auto& r : store->samples()) {
    EXPECT_EQ(r.error, "HTTP 500: injected failure");
    EXPECT_FALSE(r.correct);
    EXPECT_DOUBLE_EQ(r.score, 0.0);
    EXPECT_EQ(r.retries, 2);
  }
  EXPECT_TRUE(store->done_samples("right", "add").empty());

  // A second failing run retries them all (errors are neither done nor cached).
  auto again = run_suite(s, *store, failing);
  EXPECT_EQ(again.already_done, 0);
  EXPECT_EQ(again.failed, planned_for(1));
  EXPECT_EQ(calls->load(), 2 * planned_for(1));
  EXPECT_EQ(store->sample_count(), planned_for(1));

  // A working client replaces them in place.
  auto fixed = run_suite(s, *store, {});
  EXPECT_EQ(fixed.already_done, 0);
  EXPECT_EQ(fixed.completed, planned_for(1));
  EXPECT_EQ(fixed.failed, 0);
  EXPECT_EQ(fixed.cached, 0);
  EXPECT_EQ(store->sample_count(), planned_for(1));
  for (const auto& r : store->samples()) {
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.run_id, fixed.run_id);
  }
  EXPECT_EQ(store->done_samples("right", "add").size(), 5u);
}

TEST_F(SuiteRunnerTest, StopAlreadySetInterruptsWithoutLosingWork) {
  auto s = suite();
  auto store = open("run.db");
  std::atomic<bool> stop{true};
  RunOptions options;
  options.stop = &stop;
  auto interrupted = run_suite(s, *store, options);
  EXPECT_TRUE(interrupted.interrupted);
  EXPECT_EQ(interrupted.planned, planned_for(1));
  EXPECT_EQ(interrupted.completed + interrupted.failed, store->sample_count());
  EXPECT_EQ(interrupted.failed, 0);
  auto runs = store->runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "interrupted");

  // The rerun finds exactly the missing work and finishes it.
  stop = false;
  auto resumed = run_suite(s, *store, options);
  EXPECT_FALSE(resumed.interrupted);
  EXPECT_EQ(resumed.planned, planned_for(1));
  EXPECT_EQ(resumed.already_done, interrupted.completed);
  EXPECT_EQ(resumed.already_done + resumed.completed, planned_for(1));
  EXPECT_EQ(store->sample_count(), planned_for(1));
  EXPECT_EQ(store->runs()[1].status, "finished");
}

TEST_F(SuiteRunnerTest, SeparateCacheServesAFreshDatabase) {
  auto s = suite(1, "cache: shared-cache.db\n");
  ASSERT_EQ(s.cache_path, dir_ / "shared-cache.db");
  auto first_store = open("first.db");
  auto first = run_suite(s, *first_store, {});
  EXPECT_EQ(first.cached, 0);
  EXPECT_EQ(first.completed, planned_for(1));
  auto second_store = open("second.db");
  auto calls = std::make_shared<std::atomic<int>>(0);
  RunOptions failing;  // would fail if asked: everything must come from the cache
  failing.make_client = [calls](const ModelSpec&) { return std::make_unique<FailingClient>(calls); };
  auto second = run_suite(s, *second_store, failing);
  EXPECT_EQ(second.completed, planned_for(1));
  EXPECT_EQ(second.cached, planned_for(1));
  EXPECT_EQ(second.failed, 0);
  EXPECT_EQ(calls->load(), 0);
  for (const auto& r : second_store->samples()) EXPECT_TRUE(r.cached);
  // The run database itself holds no cache entries.
  EXPECT_EQ(second_store->sample_count(), planned_for(1));
}

TEST_F(SuiteRunnerTest, CacheOffSendsEveryRequest) {
  auto s = suite(1, "cache: false\n");
  auto seen = std::make_shared<std::vector<ChatRequest>>();
  RunOptions options;
  options.make_client = [seen](const ModelSpec& c) { return std::make_unique<RecordingClient>(c, seen); };
  auto a = open("a.db");
  run_suite(s, *a, options);
  auto b = open("b.db");
  auto second = run_suite(s, *b, options);
  EXPECT_EQ(second.cached, 0);
  EXPECT_EQ(static_cast<std::int64_t>(seen->size()), 2 * planned_for(1));
}

TEST_F(SuiteRunnerTest, RequestsCarryMergedParamsAndPerSampleSeeds) {
  auto p = dir_ / "seeded.yaml";
  {
    std::ofstream out(p);
    out << "models:\n  - name: right\n    provider: toy\n    params: {temperature: 0.6, seed: 100, max_tokens: 999}\n"
           "tasks:\n  - name: add\n    dataset: add.jsonl\n    id_field: id\n    prompt: \"Q {question}\"\n"
           "    limit: 1\n    samples: 3\n    params: {max_tokens: 500}\n";
  }
  auto seen = std::make_shared<std::vector<ChatRequest>>();
  RunOptions options;
  options.make_client = [seen](const ModelSpec& c) { return std::make_unique<RecordingClient>(c, seen); };
  auto store = open("run.db");
  run_suite(load_suite(p), *store, options);
  ASSERT_EQ(seen->size(), 3u);
  std::set<int> indexes;
  for (const auto& r : *seen) {
    indexes.insert(r.sample_index);
    EXPECT_EQ(r.params.temperature, std::optional<double>(0.6));
    EXPECT_EQ(r.params.max_tokens, std::optional<int>(500));
    EXPECT_EQ(r.params.seed, std::optional<std::int64_t>(100 + r.sample_index));
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].content, "Q What is 10 + 0?");
    EXPECT_FALSE(r.answer_check);  // a math scorer needs the reference: never a selector (an oracle)
  }
  EXPECT_EQ(indexes, (std::set<int>{0, 1, 2}));
}

TEST_F(SuiteRunnerTest, ChangedModelConfigIsRefusedBeforeAnyWork) {
  auto store = open("run.db");
  run_suite(suite(1, "", "0.5"), *store, {});
  auto count = store->sample_count();
  try {
    run_suite(suite(1, "", "0.9"), *store, {});
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("'right'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store->sample_count(), count);
  EXPECT_EQ(store->runs().size(), 1u);
}

TEST_F(SuiteRunnerTest, ProgressIsWrittenWhenAsked) {
  auto s = suite();
  auto store = open("run.db");
  std::ostringstream progress;
  RunOptions options;
  options.progress_out = &progress;
  run_suite(s, *store, options);
  EXPECT_NE(progress.str().find(std::to_string(planned_for(1)) + "/" + std::to_string(planned_for(1))),
            std::string::npos)
      << progress.str();
}

}  // namespace
}  // namespace gauntlet::harness
