#pragma once
// Store: the only code that writes SQL. One SQLite file (store/database.h) seen through facets, one
// per kind of record: runs, definitions (models, tasks), samples and items, matches and turns,
// self-play, the response cache, the writer lock; merge_from combines databases. A runner or client that needs one
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
#include "harness/store/writer_lock_store.h"

namespace gauntlet::harness {

// Rows a merge added, or a database holds (Store::totals). Samples count error-free ones.
struct MergeCounts {
  std::int64_t samples = 0;
  std::int64_t matches = 0;
  std::int64_t turns = 0;
  std::int64_t rollouts = 0;
  std::int64_t steps = 0;  // finished self-play steps
  std::int64_t runs = 0;
};

class Store : private Database,
              public RunStore,
              public DefinitionStore,
              public SampleStore,
              public MatchStore,
              public SelfPlayStore,
              public ResponseCacheStore,
              public WriterLockStore {
 public:
  // Opens (creating if needed) and migrates. Throws StoreError naming the file on failure or when
  // the file's schema is newer than this build understands.
  explicit Store(const std::filesystem::path& path);

  using Database::path;
  using Database::schema_version;

  // Merge another store into this one: its runs (under new ids, or the identical row already here),
  // models, tasks, items, samples, matches with their turns (a match of ours that ended in
  // an error gives way to their finished one), self-play runs with their buffers,
  // rollouts and steps, and its cache; every sample, match, rollout and step keeps its run. Returns
  // what was added. Definition conflicts (and changed task items) throw StoreError before anything
  // is written; identical keys keep the error-free copy (samples) or ours (everything else), so
  // merging the same shard twice adds nothing.
  MergeCounts merge_from(const std::filesystem::path& other);
  // What the database holds, counted the same way (samples: error-free ones).
  MergeCounts totals();

 private:
  Database& database() { return *this; }
};

}  // namespace gauntlet::harness
