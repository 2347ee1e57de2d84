// SelfPlayStore: the self-play tables (schema version 3): runs, buffers, rollouts, finished steps.
#include "harness/store/selfplay_store.h"

#include <sqlite3.h>

#include <map>

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/store/database.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {
namespace {

using store_detail::kNow;
using store_detail::Statement;

const char* const kRolloutColumns =
    "run, step, task_type, role, slot, sample, group_id, task_id, model, prompt, messages_json, completion, "
    "reasoning, answer_text, finish_reason, prompt_ids, response_ids, response_logprobs, prompt_tokens, "
    "completion_tokens, latency_s, checked, format_ok, outcome, score, details_json, reward, advantage, run_id, "
    "created_at, routing, budget";

RolloutRecord read_rollout(const Statement& s) {
  RolloutRecord r;
  r.key = {s.text(0), static_cast<int>(s.integer(1)), s.text(2),
           s.text(3), static_cast<int>(s.integer(4)), static_cast<int>(s.integer(5))};
  r.group_id = s.text(6);
  r.task_id = s.text(7);
  r.model = s.text(8);
  r.prompt = s.text(9);
  r.messages_json = s.text(10);
  r.completion = s.text(11);
  r.reasoning = s.text(12);
  r.answer_text = s.text(13);
  r.finish_reason = s.text(14);
  r.prompt_ids_json = s.text(15);
  r.response_ids_json = s.text(16);
  r.response_logprobs_json = s.text(17);
  r.prompt_tokens = s.integer(18);
  r.completion_tokens = s.integer(19);
  r.latency_s = s.real(20);
  r.checked = s.integer(21) != 0;
  r.format_ok = s.integer(22) != 0;
  r.outcome = s.text(23);
  r.score = s.real(24);
  r.details_json = s.text(25);
  if (sqlite3_column_type(s.handle(), 26) != SQLITE_NULL) r.reward = s.real(26);
  if (sqlite3_column_type(s.handle(), 27) != SQLITE_NULL) r.advantage = s.real(27);
  r.run_id = s.integer(28);
  r.created_at = s.text(29);
  r.routing_json = s.text(30);
  r.budget_json = s.text(31);
  return r;
}

void bind_key(Statement& s, int first, const RolloutKey& k) {
  s.bind(first, k.run).bind(first + 1, k.step).bind(first + 2, k.task_type).bind(first + 3, k.role);
  s.bind(first + 4, k.slot).bind(first + 5, k.sample);
}

// Parameters 1..29 of an INSERT in kRolloutColumns order (the key through run_id).
void bind_rollout(Statement& s, const RolloutRecord& r) {
  bind_key(s, 1, r.key);
  s.bind(7, r.group_id).bind(8, r.task_id).bind(9, r.model).bind(10, r.prompt).bind(11, r.messages_json);
  s.bind(12, r.completion).bind(13, r.reasoning).bind(14, r.answer_text).bind(15, r.finish_reason);
  s.bind(16, r.prompt_ids_json).bind(17, r.response_ids_json).bind(18, r.response_logprobs_json);
  s.bind(19, r.prompt_tokens).bind(20, r.completion_tokens).bind(21, r.latency_s).bind(22, r.checked ? 1 : 0);
  s.bind(23, r.format_ok ? 1 : 0).bind(24, r.outcome).bind(25, r.score).bind(26, r.details_json);
  if (r.reward) s.bind(27, *r.reward);
  if (r.advantage) s.bind(28, *r.advantage);
  s.bind(29, r.run_id);
}

const char* const kKeyMatch = "run=? AND step=? AND task_type=? AND role=? AND slot=? AND sample=?";

}  // namespace

void SelfPlayStore::record_selfplay_run(const DefinitionRow& row) {
  definitions_.record_definition("selfplay_runs", "self-play run", row);
}
std::vector<DefinitionRow> SelfPlayStore::selfplay_runs() { return definitions_.definitions("selfplay_runs"); }

void SelfPlayStore::seed_selfplay_buffer(const std::string& run, const std::vector<BufferRow>& seeds) {
  std::lock_guard lock(db_.mutex());
  db_.exec("BEGIN IMMEDIATE");
  try {
    std::map<std::string, bool> empty;
    for (const auto& seed : seeds) {
      if (empty.count(seed.task_type)) continue;
      Statement s(db_.handle(), "SELECT COUNT(*) FROM selfplay_buffer WHERE run=? AND task_type=?", db_.path());
      s.bind(1, run).bind(2, seed.task_type);
      s.step();
      empty[seed.task_type] = s.integer(0) == 0;
    }
    for (const auto& seed : seeds)
      if (empty[seed.task_type]) adopt_buffer_row(run, seed);
    db_.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<BufferRow> SelfPlayStore::selfplay_buffer(const std::string& run) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              "SELECT task_type, position, step, task_id, task_json FROM selfplay_buffer WHERE run=? "
              "ORDER BY task_type, position",
              db_.path());
  s.bind(1, run);
  std::vector<BufferRow> out;
  while (s.step())
    out.push_back({s.text(0), static_cast<int>(s.integer(1)), static_cast<int>(s.integer(2)), s.text(3), s.text(4)});
  return out;
}

void SelfPlayStore::put_rollout(const RolloutRecord& r) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              fmt::format("INSERT OR REPLACE INTO selfplay_rollouts({}) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                          "?,?,?,?,?,?,?,?,?,{},?30,?31)",
                          kRolloutColumns, kNow),
              db_.path());
  bind_rollout(s, r);
  s.bind(30, r.routing_json).bind(31, r.budget_json);
  s.step();
}

void SelfPlayStore::delete_rollout(const RolloutKey& key) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), fmt::format("DELETE FROM selfplay_rollouts WHERE {}", kKeyMatch), db_.path());
  bind_key(s, 1, key);
  s.step();
}

void SelfPlayStore::check_rollouts(const std::vector<RolloutRecord>& records) {
  std::lock_guard lock(db_.mutex());
  db_.exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_.handle(),
                fmt::format("UPDATE selfplay_rollouts SET checked=?, format_ok=?, outcome=?, score=?, details_json=? "
                            "WHERE {}",
                            kKeyMatch),
                db_.path());
    for (const auto& r : records) {
      sqlite3_reset(s.handle());
      s.bind(1, r.checked ? 1 : 0).bind(2, r.format_ok ? 1 : 0).bind(3, r.outcome).bind(4, r.score);
      s.bind(5, r.details_json);
      bind_key(s, 6, r.key);
      s.step();
    }
    db_.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<RolloutRecord> SelfPlayStore::rollouts(const std::string& run, int step) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              fmt::format("SELECT {} FROM selfplay_rollouts WHERE run=? AND step=? "
                          "ORDER BY task_type, role, slot, sample",
                          kRolloutColumns),
              db_.path());
  s.bind(1, run).bind(2, step);
  std::vector<RolloutRecord> out;
  while (s.step()) out.push_back(read_rollout(s));
  return out;
}

void SelfPlayStore::for_each_rollout(const std::function<void(const RolloutRecord&)>& visit, bool finished_only) {
  std::lock_guard lock(db_.mutex());
  std::string sql = fmt::format("SELECT {} FROM selfplay_rollouts r", kRolloutColumns);
  if (finished_only) sql += " WHERE EXISTS (SELECT 1 FROM selfplay_steps s WHERE s.run=r.run AND s.step=r.step)";
  sql += " ORDER BY run, step, task_type, role, slot, sample";
  Statement s(db_.handle(), sql, db_.path());
  while (s.step()) visit(read_rollout(s));
}

void SelfPlayStore::finish_selfplay_step(const std::string& run, int step, std::int64_t run_id,
                                 const std::vector<BufferRow>& additions, const std::vector<RolloutFinal>& finals,
                                 const std::string& stats_json) {
  std::lock_guard lock(db_.mutex());
  db_.exec("BEGIN IMMEDIATE");
  try {
    {
      Statement s(db_.handle(), "SELECT 1 FROM selfplay_steps WHERE run=? AND step=?", db_.path());
      s.bind(1, run).bind(2, step);
      if (s.step())
        throw StoreError(fmt::format("{}: self-play run '{}' step {} is already finished", db_.path().string(), run, step));
    }
    for (const auto& a : additions) {
      int position = 0;
      {
        Statement s(db_.handle(), "SELECT COALESCE(MAX(position), -1) + 1 FROM selfplay_buffer WHERE run=? AND task_type=?",
                    db_.path());
        s.bind(1, run).bind(2, a.task_type);
        s.step();
        position = static_cast<int>(s.integer(0));
      }
      Statement s(db_.handle(),
                  fmt::format("INSERT INTO selfplay_buffer(run, task_type, position, step, task_id, task_json, "
                              "created_at) VALUES(?,?,?,?,?,?,{})",
                              kNow),
                  db_.path());
      s.bind(1, run).bind(2, a.task_type).bind(3, position).bind(4, a.step).bind(5, a.task_id).bind(6, a.task_json);
      s.step();
    }
    {
      Statement s(db_.handle(), fmt::format("UPDATE selfplay_rollouts SET reward=?, advantage=? WHERE {}", kKeyMatch), db_.path());
      for (const auto& f : finals) {
        sqlite3_reset(s.handle());
        s.bind(1, f.reward).bind(2, f.advantage);
        bind_key(s, 3, f.key);
        s.step();
        if (sqlite3_changes(db_.handle()) != 1)
          throw StoreError(fmt::format("{}: self-play run '{}' step {}: no rollout {}/{}/{}/{} to reward",
                                       db_.path().string(), run, step, f.key.task_type, f.key.role, f.key.slot,
                                       f.key.sample));
      }
    }
    Statement s(
        db_.handle(),
        fmt::format("INSERT INTO selfplay_steps(run, step, stats_json, run_id, finished_at) VALUES(?,?,?,?,{})", kNow),
        db_.path());
    s.bind(1, run).bind(2, step).bind(3, stats_json).bind(4, run_id);
    s.step();
    db_.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<SelfPlayStepRow> SelfPlayStore::selfplay_steps(const std::string& run) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), "SELECT step, stats_json, run_id, finished_at FROM selfplay_steps WHERE run=? ORDER BY step", db_.path());
  s.bind(1, run);
  std::vector<SelfPlayStepRow> out;
  while (s.step()) out.push_back({static_cast<int>(s.integer(0)), s.text(1), s.integer(2), s.text(3)});
  return out;
}

bool SelfPlayStore::adopt_buffer_row(const std::string& run, const BufferRow& row) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              fmt::format("INSERT OR IGNORE INTO selfplay_buffer(run, task_type, position, step, task_id, task_json, "
                          "created_at) VALUES(?,?,?,?,?,?,{})",
                          kNow),
              db_.path());
  s.bind(1, run).bind(2, row.task_type).bind(3, row.position).bind(4, row.step).bind(5, row.task_id);
  s.bind(6, row.task_json);
  s.step();
  return sqlite3_changes(db_.handle()) > 0;
}

bool SelfPlayStore::adopt_rollout(const RolloutRecord& r) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              fmt::format("INSERT OR IGNORE INTO selfplay_rollouts({}) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                          "?,?,?,?,?,?,?,?,?,?,?,?)",
                          kRolloutColumns),
              db_.path());
  bind_rollout(s, r);
  s.bind(30, r.created_at).bind(31, r.routing_json).bind(32, r.budget_json);
  s.step();
  return sqlite3_changes(db_.handle()) > 0;
}

bool SelfPlayStore::adopt_selfplay_step(const std::string& run, const SelfPlayStepRow& row) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              "INSERT OR IGNORE INTO selfplay_steps(run, step, stats_json, run_id, finished_at) VALUES(?,?,?,?,?)",
              db_.path());
  s.bind(1, run).bind(2, row.step).bind(3, row.stats_json).bind(4, row.run_id).bind(5, row.finished_at);
  s.step();
  return sqlite3_changes(db_.handle()) > 0;
}

}  // namespace gauntlet::harness
