#pragma once
// SelfPlayStore: Absolute Zero self-play runs, task buffers, rollouts and finished steps. A step's
// rewards, advantages, buffer additions and step row are written in one transaction.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/store/definition_store.h"
#include "harness/store/rollout_record.h"

namespace gauntlet::harness {

class Database;

class SelfPlayStore {
 public:
  SelfPlayStore(Database& db, DefinitionStore& definitions) : db_(db), definitions_(definitions) {}

  // A run is recorded once; a later run with a different fingerprint under the same name is refused
  // (StoreError naming both fingerprints).
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

  // Merging (Store::merge_from): each inserts a row recorded in another database unless its key is
  // already here (ours is kept) and says whether it did; rollouts and steps keep their times.
  bool adopt_buffer_row(const std::string& run, const BufferRow& row);
  bool adopt_rollout(const RolloutRecord& record);
  bool adopt_selfplay_step(const std::string& run, const SelfPlayStepRow& row);

 private:
  Database& db_;
  DefinitionStore& definitions_;
};

}  // namespace gauntlet::harness
