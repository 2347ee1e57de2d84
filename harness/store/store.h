#pragma once
// Store: the only code that writes SQL. One SQLite file in WAL mode, schema versioned and migrated
// on open. Thread-safe: every method may be called from any thread; writes are serialised and each
// sample is its own committed transaction, so a kill -9 loses nothing already returned from put_sample.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/store/rollout_record.h"
#include "harness/store/sample_record.h"

struct sqlite3;

namespace gauntlet::harness {

inline constexpr int kSchemaVersion = 4;

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

// A (model or task) definition as recorded: its fingerprint guards resume against changed configs.
struct DefinitionRow {
  std::string name;
  std::string fingerprint;
  std::string config_json;
};

// One dataset row as recorded for a task (the work items a suite expands into).
struct ItemRow {
  std::string item_id;
  int position = 0;        // 0-based line order in the dataset
  std::string data_json;   // the row's fields
  std::string reference;   // the answer field
};

// One finished match of a tournament (written once, when it ends).
struct MatchRecord {
  std::string id;                    // stable key: tournament/game/round/seats
  std::string tournament;
  std::string game;
  int round = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> players;  // in seat (role) order
  std::vector<std::string> roles;
  std::string status;                // finished | forfeit | error (a referee failure: replayed by the next run)
  std::vector<double> scores;        // per seat, after forfeits are applied
  std::string result_json;           // reason, forfeits, plies, attempts and time per seat, final state
  std::int64_t run_id = 0;
  std::string started_at;
  std::string finished_at;           // set by the store
};

// One model or bot action inside a match: every attempt is a turn, legal or not.
struct TurnRecord {
  std::string match_id;
  int turn_index = 0;      // 0.. over the whole match, attempts included
  int ply = 0;             // accepted moves before this one
  std::string role;
  std::string player;
  int attempt = 1;         // 1.. within this ply
  std::string prompt;      // the messages sent (JSON), "" for bots
  std::string raw_output;
  std::string reasoning;
  std::string parsed_move; // canonical move, "" when none could be read
  bool legal = false;
  std::string reason;      // why the move was rejected, or the forfeit reason
  Usage usage;
  double latency_s = 0.0;
  std::string error;       // transport error of the model request
  std::string state;       // game state before the move (FEN / JSON)
  std::string created_at;
  std::string routing_json;  // engine routing summary (routing.trace on), "" otherwise
};

class Store {
 public:
  // Opens (creating if needed) and migrates. Throws StoreError naming the file on failure or when
  // the file's schema is newer than this build understands.
  explicit Store(const std::filesystem::path& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& path() const { return path_; }
  int schema_version();

  // Runs (one row per invocation).
  std::int64_t begin_run(const RunInfo& info);
  void end_run(std::int64_t run_id, const std::string& status);
  std::vector<RunInfo> runs();

  // Models and tasks: recorded once; a later run with a different fingerprint under the same name
  // is refused (StoreError naming the name and both fingerprints).
  void record_model(const DefinitionRow& row);
  void record_task(const DefinitionRow& row);
  std::vector<DefinitionRow> models();
  std::vector<DefinitionRow> tasks();

  // Work items of a task; re-recording replaces rows with the same id.
  void record_items(const std::string& task, const std::vector<ItemRow>& items);
  std::vector<ItemRow> items(const std::string& task);

  // Samples. put_sample inserts or replaces the row with the same key (an errored sample is
  // replaced by its retry; a key never appears twice).
  void put_sample(const SampleRecord& record);
  // Keys of samples that finished without error for a (model, task) cell.
  std::set<std::pair<std::string, int>> done_samples(const std::string& model, const std::string& task);
  std::vector<SampleRecord> samples();  // ordered by model, task, item_id, sample_index
  // Streams samples in the same order without holding them all in memory.
  void for_each_sample(const std::function<void(const SampleRecord&)>& visit);
  std::int64_t sample_count();

  // Tournaments. begin_match clears what an earlier attempt of the match left: the turns of an
  // unfinished one, and the row and turns of one that ended with status "error".
  void begin_match(const std::string& match_id);
  void put_turn(const TurnRecord& turn);
  void finish_match(const MatchRecord& match);
  std::vector<MatchRecord> matches(const std::string& tournament = "");  // "" = all
  std::vector<TurnRecord> turns(const std::string& match_id);

  // Self-play (store_selfplay.cpp). A run is recorded once; a later run with a different
  // fingerprint under the same name is refused (StoreError naming both fingerprints).
  void record_selfplay_run(const DefinitionRow& row);
  std::vector<DefinitionRow> selfplay_runs();
  // Writes the seeds of each task type whose buffer is still empty (so reseeding is a no-op).
  void seed_selfplay_buffer(const std::string& run, const std::vector<BufferRow>& seeds);
  std::vector<BufferRow> selfplay_buffer(const std::string& run);  // by task type, then position
  // A generation as it arrives: inserted, or replacing the row with the same key.
  void put_rollout(const RolloutRecord& record);
  void delete_rollout(const RolloutKey& key);
  // Writes the check fields (checked, format_ok, outcome, score, details_json) of existing rows, in
  // one transaction.
  void check_rollouts(const std::vector<RolloutRecord>& records);
  std::vector<RolloutRecord> rollouts(const std::string& run, int step);
  // Every rollout of every run in key order; with finished_only, only those of finished steps.
  void for_each_rollout(const std::function<void(const RolloutRecord&)>& visit, bool finished_only);
  // One transaction: appends `additions` to the buffer (positions assigned here, after the last of
  // their task type), sets each rollout's reward and advantage, and writes the step row. A step
  // that is already finished throws StoreError and changes nothing.
  void finish_selfplay_step(const std::string& run, int step, std::int64_t run_id,
                            const std::vector<BufferRow>& additions, const std::vector<RolloutFinal>& finals,
                            const std::string& stats_json);
  std::vector<SelfPlayStepRow> selfplay_steps(const std::string& run);

  // Response cache: key -> serialised ChatResult JSON.
  std::optional<std::string> cache_get(const std::string& key);
  void cache_put(const std::string& key, const std::string& model, const std::string& value);

  // Merge another store's models, tasks, items, samples, matches (with their turns) and cache into
  // this one (a match of ours that ended in an error gives way to their finished one). Returns
  // samples added.
  // Fingerprint conflicts throw StoreError; identical keys keep the error-free copy.
  std::int64_t merge_from(const std::filesystem::path& other);

 private:
  void exec(const std::string& sql);
  void migrate();
  void record_definition(const char* table, const char* noun, const DefinitionRow& row);
  std::vector<DefinitionRow> definitions(const char* table);

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::recursive_mutex mutex_;
};

}  // namespace gauntlet::harness
