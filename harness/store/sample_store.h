#pragma once
// SampleStore: a suite's work items (dataset rows per task) and its samples. Each sample is its own
// committed write, so a kill -9 loses nothing already returned from put_sample.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/store/sample_record.h"

namespace gauntlet::harness {

class Database;

// One dataset row as recorded for a task (the work items a suite expands into).
struct ItemRow {
  std::string item_id;
  int position = 0;        // 0-based line order in the dataset
  std::string data_json;   // the row's fields
  std::string reference;   // the answer field
};

class SampleStore {
 public:
  explicit SampleStore(Database& db) : db_(db) {}

  // Work items of a task; re-recording replaces rows with the same id.
  void record_items(const std::string& task, const std::vector<ItemRow>& items);
  // The first of `items` whose stored row (fields or reference) differs while samples of it exist:
  // rerunning it would mix answers to two different questions. nullopt when none.
  std::optional<std::string> changed_item(const std::string& task, const std::vector<ItemRow>& items);
  std::vector<ItemRow> items(const std::string& task);

  // Inserts or replaces the row with the same key (an errored sample is replaced by its retry; an
  // error-free one is never replaced by an errored one; a key never appears twice).
  void put_sample(const SampleRecord& record);
  // Keys of samples that finished without error for a (model, task) cell.
  std::set<std::pair<std::string, int>> done_samples(const std::string& model, const std::string& task);
  // Samples of a (model, task) cell whose last attempt ended in an error, with that attempt's
  // details JSON ("" when none): what a rerun needs to know to ask a judge afresh.
  std::map<std::pair<std::string, int>, std::string> failed_samples(const std::string& model, const std::string& task);
  std::vector<SampleRecord> samples();  // ordered by model, task, item_id, sample_index
  // Streams samples in the same order without holding them all in memory.
  void for_each_sample(const std::function<void(const SampleRecord&)>& visit);
  std::int64_t sample_count();

 private:
  Database& db_;
};

}  // namespace gauntlet::harness
