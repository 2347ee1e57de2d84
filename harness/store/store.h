#pragma once
// Store: the only code that writes SQL. One SQLite file (store/database.h) seen through facets, one
// per kind of record: runs, definitions (models, tasks), samples and items, matches and turns,
// self-play, the response cache; merge_from combines databases. A runner or client that needs one
// kind of record takes that facet (e.g. CachedClient takes a ResponseCache). Thread-safe: every
// method may be called from any thread; writes are serialised.
#include <cstdint>
#include <filesystem>

#include "harness/store/database.h"
#include "harness/store/definition_store.h"
#include "harness/store/match_store.h"
#include "harness/store/response_cache_store.h"
#include "harness/store/run_store.h"
#include "harness/store/sample_store.h"
#include "harness/store/selfplay_store.h"

namespace gauntlet::harness {

class Store : private Database,
              public RunStore,
              public DefinitionStore,
              public SampleStore,
              public MatchStore,
              public SelfPlayStore,
              public ResponseCacheStore {
 public:
  // Opens (creating if needed) and migrates. Throws StoreError naming the file on failure or when
  // the file's schema is newer than this build understands.
  explicit Store(const std::filesystem::path& path);

  using Database::path;
  using Database::schema_version;

  // Merge another store's models, tasks, items, samples, matches (with their turns) and cache into
  // this one (a match of ours that ended in an error gives way to their finished one). Returns
  // samples added. Fingerprint conflicts throw StoreError before anything is
  // written; identical keys keep the error-free copy.
  std::int64_t merge_from(const std::filesystem::path& other);

 private:
  Database& database() { return *this; }
};

}  // namespace gauntlet::harness
