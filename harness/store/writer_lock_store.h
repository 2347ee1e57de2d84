#pragma once
// WriterLockStore: the database's writer lock, one row naming the run that writes (pid, host, command,
// when it started, its latest heartbeat). Only the SQL lives here; run/database_lock.h decides
// whether a holder is still alive and keeps the heartbeat going.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace gauntlet::harness {

class Database;

struct WriterLock {
  std::int64_t pid = 0;
  std::string host;
  std::string command;
  std::string started_at;       // set by the store
  double heartbeat_age_s = 0;   // seconds since the holder's last heartbeat (read back only)
};

class WriterLockStore {
 public:
  explicit WriterLockStore(Database& db) : db_(db) {}

  // In one transaction: when the lock is free, or held by someone for whom `holder_is_live` is
  // false, `me` takes it (what it replaced, if anything, goes to `*replaced`) and nullopt is
  // returned; otherwise the live holder is returned and nothing changes.
  std::optional<WriterLock> take_writer_lock(const WriterLock& me,
                                             const std::function<bool(const WriterLock&)>& holder_is_live,
                                             std::optional<WriterLock>* replaced = nullptr);
  // Refreshes the heartbeat when `pid`@`host` holds the lock; false when it no longer does.
  bool refresh_writer_lock(std::int64_t pid, const std::string& host);
  // Removes the lock when `pid`@`host` holds it.
  void release_writer_lock(std::int64_t pid, const std::string& host);
  std::optional<WriterLock> writer_lock();

 private:
  Database& db_;
};

}  // namespace gauntlet::harness
