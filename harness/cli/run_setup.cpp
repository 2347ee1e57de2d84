#include "harness/cli/run_setup.h"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "harness/run/interrupt.h"

namespace gauntlet::harness {

CliRunSetup cli_run_setup(const std::string& name, const std::string& db_arg, const std::string& shard,
                          bool no_progress, const std::string& command_line) {
  CliRunSetup setup;
  setup.db = db_arg.empty() ? std::filesystem::path("runs") / (name + ".db") : std::filesystem::path(db_arg);
  if (!shard.empty()) setup.options.shard = Shard::parse(shard);
  setup.options.command_line = command_line;
  if (!no_progress) {
    setup.options.progress_out = &std::cerr;
    setup.options.progress_live = isatty(STDERR_FILENO);
  }
  setup.options.stop = &install_interrupt_handler();
  return setup;
}

OpenedStore open_run_store(const std::filesystem::path& db, bool resume, const std::string& command_line) {
  bool existed = std::filesystem::exists(db);
  OpenedStore opened;
  opened.store = std::make_unique<Store>(db);
  opened.lock = std::make_unique<DatabaseLock>(*opened.store, db.string(), command_line);
  if (!opened.lock->took_over().empty())
    std::cerr << fmt::format("gauntlet: {}: taking over the lock of a run that is gone ({})\n", db.string(),
                             opened.lock->took_over());
  if (resume && !existed)
    std::cerr << fmt::format("gauntlet: {} does not exist yet; starting from scratch\n", db.string());
  return opened;
}

}  // namespace gauntlet::harness
