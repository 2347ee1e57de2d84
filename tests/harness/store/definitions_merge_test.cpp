// Definitions recorded all or nothing, updated when a task grows, upgraded from older forms; merges
// that keep every run (remapped) and carry matches and self-play tables.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "harness/digest/fingerprint.h"
#include "harness/errors/errors.h"
#include "harness/store/store.h"
#include "tests/support/command.h"

namespace gauntlet::harness {
namespace {

using testing::TempDir;
using nlohmann::json;

DefinitionRow row_of(const std::string& name, const json& j) { return {name, fingerprint(j), j.dump()}; }

TEST(StoreDefinitionWrites, AConflictAnywhereWritesNothing) {
  TempDir dir;
  Store store(dir.file("x.db"));
  store.record_task(row_of("t", {{"prompt", "a"}}));
  try {
    store.record_definitions({{"models", "model", row_of("m", {{"model", "x"}})},
                              {"tasks", "task", row_of("t", {{"prompt", "b"}})}});
    FAIL() << "a changed task was accepted";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("task 't'"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(store.models().empty());  // the model before the conflict was not written either
}

TEST(StoreDefinitionWrites, SameFingerprintUpdatesTheStoredSettings) {
  TempDir dir;
  Store store(dir.file("x.db"));
  // A task's recorded config holds settings outside its fingerprint (samples, pass_at_k).
  store.record_task({"t", "fp", R"({"samples":4,"pass_at_k":[1,4]})"});
  store.record_task({"t", "fp", R"({"samples":6,"pass_at_k":[1,6]})"});
  ASSERT_EQ(store.tasks().size(), 1u);
  EXPECT_EQ(store.tasks()[0].config_json, R"({"samples":6,"pass_at_k":[1,6]})");
}

TEST(StoreDefinitionWrites, LegacyEngineModelIsUpgradedInPlace) {
  TempDir dir;
  Store store(dir.file("x.db"));
  json legacy = {{"provider", "engine"}, {"model", "m"}, {"path", "/gone/checkout/model"}};
  json current = {{"provider", "engine"}, {"model", "m"}, {"checkpoint", std::string(64, 'a')}};
  store.record_model(row_of("m", legacy));
  store.record_model(row_of("m", current));
  EXPECT_EQ(store.models()[0].fingerprint, fingerprint(current));
  json other = current;
  other["model"] = "n";
  EXPECT_THROW(store.record_model(row_of("m", other)), StoreError);
}

TEST(StoreItems, AChangedQuestionWithSamplesIsReported) {
  TempDir dir;
  Store store(dir.file("x.db"));
  store.record_items("t", {{"a", 0, R"({"q":"1+1"})", "2"}, {"b", 1, R"({"q":"2+2"})", "4"}});
  SampleRecord s;
  s.key = {"m", "t", "a", 0};
  s.prompt = "p";
  store.put_sample(s);
  EXPECT_FALSE(store.changed_item("t", {{"a", 0, R"({"q":"1+1"})", "2"}, {"c", 2, "{}", "0"}}));
  EXPECT_EQ(store.changed_item("t", {{"a", 0, R"({"q":"1+2"})", "2"}}), "a");
  EXPECT_EQ(store.changed_item("t", {{"a", 0, R"({"q":"1+1"})", "3"}}), "a");
  EXPECT_FALSE(store.changed_item("t", {{"b", 1, R"({"q":"9+9"})", "18"}}));  // no sample of b yet
}

RolloutRecord rollout(const std::string& run, int step, int slot, std::int64_t run_id) {
  RolloutRecord r;
  r.key = {run, step, "deduction", "propose", slot, 0};
  r.group_id = run + "/" + std::to_string(step) + "/deduction/propose";
  r.task_id = "t" + std::to_string(slot);
  r.model = "m";
  r.prompt = "p";
  r.finish_reason = "stop";
  r.run_id = run_id;
  return r;
}

TEST(StoreMergeHistory, RunsAreKeptUnderNewIdsAndEveryRowFollowsItsRun) {
  TempDir dir;
  auto make_shard = [&](const std::string& file, const std::string& shard, const std::string& item) {
    Store s(dir.file(file));
    // An earlier run both shards hold (e.g. merged into both before): the same row in each.
    s.adopt_run({0, "suite", "/a/suite.yaml", "gauntlet eval", "", "2025-01-01T00:00:00.000Z", "2025-01-01T00:01:00.000Z",
                 "finished", "v"});
    auto id = s.begin_run({0, "suite", "/b/suite.yaml", "gauntlet eval --shard " + shard, shard, "", "", "", "v"});
    s.end_run(id, "finished");
    s.record_model({"m", "fp", "{}"});
    SampleRecord r;
    r.key = {"m", "t", item, 0};
    r.run_id = id;
    r.prompt = "p";
    s.put_sample(r);
    MatchRecord m;
    m.id = "chess/r0/" + item;
    m.tournament = "tt";
    m.game = "chess";
    m.players = {"a", "b"};
    m.roles = {"white", "black"};
    m.status = "finished";
    m.scores = {1, 0};
    m.result_json = "{}";
    m.run_id = id;
    TurnRecord t;
    t.match_id = m.id;
    t.player = "a";
    s.put_turn(t);
    s.finish_match(m);
    s.record_selfplay_run({"sp-" + item, "fp", "{}"});
    s.seed_selfplay_buffer("sp-" + item, {{"deduction", 0, -1, "seed", "{}"}});
    s.put_rollout(rollout("sp-" + item, 0, 0, id));
    s.finish_selfplay_step("sp-" + item, 0, id, {}, {{rollout("sp-" + item, 0, 0, id).key, -1.0, 0.0}}, "{}");
    return id;
  };
  make_shard("a.db", "0/2", "x");
  make_shard("b.db", "1/2", "y");
  Store merged(dir.file("all.db"));
  auto a = merged.merge_from(dir.file("a.db"));
  EXPECT_EQ(a.samples, 1);
  EXPECT_EQ(a.matches, 1);
  EXPECT_EQ(a.turns, 1);
  EXPECT_EQ(a.rollouts, 1);
  EXPECT_EQ(a.steps, 1);
  EXPECT_EQ(a.runs, 2);
  auto b = merged.merge_from(dir.file("b.db"));
  EXPECT_EQ(b.runs, 1);  // the unrelated earlier run is the same row in both shards
  auto again = merged.merge_from(dir.file("b.db"));
  EXPECT_EQ(again.samples + again.matches + again.turns + again.rollouts + again.steps + again.runs, 0);

  auto runs = merged.runs();
  ASSERT_EQ(runs.size(), 3u);
  std::map<std::int64_t, std::string> shard_of;
  for (const auto& r : runs) shard_of[r.id] = r.command;
  for (const auto& s : merged.samples())
    EXPECT_EQ(shard_of.at(s.run_id), s.key.item_id == "x" ? "gauntlet eval --shard 0/2" : "gauntlet eval --shard 1/2");
  for (const auto& m : merged.matches())
    EXPECT_EQ(shard_of.at(m.run_id), m.id == "chess/r0/x" ? "gauntlet eval --shard 0/2" : "gauntlet eval --shard 1/2");
  merged.for_each_rollout(
      [&](const RolloutRecord& r) {
        EXPECT_EQ(shard_of.at(r.run_id), r.key.run == "sp-x" ? "gauntlet eval --shard 0/2" : "gauntlet eval --shard 1/2");
        EXPECT_TRUE(r.reward.has_value());
      },
      true);
  EXPECT_EQ(merged.selfplay_runs().size(), 2u);
  EXPECT_EQ(merged.selfplay_buffer("sp-y").size(), 1u);
  ASSERT_EQ(merged.selfplay_steps("sp-y").size(), 1u);
  EXPECT_EQ(shard_of.at(merged.selfplay_steps("sp-y")[0].run_id), "gauntlet eval --shard 1/2");
  auto total = merged.totals();
  EXPECT_EQ(total.samples, 2);
  EXPECT_EQ(total.matches, 2);
  EXPECT_EQ(total.rollouts, 2);
  EXPECT_EQ(total.steps, 2);
  EXPECT_EQ(total.runs, 3);
}

}  // namespace
}  // namespace gauntlet::harness
