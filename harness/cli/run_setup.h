#pragma once
// What `eval`, `tournament` and `selfplay` share on the command line: the database (default runs/<name>.db), the
// shard, progress on stderr (redrawn in place on a TTY), Ctrl-C handling, and opening the store.
#include <filesystem>
#include <memory>
#include <string>

#include "harness/run/run_options.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

struct CliRunSetup {
  std::filesystem::path db;
  RunOptions options;
};

CliRunSetup cli_run_setup(const std::string& name, const std::string& db_arg, const std::string& shard,
                          bool no_progress, const std::string& command_line);

// Opens (or creates) the store; with --resume, says on stderr when there was nothing to resume.
std::unique_ptr<Store> open_run_store(const std::filesystem::path& db, bool resume);

}  // namespace gauntlet::harness
