#include "harness/store/run_store.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include "harness/store/database.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {

using store_detail::kNow;
using store_detail::Statement;

std::int64_t RunStore::begin_run(const RunInfo& info) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              fmt::format("INSERT INTO runs(suite, config_path, command, shard, started_at, status, version) "
                          "VALUES(?,?,?,?,{},'running',?)",
                          kNow),
              db_.path());
  s.bind(1, info.suite).bind(2, info.config_path).bind(3, info.command).bind(4, info.shard).bind(5, info.version);
  s.step();
  return sqlite3_last_insert_rowid(db_.handle());
}

void RunStore::end_run(std::int64_t run_id, const std::string& status) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), fmt::format("UPDATE runs SET finished_at={}, status=? WHERE id=?", kNow), db_.path());
  s.bind(1, status).bind(2, run_id);
  s.step();
}

std::vector<RunInfo> RunStore::runs() {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              "SELECT id, suite, config_path, command, shard, started_at, finished_at, status, version FROM runs "
              "ORDER BY id",
              db_.path());
  std::vector<RunInfo> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7),
                   s.text(8)});
  return out;
}
std::int64_t RunStore::adopt_run(const RunInfo& run, bool* added) {
  std::lock_guard lock(db_.mutex());
  {
    Statement s(db_.handle(),
                "SELECT id FROM runs WHERE suite=? AND config_path=? AND command=? AND shard=? AND started_at=? AND "
                "version=? ORDER BY id LIMIT 1",
                db_.path());
    s.bind(1, run.suite).bind(2, run.config_path).bind(3, run.command).bind(4, run.shard).bind(5, run.started_at);
    s.bind(6, run.version);
    if (s.step()) {
      if (added) *added = false;
      return s.integer(0);
    }
  }
  Statement s(db_.handle(),
              "INSERT INTO runs(suite, config_path, command, shard, started_at, finished_at, status, version) "
              "VALUES(?,?,?,?,?,?,?,?)",
              db_.path());
  s.bind(1, run.suite).bind(2, run.config_path).bind(3, run.command).bind(4, run.shard).bind(5, run.started_at);
  s.bind(6, run.finished_at).bind(7, run.status).bind(8, run.version);
  s.step();
  if (added) *added = true;
  return sqlite3_last_insert_rowid(db_.handle());
}

}  // namespace gauntlet::harness
