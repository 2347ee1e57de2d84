#pragma once
// What `eval`, `tournament` and `selfplay` share on the command line: the database (default runs/<name>.db), the
// shard, progress on stderr (redrawn in place on a TTY), Ctrl-C handling, and opening the store.
#include <filesystem>
#include <memory>
#include <string>

#include "harness/run/database_lock.h"
#include "harness/run/run_options.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

struct CliRunSetup {
  std::filesystem::path db;
  RunOptions options;
};

CliRunSetup cli_run_setup(const std::string& name, const std::string& db_arg, const std::string& shard,
                          bool no_progress, const std::string& command_line);

// A run's database, held by this process as its only writer (run/database_lock.h).
struct OpenedStore {
  std::unique_ptr<Store> store;
  std::unique_ptr<DatabaseLock> lock;
};

// Opens (or creates) the store and takes its writer lock (StoreError when another live run holds
// it; a stale lock is taken over and said on stderr); with --resume, says on stderr when there was
// nothing to resume. Call it only once the config is fully validated.
OpenedStore open_run_store(const std::filesystem::path& db, bool resume, const std::string& command_line);

}  // namespace gauntlet::harness
