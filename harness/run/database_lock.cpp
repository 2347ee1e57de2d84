#include "harness/run/database_lock.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include <fmt/format.h>

#include "harness/errors/errors.h"

namespace gauntlet::harness {
namespace {

bool process_exists(std::int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string describe(const WriterLock& lock) {
  return fmt::format("pid {} on host {}, started {}, last heartbeat {:.0f} s ago: {}", lock.pid, lock.host,
                     lock.started_at, lock.heartbeat_age_s, lock.command);
}

}  // namespace

std::string DatabaseLock::this_host() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

DatabaseLock::DatabaseLock(WriterLockStore& store, const std::string& what, const std::string& command,
                           DatabaseLockOptions options)
    : store_(store), options_(options), pid_(static_cast<std::int64_t>(::getpid())), host_(this_host()) {
  auto live = [&](const WriterLock& holder) {
    if (holder.heartbeat_age_s > options_.stale_after_s) return false;  // no heartbeat: gone (or a reused pid)
    if (holder.host != host_) return true;                               // elsewhere: trust the heartbeat
    if (holder.pid == pid_) return false;                                // this process, e.g. after a failed run
    return process_exists(holder.pid);
  };
  std::optional<WriterLock> replaced;
  if (auto holder = store_.take_writer_lock({pid_, host_, command, "", 0.0}, live, &replaced))
    throw StoreError(fmt::format("{}: another run is writing to this database ({}); wait for it to finish, or use "
                                 "another --db",
                                 what, describe(*holder)));
  if (replaced) took_over_ = describe(*replaced);
  thread_ = std::thread([this] { heartbeat(); });
}

DatabaseLock::~DatabaseLock() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  try {
    store_.release_writer_lock(pid_, host_);
  } catch (...) {
    // The database is gone or locked: the lock goes stale and is taken over by the next run.
  }
}

void DatabaseLock::heartbeat() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, std::chrono::duration<double>(options_.heartbeat_s), [&] { return stopping_; })) return;
    lock.unlock();
    try {
      store_.refresh_writer_lock(pid_, host_);
    } catch (...) {
      // A busy database: the next beat tries again.
    }
    lock.lock();
  }
}

}  // namespace gauntlet::harness
