#include "harness/eval/dataset.h"

#include <unordered_set>

#include "harness/input/jsonl_reader.h"

namespace gauntlet::harness {
namespace {

std::string as_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::vector<DatasetItem> load_dataset(const std::filesystem::path& path, const std::string& answer_field,
                                      const std::string& id_field) {
  JsonlReader reader(path);
  std::vector<DatasetItem> items;
  std::unordered_set<std::string> ids;
  nlohmann::json row;
  while (reader.next(row)) {
    if (!row.is_object()) reader.fail("row is not a JSON object");
    DatasetItem item;
    item.line = reader.line();
    auto answer = row.find(answer_field);
    if (answer == row.end() || answer->is_null()) reader.fail("missing answer field '" + answer_field + "'");
    item.reference = as_text(*answer);
    if (id_field.empty()) {
      item.id = std::to_string(items.size());
    } else {
      auto id = row.find(id_field);
      if (id == row.end() || id->is_null()) reader.fail("missing id field '" + id_field + "'");
      item.id = as_text(*id);
    }
    if (!ids.insert(item.id).second) reader.fail("duplicate id '" + item.id + "'");
    item.fields = std::move(row);
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace gauntlet::harness
