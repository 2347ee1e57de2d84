#include "harness/eval/dataset.h"

#include <fstream>
#include <unordered_set>

#include "harness/errors/errors.h"

namespace gauntlet::harness {
namespace {

std::string as_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::vector<DatasetItem> load_dataset(const std::filesystem::path& path, const std::string& answer_field,
                                      const std::string& id_field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DatasetError(path.string(), 0, "cannot open dataset");
  std::vector<DatasetItem> items;
  std::unordered_set<std::string> ids;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::json row;
    try {
      row = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw DatasetError(path.string(), line_no, std::string("invalid JSON: ") + e.what());
    }
    if (!row.is_object()) throw DatasetError(path.string(), line_no, "row is not a JSON object");
    DatasetItem item;
    item.line = line_no;
    auto answer = row.find(answer_field);
    if (answer == row.end() || answer->is_null())
      throw DatasetError(path.string(), line_no, "missing answer field '" + answer_field + "'");
    item.reference = as_text(*answer);
    if (id_field.empty()) {
      item.id = std::to_string(items.size());
    } else {
      auto id = row.find(id_field);
      if (id == row.end() || id->is_null())
        throw DatasetError(path.string(), line_no, "missing id field '" + id_field + "'");
      item.id = as_text(*id);
    }
    if (!ids.insert(item.id).second)
      throw DatasetError(path.string(), line_no, "duplicate id '" + item.id + "'");
    item.fields = std::move(row);
    items.push_back(std::move(item));
  }
  if (in.bad()) throw DatasetError(path.string(), line_no, "read error");
  return items;
}

}  // namespace gauntlet::harness
