#pragma once
// RunStore: the runs table, one row per invocation of eval, tournament or self-play, from `running`
// to finished | interrupted | failed.
#include <cstdint>
#include <string>
#include <vector>

namespace gauntlet::harness {

class Database;

struct RunInfo {
  std::int64_t id = 0;
  std::string suite;
  std::string config_path;
  std::string command;
  std::string shard;          // "i/n" or ""
  std::string started_at;
  std::string finished_at;    // "" while running or after a crash
  std::string status;         // running | finished | interrupted | failed
  std::string version;
};

class RunStore {
 public:
  explicit RunStore(Database& db) : db_(db) {}

  std::int64_t begin_run(const RunInfo& info);
  void end_run(std::int64_t run_id, const std::string& status);
  std::vector<RunInfo> runs();
  // A run recorded in another database (a shard being merged): the id of the identical row already
  // here (same suite, config path, command, shard, start time and version), else of a new copy.
  // Sets *added when it inserted one.
  std::int64_t adopt_run(const RunInfo& run, bool* added = nullptr);

 private:
  Database& db_;
};

}  // namespace gauntlet::harness
