// The store's self-play tables: buffers seeded once, rollouts written as they arrive and checked in
// place, a step finished in one transaction (and only once), runs guarded by their fingerprint.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "harness/errors/errors.h"
#include "harness/store/store.h"
#include "tests/support/command.h"

namespace gauntlet::harness {
namespace {

using testing::TempDir;

RolloutRecord rollout(int step, const std::string& type, const std::string& role, int slot, int sample) {
  RolloutRecord r;
  r.key = {"run", step, type, role, slot, sample};
  r.group_id = "run/" + std::to_string(step) + "/" + type + "/" + role;
  r.task_id = "t" + std::to_string(slot);
  r.model = "m";
  r.prompt = "prompt \xe2\x9c\x93";
  r.messages_json = "[{\"role\":\"user\",\"content\":\"prompt\"}]";
  r.completion = "<think>\nhm\n</think>\n\n<answer>1</answer>";
  r.reasoning = "hm";
  r.answer_text = "<answer>1</answer>";
  r.finish_reason = "stop";
  r.prompt_ids_json = "[1,2,3]";
  r.response_ids_json = "[4,5]";
  r.response_logprobs_json = "[-0.1,-0.2]";
  r.prompt_tokens = 3;
  r.completion_tokens = 2;
  r.latency_s = 0.5;
  r.run_id = 7;
  return r;
}

TEST(StoreSelfPlay, CurrentSchemaHasTheTables) {
  TempDir dir;
  Store store(dir.file("x.db"));
  EXPECT_EQ(store.schema_version(), kSchemaVersion);
  EXPECT_TRUE(store.selfplay_runs().empty());
  EXPECT_TRUE(store.selfplay_buffer("run").empty());
  EXPECT_TRUE(store.selfplay_steps("run").empty());
}

TEST(StoreSelfPlay, VersionTwoFilesAreMigratedKeepingTheirData) {
  TempDir dir;
  const std::string path = dir.file("old.db");
  {
    Store store(path);
    store.record_model({"m", "f1", "{}"});
  }
  // Make it look like a file written before self-play existed.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE selfplay_runs; DROP TABLE selfplay_buffer; DROP TABLE selfplay_rollouts; "
                         "DROP TABLE selfplay_steps; ALTER TABLE samples DROP COLUMN routing; ALTER TABLE samples DROP COLUMN details; "
                         "ALTER TABLE turns DROP COLUMN routing; ALTER TABLE samples DROP COLUMN budget; ALTER TABLE turns DROP COLUMN budget; PRAGMA user_version=2;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  Store store(path);
  EXPECT_EQ(store.schema_version(), kSchemaVersion);
  EXPECT_EQ(store.models().size(), 1u);
  auto traced = rollout(0, "deduction", "propose", 0, 0);
  traced.routing_json = R"({"tokens":4,"experts_per_token":2.0})";
  store.put_rollout(traced);
  ASSERT_EQ(store.rollouts("run", 0).size(), 1u);
  EXPECT_EQ(store.rollouts("run", 0)[0].routing_json, traced.routing_json);  // engine routing aggregates
  auto budgeted = rollout(0, "deduction", "solve", 0, 1);
  budgeted.budget_json = R"({"policy":"budget","cut_reason":"none"})";
  store.put_rollout(budgeted);
  store.adopt_rollout([&] {
    auto adopted = rollout(0, "deduction", "solve", 0, 2);
    adopted.budget_json = R"({"policy":"nothinking"})";
    return adopted;
  }());
  const auto rows = store.rollouts("run", 0);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].budget_json, "");
  EXPECT_EQ(rows[1].budget_json, budgeted.budget_json);
  EXPECT_EQ(rows[2].budget_json, R"({"policy":"nothinking"})");
}

TEST(StoreSelfPlay, RunFingerprintGuardsResume) {
  TempDir dir;
  Store store(dir.file("x.db"));
  store.record_selfplay_run({"run", "aaaa", "{}"});
  store.record_selfplay_run({"run", "aaaa", "{}"});  // same: fine
  try {
    store.record_selfplay_run({"run", "bbbb", "{}"});
    FAIL() << "a changed configuration was accepted";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("self-play run 'run'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("aaaa vs bbbb"), std::string::npos) << e.what();
  }
  ASSERT_EQ(store.selfplay_runs().size(), 1u);
}

TEST(StoreSelfPlay, SeedingIsIdempotentPerTaskType) {
  TempDir dir;
  Store store(dir.file("x.db"));
  std::vector<BufferRow> seeds = {{"deduction", 0, -1, "seed-deduction", "{\"d\":1}"},
                                  {"induction", 0, -1, "seed-induction", "{\"i\":1}"}};
  store.seed_selfplay_buffer("run", seeds);
  store.seed_selfplay_buffer("run", seeds);
  store.seed_selfplay_buffer("other", {seeds[0]});
  auto rows = store.selfplay_buffer("run");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].task_type, "deduction");
  EXPECT_EQ(rows[0].step, -1);
  EXPECT_EQ(rows[0].task_json, "{\"d\":1}");
  EXPECT_EQ(rows[1].task_id, "seed-induction");
  EXPECT_EQ(store.selfplay_buffer("other").size(), 1u);
}

TEST(StoreSelfPlay, RolloutsRoundTripAndAreCheckedInPlace) {
  TempDir dir;
  Store store(dir.file("x.db"));
  auto a = rollout(0, "deduction", "solve", 1, 0);
  auto b = rollout(0, "deduction", "propose", 0, 0);
  store.put_rollout(a);
  store.put_rollout(b);
  store.put_rollout(rollout(1, "deduction", "propose", 0, 0));
  auto rows = store.rollouts("run", 0);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key, b.key);  // ordered by task type, role, slot, sample
  const auto& r = rows[1];
  EXPECT_EQ(r.key, a.key);
  EXPECT_EQ(r.prompt, a.prompt);
  EXPECT_EQ(r.messages_json, a.messages_json);
  EXPECT_EQ(r.completion, a.completion);
  EXPECT_EQ(r.prompt_ids_json, "[1,2,3]");
  EXPECT_EQ(r.response_ids_json, "[4,5]");
  EXPECT_EQ(r.response_logprobs_json, "[-0.1,-0.2]");
  EXPECT_EQ(r.prompt_tokens, 3);
  EXPECT_FALSE(r.checked);
  EXPECT_FALSE(r.reward.has_value());
  EXPECT_FALSE(r.created_at.empty());
  a.checked = true;
  a.format_ok = true;
  a.outcome = "correct";
  a.score = 1.0;
  a.details_json = "{\"answer\":\"1\"}";
  store.check_rollouts({a});
  auto checked = store.rollouts("run", 0)[1];
  EXPECT_TRUE(checked.checked);
  EXPECT_TRUE(checked.format_ok);
  EXPECT_EQ(checked.outcome, "correct");
  EXPECT_DOUBLE_EQ(checked.score, 1.0);
  EXPECT_EQ(checked.details_json, "{\"answer\":\"1\"}");
  EXPECT_EQ(checked.completion, a.completion);  // the generation itself is untouched
  store.delete_rollout(b.key);
  EXPECT_EQ(store.rollouts("run", 0).size(), 1u);
}

TEST(StoreSelfPlay, FinishingAStepIsOneTransactionAndHappensOnce) {
  TempDir dir;
  Store store(dir.file("x.db"));
  store.seed_selfplay_buffer("run", {{"deduction", 0, -1, "seed-deduction", "{}"}});
  auto p = rollout(0, "deduction", "propose", 0, 0);
  auto s = rollout(0, "deduction", "solve", 0, 0);
  store.put_rollout(p);
  store.put_rollout(s);
  std::vector<BufferRow> additions = {{"deduction", 0, 0, "s0-deduction-0", "{\"n\":1}"},
                                      {"deduction", 0, 0, "s0-deduction-1", "{\"n\":2}"}};
  // A reward for a rollout that does not exist rolls everything back.
  EXPECT_THROW(
      store.finish_selfplay_step("run", 0, 7, additions,
                                 {{p.key, 0.5, 1.0}, {rollout(0, "deduction", "solve", 9, 9).key, 1, 1}}, "{}"),
      StoreError);
  EXPECT_EQ(store.selfplay_buffer("run").size(), 1u);
  EXPECT_TRUE(store.selfplay_steps("run").empty());
  EXPECT_FALSE(store.rollouts("run", 0)[0].reward.has_value());

  store.finish_selfplay_step("run", 0, 7, additions, {{p.key, 0.5, 1.0}, {s.key, -1.0, -0.25}}, "{\"step\":0}");
  auto buffer = store.selfplay_buffer("run");
  ASSERT_EQ(buffer.size(), 3u);
  EXPECT_EQ(buffer[1].position, 1);
  EXPECT_EQ(buffer[1].task_id, "s0-deduction-0");
  EXPECT_EQ(buffer[2].position, 2);
  EXPECT_EQ(buffer[2].step, 0);
  auto rows = store.rollouts("run", 0);
  EXPECT_DOUBLE_EQ(*rows[0].reward, 0.5);
  EXPECT_DOUBLE_EQ(*rows[0].advantage, 1.0);
  EXPECT_DOUBLE_EQ(*rows[1].reward, -1.0);
  EXPECT_DOUBLE_EQ(*rows[1].advantage, -0.25);
  auto steps = store.selfplay_steps("run");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].stats_json, "{\"step\":0}");
  EXPECT_EQ(steps[0].run_id, 7);
  try {
    store.finish_selfplay_step("run", 0, 8, additions, {}, "{}");
    FAIL() << "a step was finished twice";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("step 0 is already finished"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store.selfplay_buffer("run").size(), 3u);
}

TEST(StoreSelfPlay, ExportOrderAndFinishedOnly) {
  TempDir dir;
  Store store(dir.file("x.db"));
  store.put_rollout(rollout(1, "abduction", "propose", 0, 0));
  store.put_rollout(rollout(0, "deduction", "solve", 0, 1));
  store.put_rollout(rollout(0, "deduction", "solve", 0, 0));
  store.finish_selfplay_step(
      "run", 0, 1, {},
      {{rollout(0, "deduction", "solve", 0, 0).key, 1, 0}, {rollout(0, "deduction", "solve", 0, 1).key, 0, 0}}, "{}");
  std::vector<RolloutKey> all, finished;
  store.for_each_rollout([&](const RolloutRecord& r) { all.push_back(r.key); }, false);
  store.for_each_rollout([&](const RolloutRecord& r) { finished.push_back(r.key); }, true);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].sample, 0);
  EXPECT_EQ(all[1].sample, 1);
  EXPECT_EQ(all[2].step, 1);
  EXPECT_EQ(finished.size(), 2u);
}

}  // namespace
}  // namespace gauntlet::harness
