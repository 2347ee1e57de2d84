#include "harness/store/database.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {
namespace {

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
    // 5: what the scorer found per sample (code: tests passed and the first failure; judge: the
    // judges' replies and grades), as JSON; '' when the scorer reports nothing.
    R"sql(
ALTER TABLE samples ADD COLUMN details TEXT NOT NULL DEFAULT '';
)sql",
    // 6: one writer per database. The run that writes holds the only row, with its pid and host, and
    // refreshes heartbeat_at while it runs; a row whose owner is gone is taken over.
    R"sql(
CREATE TABLE IF NOT EXISTS writer_lock(
  id INTEGER PRIMARY KEY CHECK(id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, command TEXT NOT NULL,
  started_at TEXT NOT NULL, heartbeat_at TEXT NOT NULL);
)sql",
    // 7: a budget policy's record of each sample, turn and self-play rollout (Choice::budget: policy,
    // params, thinking/answer tokens, cut reason and position, ...), as JSON; '' without a policy.
    R"sql(
ALTER TABLE samples ADD COLUMN budget TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN budget TEXT NOT NULL DEFAULT '';
ALTER TABLE selfplay_rollouts ADD COLUMN budget TEXT NOT NULL DEFAULT '';
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion);

}  // namespace

Database::Database(const std::filesystem::path& path) : path_(path) {
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

Database::~Database() {
  if (db_) sqlite3_close(db_);
}

void Database::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw StoreError(fmt::format("{}: {}", path_.string(), msg));
  }
}

int Database::schema_version() {
  std::lock_guard lock(mutex_);
  Statement s(db_, "PRAGMA user_version", path_);
  s.step();
  return static_cast<int>(s.integer(0));
}

void Database::migrate() {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    int version;
    {
      Statement s(db_, "PRAGMA user_version", path_);
      s.step();
      version = static_cast<int>(s.integer(0));
    }
    // user_version is any 32-bit value another program (or a damaged file) may have left; only
    // 0..kSchemaVersion index the migrations.
    if (version < 0)
      throw StoreError(fmt::format("{}: schema version {} is not one gauntlet writes (not a gauntlet database, or a "
                                   "damaged one)",
                                   path_.string(), version));
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

}  // namespace gauntlet::harness
