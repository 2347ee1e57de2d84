#pragma once
// Database: one SQLite file in WAL mode, opened (created if needed) and migrated to the schema this
// build writes. The store's facets share it; each takes mutex() around its statements, so every facet
// method may be called from any thread. Internal to harness/store/.
#include <filesystem>
#include <mutex>
#include <string>

struct sqlite3;

namespace gauntlet::harness {

inline constexpr int kSchemaVersion = 7;

class Database {
 public:
  // Throws StoreError naming the file when it cannot be opened or its schema is newer than this build.
  explicit Database(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::filesystem::path& path() const { return path_; }
  int schema_version();

  sqlite3* handle() { return db_; }
  std::recursive_mutex& mutex() { return mutex_; }
  // Runs SQL without results; throws StoreError naming the file.
  void exec(const std::string& sql);

 private:
  void migrate();

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::recursive_mutex mutex_;
};

}  // namespace gauntlet::harness
