#include "harness/store/store.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {
namespace {

using store_detail::kNow;
using store_detail::Statement;

// Migrations, applied in order; the file's PRAGMA user_version counts how many have run.
// Later parts (games, self-play, engine traces) append their tables as new entries.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE runs(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  suite TEXT NOT NULL, config_path TEXT NOT NULL, command TEXT NOT NULL, shard TEXT NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
  version TEXT NOT NULL);
CREATE TABLE models(name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, config_json TEXT NOT NULL);
CREATE TABLE tasks(name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, config_json TEXT NOT NULL);
CREATE TABLE samples(
  model TEXT NOT NULL, task TEXT NOT NULL, item_id TEXT NOT NULL, sample_index INTEGER NOT NULL,
  run_id INTEGER NOT NULL,
  prompt TEXT NOT NULL, completion TEXT NOT NULL, reasoning TEXT NOT NULL, reference TEXT NOT NULL,
  answer TEXT, score REAL NOT NULL, correct INTEGER NOT NULL, finish_reason TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
  latency_s REAL NOT NULL, retries INTEGER NOT NULL, cached INTEGER NOT NULL, error TEXT NOT NULL,
  logprobs TEXT NOT NULL, token_ids TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY(model, task, item_id, sample_index));
CREATE TABLE items(task TEXT NOT NULL, item_id TEXT NOT NULL, position INTEGER NOT NULL,
  data_json TEXT NOT NULL, reference TEXT NOT NULL, PRIMARY KEY(task, item_id));
CREATE TABLE response_cache(key TEXT PRIMARY KEY, model TEXT NOT NULL, value TEXT NOT NULL,
  created_at TEXT NOT NULL);
)sql",
    // 2: tournaments. A match row is written once, when the match ends; its turns are written as
    // they happen, and a match that never finished has its turns replaced when it is replayed.
    R"sql(
CREATE TABLE matches(
  id TEXT PRIMARY KEY, tournament TEXT NOT NULL, game TEXT NOT NULL, round INTEGER NOT NULL,
  seed INTEGER NOT NULL, players_json TEXT NOT NULL, roles_json TEXT NOT NULL, status TEXT NOT NULL,
  scores_json TEXT NOT NULL, result_json TEXT NOT NULL, run_id INTEGER NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT NOT NULL);
CREATE INDEX matches_by_tournament ON matches(tournament);
CREATE TABLE turns(
  match_id TEXT NOT NULL, turn_index INTEGER NOT NULL, ply INTEGER NOT NULL, role TEXT NOT NULL,
  player TEXT NOT NULL, attempt INTEGER NOT NULL, prompt TEXT NOT NULL, raw_output TEXT NOT NULL,
  reasoning TEXT NOT NULL, parsed_move TEXT NOT NULL, legal INTEGER NOT NULL, reason TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, latency_s REAL NOT NULL,
  error TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY(match_id, turn_index));
)sql",
    // 3: self-play. Rollouts are written as each generation arrives, checked (validated or verified)
    // in place, and get their reward and advantage when the step finishes, in the same transaction
    // that appends the step's tasks to the buffer and writes the step row.
    R"sql(
CREATE TABLE selfplay_runs(name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, config_json TEXT NOT NULL);
CREATE TABLE selfplay_buffer(
  run TEXT NOT NULL, task_type TEXT NOT NULL, position INTEGER NOT NULL, step INTEGER NOT NULL,
  task_id TEXT NOT NULL, task_json TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY(run, task_type, position));
CREATE TABLE selfplay_rollouts(
  run TEXT NOT NULL, step INTEGER NOT NULL, task_type TEXT NOT NULL, role TEXT NOT NULL, slot INTEGER NOT NULL,
  sample INTEGER NOT NULL, group_id TEXT NOT NULL, task_id TEXT NOT NULL, model TEXT NOT NULL,
  prompt TEXT NOT NULL, messages_json TEXT NOT NULL, completion TEXT NOT NULL, reasoning TEXT NOT NULL,
  answer_text TEXT NOT NULL, finish_reason TEXT NOT NULL, prompt_ids TEXT NOT NULL, response_ids TEXT NOT NULL,
  response_logprobs TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
  latency_s REAL NOT NULL, checked INTEGER NOT NULL, format_ok INTEGER NOT NULL, outcome TEXT NOT NULL,
  score REAL NOT NULL, details_json TEXT NOT NULL, reward REAL, advantage REAL, run_id INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY(run, step, task_type, role, slot, sample));
CREATE TABLE selfplay_steps(run TEXT NOT NULL, step INTEGER NOT NULL, stats_json TEXT NOT NULL,
  run_id INTEGER NOT NULL, finished_at TEXT NOT NULL, PRIMARY KEY(run, step));
)sql",
    // 4: engine routing aggregates (experts per token, expert load per layer) per sample, turn and
    // self-play rollout.
    R"sql(
ALTER TABLE samples ADD COLUMN routing TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN routing TEXT NOT NULL DEFAULT '';
ALTER TABLE selfplay_rollouts ADD COLUMN routing TEXT NOT NULL DEFAULT '';
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion);


const char* const kSampleColumns =
    "model, task, item_id, sample_index, run_id, prompt, completion, reasoning, reference, answer, score, "
    "correct, finish_reason, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, latency_s, "
    "retries, cached, error, logprobs, token_ids, created_at, routing";

SampleRecord read_sample(const Statement& s) {
  SampleRecord r;
  r.key = {s.text(0), s.text(1), s.text(2), static_cast<int>(s.integer(3))};
  r.run_id = s.integer(4);
  r.prompt = s.text(5);
  r.completion = s.text(6);
  r.reasoning = s.text(7);
  r.reference = s.text(8);
  r.answer = s.optional_text(9);
  r.score = s.real(10);
  r.correct = s.integer(11) != 0;
  r.finish_reason = s.text(12);
  r.usage = {s.integer(13), s.integer(14), s.integer(15), s.integer(16)};
  r.latency_s = s.real(17);
  r.retries = static_cast<int>(s.integer(18));
  r.cached = s.integer(19) != 0;
  r.error = s.text(20);
  r.logprobs_json = s.text(21);
  r.token_ids_json = s.text(22);
  r.created_at = s.text(23);
  r.routing_json = s.text(24);
  return r;
}

}  // namespace

Store::Store(const std::filesystem::path& path) : path_(path) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(fmt::format("{}: cannot open database: {}", path.string(), msg));
  }
  sqlite3_busy_timeout(db_, 30000);
  try {
    // Switching a new file to WAL takes an exclusive lock without waiting on the busy timeout, so two
    // processes opening the same new file at once (shards sharing a cache database, `report` while
    // `eval` starts) would fail with "database is locked": retry for as long as the busy timeout.
    for (int attempt = 0;; ++attempt) {
      try {
        exec("PRAGMA journal_mode=WAL");
        break;
      } catch (const StoreError&) {
        if (sqlite3_errcode(db_) != SQLITE_BUSY || attempt >= 3000) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  if (db_) sqlite3_close(db_);
}

void Store::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw StoreError(fmt::format("{}: {}", path_.string(), msg));
  }
}

int Store::schema_version() {
  std::lock_guard lock(mutex_);
  Statement s(db_, "PRAGMA user_version", path_);
  s.step();
  return static_cast<int>(s.integer(0));
}

void Store::migrate() {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    int version;
    {
      Statement s(db_, "PRAGMA user_version", path_);
      s.step();
      version = static_cast<int>(s.integer(0));
    }
    if (version > kSchemaVersion)
      throw StoreError(fmt::format("{}: schema version {} is newer than this gauntlet understands ({}); upgrade gauntlet",
                                   path_.string(), version, kSchemaVersion));
    for (int v = version; v < kSchemaVersion; ++v) exec(kMigrations[v]);
    if (version != kSchemaVersion) exec(fmt::format("PRAGMA user_version={}", kSchemaVersion));
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::int64_t Store::begin_run(const RunInfo& info) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              fmt::format("INSERT INTO runs(suite, config_path, command, shard, started_at, status, version) "
                          "VALUES(?,?,?,?,{},'running',?)",
                          kNow),
              path_);
  s.bind(1, info.suite).bind(2, info.config_path).bind(3, info.command).bind(4, info.shard).bind(5, info.version);
  s.step();
  return sqlite3_last_insert_rowid(db_);
}

void Store::end_run(std::int64_t run_id, const std::string& status) {
  std::lock_guard lock(mutex_);
  Statement s(db_, fmt::format("UPDATE runs SET finished_at={}, status=? WHERE id=?", kNow), path_);
  s.bind(1, status).bind(2, run_id);
  s.step();
}

std::vector<RunInfo> Store::runs() {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT id, suite, config_path, command, shard, started_at, finished_at, status, version FROM runs "
              "ORDER BY id",
              path_);
  std::vector<RunInfo> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7),
                   s.text(8)});
  return out;
}

void Store::record_definition(const char* table, const char* noun, const DefinitionRow& row) {
  std::lock_guard lock(mutex_);
  {
    Statement s(db_, fmt::format("SELECT fingerprint FROM {} WHERE name=?", table), path_);
    s.bind(1, row.name);
    if (s.step()) {
      if (s.text(0) != row.fingerprint)
        throw StoreError(fmt::format(
            "{}: {} '{}' was already run here with a different configuration (fingerprint {} vs {}); "
            "results would mix. Use a new --db, or give the changed {} a new name",
            path_.string(), noun, row.name, s.text(0), row.fingerprint, noun));
      return;
    }
  }
  Statement s(db_, fmt::format("INSERT INTO {}(name, fingerprint, config_json) VALUES(?,?,?)", table), path_);
  s.bind(1, row.name).bind(2, row.fingerprint).bind(3, row.config_json);
  s.step();
}

void Store::record_model(const DefinitionRow& row) { record_definition("models", "model", row); }
void Store::record_task(const DefinitionRow& row) { record_definition("tasks", "task", row); }

std::vector<DefinitionRow> Store::definitions(const char* table) {
  std::lock_guard lock(mutex_);
  Statement s(db_, fmt::format("SELECT name, fingerprint, config_json FROM {} ORDER BY name", table), path_);
  std::vector<DefinitionRow> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
  return out;
}

std::vector<DefinitionRow> Store::models() { return definitions("models"); }
std::vector<DefinitionRow> Store::tasks() { return definitions("tasks"); }

void Store::put_sample(const SampleRecord& r) {
  std::lock_guard lock(mutex_);
  // An error-free sample is never overwritten by an errored one; anything else replaces in place.
  Statement s(db_,
              fmt::format("INSERT INTO samples({}) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,{},?24) "
                          "ON CONFLICT(model, task, item_id, sample_index) DO UPDATE SET "
                          "run_id=excluded.run_id, prompt=excluded.prompt, completion=excluded.completion, "
                          "reasoning=excluded.reasoning, reference=excluded.reference, answer=excluded.answer, "
                          "score=excluded.score, correct=excluded.correct, finish_reason=excluded.finish_reason, "
                          "prompt_tokens=excluded.prompt_tokens, completion_tokens=excluded.completion_tokens, "
                          "reasoning_tokens=excluded.reasoning_tokens, cached_tokens=excluded.cached_tokens, "
                          "latency_s=excluded.latency_s, retries=excluded.retries, cached=excluded.cached, "
                          "error=excluded.error, logprobs=excluded.logprobs, token_ids=excluded.token_ids, "
                          "created_at=excluded.created_at, routing=excluded.routing "
                          "WHERE samples.error != '' OR excluded.error = ''",
                          kSampleColumns, r.created_at.empty() ? kNow : "?25"),
              path_);
  s.bind(1, r.key.model).bind(2, r.key.task).bind(3, r.key.item_id).bind(4, r.key.sample_index);
  s.bind(5, r.run_id).bind(6, r.prompt).bind(7, r.completion).bind(8, r.reasoning).bind(9, r.reference);
  s.bind(10, r.answer).bind(11, r.score).bind(12, r.correct ? 1 : 0).bind(13, r.finish_reason);
  s.bind(14, r.usage.prompt_tokens).bind(15, r.usage.completion_tokens).bind(16, r.usage.reasoning_tokens);
  s.bind(17, r.usage.cached_tokens).bind(18, r.latency_s).bind(19, r.retries).bind(20, r.cached ? 1 : 0);
  s.bind(21, r.error).bind(22, r.logprobs_json).bind(23, r.token_ids_json).bind(24, r.routing_json);
  if (!r.created_at.empty()) s.bind(25, r.created_at);
  s.step();
}

void Store::record_items(const std::string& task, const std::vector<ItemRow>& items) {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_, "INSERT OR REPLACE INTO items(task, item_id, position, data_json, reference) VALUES(?,?,?,?,?)",
                path_);
    for (const auto& item : items) {
      sqlite3_reset(s.handle());
      s.bind(1, task).bind(2, item.item_id).bind(3, item.position).bind(4, item.data_json).bind(5, item.reference);
      s.step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<ItemRow> Store::items(const std::string& task) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT item_id, position, data_json, reference FROM items WHERE task=? ORDER BY position", path_);
  s.bind(1, task);
  std::vector<ItemRow> out;
  while (s.step()) out.push_back({s.text(0), static_cast<int>(s.integer(1)), s.text(2), s.text(3)});
  return out;
}

std::set<std::pair<std::string, int>> Store::done_samples(const std::string& model, const std::string& task) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT item_id, sample_index FROM samples WHERE model=? AND task=? AND error=''", path_);
  s.bind(1, model).bind(2, task);
  std::set<std::pair<std::string, int>> out;
  while (s.step()) out.emplace(s.text(0), static_cast<int>(s.integer(1)));
  return out;
}

std::vector<SampleRecord> Store::samples() {
  std::vector<SampleRecord> out;
  for_each_sample([&](const SampleRecord& r) { out.push_back(r); });
  return out;
}

void Store::for_each_sample(const std::function<void(const SampleRecord&)>& visit) {
  std::lock_guard lock(mutex_);
  Statement s(db_, fmt::format("SELECT {} FROM samples ORDER BY model, task, item_id, sample_index", kSampleColumns),
              path_);
  while (s.step()) visit(read_sample(s));
}

std::int64_t Store::sample_count() {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT COUNT(*) FROM samples", path_);
  s.step();
  return s.integer(0);
}

void Store::begin_match(const std::string& match_id) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "DELETE FROM turns WHERE match_id=? AND match_id NOT IN (SELECT id FROM matches WHERE status != 'error')",
              path_);
  s.bind(1, match_id);
  s.step();
  Statement e(db_, "DELETE FROM matches WHERE id=? AND status='error'", path_);
  e.bind(1, match_id);
  e.step();
}

void Store::put_turn(const TurnRecord& t) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              fmt::format("INSERT OR REPLACE INTO turns(match_id, turn_index, ply, role, player, attempt, prompt, "
                          "raw_output, reasoning, parsed_move, legal, reason, prompt_tokens, completion_tokens, "
                          "latency_s, error, state, created_at, routing) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,{},?)",
                          kNow),
              path_);
  s.bind(1, t.match_id).bind(2, t.turn_index).bind(3, t.ply).bind(4, t.role).bind(5, t.player).bind(6, t.attempt);
  s.bind(7, t.prompt).bind(8, t.raw_output).bind(9, t.reasoning).bind(10, t.parsed_move).bind(11, t.legal ? 1 : 0);
  s.bind(12, t.reason).bind(13, t.usage.prompt_tokens).bind(14, t.usage.completion_tokens).bind(15, t.latency_s);
  s.bind(16, t.error).bind(17, t.state).bind(18, t.routing_json);
  s.step();
}

void Store::finish_match(const MatchRecord& m) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              fmt::format("INSERT OR REPLACE INTO matches(id, tournament, game, round, seed, players_json, roles_json, "
                          "status, scores_json, result_json, run_id, started_at, finished_at) "
                          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,{})",
                          kNow),
              path_);
  s.bind(1, m.id).bind(2, m.tournament).bind(3, m.game).bind(4, m.round).bind(5, static_cast<std::int64_t>(m.seed));
  s.bind(6, nlohmann::json(m.players).dump()).bind(7, nlohmann::json(m.roles).dump()).bind(8, m.status);
  s.bind(9, nlohmann::json(m.scores).dump()).bind(10, m.result_json).bind(11, m.run_id).bind(12, m.started_at);
  s.step();
}

std::vector<MatchRecord> Store::matches(const std::string& tournament) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              std::string("SELECT id, tournament, game, round, seed, players_json, roles_json, status, scores_json, "
                          "result_json, run_id, started_at, finished_at FROM matches") +
                  (tournament.empty() ? "" : " WHERE tournament=?") + " ORDER BY id",
              path_);
  if (!tournament.empty()) s.bind(1, tournament);
  std::vector<MatchRecord> out;
  while (s.step()) {
    MatchRecord m;
    m.id = s.text(0);
    m.tournament = s.text(1);
    m.game = s.text(2);
    m.round = static_cast<int>(s.integer(3));
    m.seed = static_cast<std::uint64_t>(s.integer(4));
    m.players = nlohmann::json::parse(s.text(5)).get<std::vector<std::string>>();
    m.roles = nlohmann::json::parse(s.text(6)).get<std::vector<std::string>>();
    m.status = s.text(7);
    m.scores = nlohmann::json::parse(s.text(8)).get<std::vector<double>>();
    m.result_json = s.text(9);
    m.run_id = s.integer(10);
    m.started_at = s.text(11);
    m.finished_at = s.text(12);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<TurnRecord> Store::turns(const std::string& match_id) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT match_id, turn_index, ply, role, player, attempt, prompt, raw_output, reasoning, parsed_move, "
              "legal, reason, prompt_tokens, completion_tokens, latency_s, error, state, created_at, routing FROM turns "
              "WHERE match_id=? ORDER BY turn_index",
              path_);
  s.bind(1, match_id);
  std::vector<TurnRecord> out;
  while (s.step()) {
    TurnRecord t;
    t.match_id = s.text(0);
    t.turn_index = static_cast<int>(s.integer(1));
    t.ply = static_cast<int>(s.integer(2));
    t.role = s.text(3);
    t.player = s.text(4);
    t.attempt = static_cast<int>(s.integer(5));
    t.prompt = s.text(6);
    t.raw_output = s.text(7);
    t.reasoning = s.text(8);
    t.parsed_move = s.text(9);
    t.legal = s.integer(10) != 0;
    t.reason = s.text(11);
    t.usage.prompt_tokens = s.integer(12);
    t.usage.completion_tokens = s.integer(13);
    t.latency_s = s.real(14);
    t.error = s.text(15);
    t.state = s.text(16);
    t.created_at = s.text(17);
    t.routing_json = s.text(18);
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<std::string> Store::cache_get(const std::string& key) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT value FROM response_cache WHERE key=?", path_);
  s.bind(1, key);
  if (s.step()) return s.text(0);
  return std::nullopt;
}

void Store::cache_put(const std::string& key, const std::string& model, const std::string& value) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              fmt::format("INSERT OR REPLACE INTO response_cache(key, model, value, created_at) VALUES(?,?,?,{})", kNow),
              path_);
  s.bind(1, key).bind(2, model).bind(3, value);
  s.step();
}

std::int64_t Store::merge_from(const std::filesystem::path& other) {
  if (!std::filesystem::exists(other)) throw StoreError(fmt::format("{}: no such database", other.string()));
  if (std::filesystem::equivalent(other, path_))
    throw StoreError(fmt::format("{}: cannot merge a database into itself", other.string()));
  Store source(other);  // validates and migrates the input like any store
  // Refuse conflicting definitions before writing anything.
  auto check = [&](const std::vector<DefinitionRow>& mine, const std::vector<DefinitionRow>& theirs, const char* what) {
    for (const auto& t : theirs)
      for (const auto& m : mine)
        if (m.name == t.name && m.fingerprint != t.fingerprint)
          throw StoreError(fmt::format("{}: {} '{}' has a different configuration than in {} (fingerprint {} vs {})",
                                       other.string(), what, t.name, path_.string(), t.fingerprint, m.fingerprint));
  };
  check(models(), source.models(), "model");
  check(tasks(), source.tasks(), "task");
  for (const auto& m : source.models()) record_model(m);
  for (const auto& t : source.tasks()) {
    record_task(t);
    record_items(t.name, source.items(t.name));
  }
  std::lock_guard lock(mutex_);
  std::int64_t before = 0;
  {
    Statement s(db_, "SELECT COUNT(*) FROM samples WHERE error=''", path_);
    s.step();
    before = s.integer(0);
  }
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& r : source.samples()) put_sample(r);
    std::map<std::string, std::string> have;  // id -> status
    for (const auto& m : matches()) have[m.id] = m.status;
    for (const auto& m : source.matches()) {
      auto it = have.find(m.id);
      // A match is immutable once finished: keep ours, unless ours ended in an error and theirs did not.
      if (it != have.end() && (it->second != "error" || m.status == "error")) continue;
      if (it != have.end()) begin_match(m.id);
      for (const auto& t : source.turns(m.id)) put_turn(t);
      finish_match(m);
    }
    {
      std::lock_guard source_lock(source.mutex_);
      Statement s(source.db_, "SELECT key, model, value FROM response_cache", source.path_);
      while (s.step()) cache_put(s.text(0), s.text(1), s.text(2));
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  Statement s(db_, "SELECT COUNT(*) FROM samples WHERE error=''", path_);
  s.step();
  return s.integer(0) - before;
}

}  // namespace gauntlet::harness
