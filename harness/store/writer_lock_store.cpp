#include "harness/store/writer_lock_store.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include "harness/store/database.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {

using store_detail::kNow;
using store_detail::Statement;

namespace {

std::optional<WriterLock> read_lock(Database& db) {
  Statement s(db.handle(),
              "SELECT pid, host, command, started_at, (julianday('now') - julianday(heartbeat_at)) * 86400.0 "
              "FROM writer_lock WHERE id = 1",
              db.path());
  if (!s.step()) return std::nullopt;
  return WriterLock{s.integer(0), s.text(1), s.text(2), s.text(3), s.real(4)};
}

}  // namespace

std::optional<WriterLock> WriterLockStore::take_writer_lock(const WriterLock& me,
                                                            const std::function<bool(const WriterLock&)>& holder_is_live,
                                                            std::optional<WriterLock>* replaced) {
  std::lock_guard lock(db_.mutex());
  db_.exec("BEGIN IMMEDIATE");
  try {
    auto holder = read_lock(db_);
    if (holder && holder_is_live(*holder)) {
      db_.exec("ROLLBACK");
      return holder;
    }
    Statement s(db_.handle(),
                fmt::format("INSERT OR REPLACE INTO writer_lock(id, pid, host, command, started_at, heartbeat_at) "
                            "VALUES(1, ?, ?, ?, {0}, {0})",
                            kNow),
                db_.path());
    s.bind(1, me.pid).bind(2, me.host).bind(3, me.command);
    s.step();
    db_.exec("COMMIT");
    if (replaced) *replaced = holder;
    return std::nullopt;
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

bool WriterLockStore::refresh_writer_lock(std::int64_t pid, const std::string& host) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), fmt::format("UPDATE writer_lock SET heartbeat_at = {} WHERE id = 1 AND pid = ? AND host = ?", kNow),
              db_.path());
  s.bind(1, pid).bind(2, host);
  s.step();
  return sqlite3_changes(db_.handle()) > 0;
}

void WriterLockStore::release_writer_lock(std::int64_t pid, const std::string& host) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), "DELETE FROM writer_lock WHERE id = 1 AND pid = ? AND host = ?", db_.path());
  s.bind(1, pid).bind(2, host);
  s.step();
}

std::optional<WriterLock> WriterLockStore::writer_lock() {
  std::lock_guard lock(db_.mutex());
  return read_lock(db_);
}

}  // namespace gauntlet::harness
