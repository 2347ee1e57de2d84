// One writer per database: a live holder refuses a second run; a holder that is gone (a dead pid on
// this host, or no heartbeat from another host) is taken over; the lock is released at the end.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "harness/errors/errors.h"
#include "harness/run/database_lock.h"
#include "harness/store/store.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::TempDir;

// A pid that surely names no process: a child that has exited and been reaped.
std::int64_t dead_pid() {
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

bool always_live(const WriterLock&) { return true; }

TEST(DatabaseLock, LiveHolderRefusesAndReleaseFreesIt) {
  TempDir dir;
  Store store(dir.file("x.db"));
  // Another live process on this host holds it (our parent, which outlives the test).
  ASSERT_FALSE(store.take_writer_lock({static_cast<std::int64_t>(getppid()), DatabaseLock::this_host(), "eval other", "", 0},
                                      [](const WriterLock&) { return false; }));
  try {
    DatabaseLock lock(store, "x.db", "eval mine");
    FAIL() << "a second writer was let in";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("another run is writing to this database (pid " + std::to_string(getppid())),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("eval other"), std::string::npos) << e.what();
  }
  store.release_writer_lock(getppid(), DatabaseLock::this_host());
  {
    DatabaseLock lock(store, "x.db", "eval mine");
    EXPECT_TRUE(lock.took_over().empty());
    auto holder = store.writer_lock();
    ASSERT_TRUE(holder);
    EXPECT_EQ(holder->pid, getpid());
    EXPECT_EQ(holder->command, "eval mine");
  }
  EXPECT_FALSE(store.writer_lock());  // released
}

TEST(DatabaseLock, DeadPidOnThisHostIsTakenOver) {
  TempDir dir;
  Store store(dir.file("x.db"));
  const auto gone = dead_pid();
  ASSERT_FALSE(store.take_writer_lock({gone, DatabaseLock::this_host(), "eval crashed", "", 0}, always_live));
  DatabaseLock lock(store, "x.db", "eval again");
  EXPECT_NE(lock.took_over().find("pid " + std::to_string(gone)), std::string::npos) << lock.took_over();
  EXPECT_EQ(store.writer_lock()->pid, getpid());
}

TEST(DatabaseLock, OtherHostIsTrustedWhileItsHeartbeatIsFresh) {
  TempDir dir;
  Store store(dir.file("x.db"));
  ASSERT_FALSE(store.take_writer_lock({1, "node-17", "eval on node 17", "", 0}, always_live));
  EXPECT_THROW(DatabaseLock(store, "x.db", "eval here"), StoreError);
  // No heartbeat for longer than stale_after_s: the run on node 17 is gone.
  DatabaseLockOptions quick;
  quick.stale_after_s = 0.05;
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  DatabaseLock lock(store, "x.db", "eval here", quick);
  EXPECT_NE(lock.took_over().find("node-17"), std::string::npos);
}

TEST(DatabaseLock, HeartbeatKeepsTheLockFresh) {
  TempDir dir;
  Store store(dir.file("x.db"));
  DatabaseLockOptions fast;
  fast.heartbeat_s = 0.05;
  DatabaseLock lock(store, "x.db", "eval", fast);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto holder = store.writer_lock();
  ASSERT_TRUE(holder);
  EXPECT_LT(holder->heartbeat_age_s, 0.3);
}

}  // namespace
