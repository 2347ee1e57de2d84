#pragma once
// Dataset: a JSONL file of items, one JSON object per line (blank lines skipped).
// Throws DatasetError naming the file and line for unreadable files, bad JSON, non-object rows,
// missing answer/id fields and duplicate ids.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

struct DatasetItem {
  std::string id;          // the id field's value, or the 0-based row number when no id field is set
  int line = 0;            // 1-based line in the file
  std::string reference;   // the answer field, as text
  nlohmann::json fields;   // the whole row
};

// `id_field` empty: ids are row numbers. `answer_field` must exist in every row.
std::vector<DatasetItem> load_dataset(const std::filesystem::path& path, const std::string& answer_field,
                                      const std::string& id_field);

}  // namespace gauntlet::harness
