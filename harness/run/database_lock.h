#pragma once
// DatabaseLock: one writer per database. Taken before a run (eval, tournament, self-play, merge)
// writes anything, held until it ends: the store's writer lock (store/writer_lock_store.h) names this
// process (pid, host, command) and a heartbeat thread refreshes it every `heartbeat_s`. Another run
// on a database whose lock is live is refused with a StoreError naming the holder. A lock is stale,
// and taken over, when its holder is gone: a pid that no longer exists on this host, or no
// heartbeat for `stale_after_s` (a crashed run on another host, or a reused pid).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "harness/store/writer_lock_store.h"

namespace gauntlet::harness {

struct DatabaseLockOptions {
  double heartbeat_s = 10.0;
  double stale_after_s = 120.0;
};

class DatabaseLock {
 public:
  // `what` names the database in messages. Throws StoreError when a live run holds the lock.
  DatabaseLock(WriterLockStore& store, const std::string& what, const std::string& command,
               DatabaseLockOptions options = {});
  ~DatabaseLock();  // releases the lock
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

  // The stale lock this one replaced, described for a message ("" when the lock was free).
  const std::string& took_over() const { return took_over_; }

  static std::string this_host();

 private:
  void heartbeat();

  WriterLockStore& store_;
  DatabaseLockOptions options_;
  std::int64_t pid_;
  std::string host_;
  std::string took_over_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gauntlet::harness
