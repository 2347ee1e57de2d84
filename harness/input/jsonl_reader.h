#pragma once
// JsonlReader: a JSON Lines file read one value per line; blank lines (spaces, tabs, a trailing \r)
// are skipped. Every problem throws DatasetError naming file:line: a file that cannot be opened
// (line 0), a line that is not valid JSON, a read error. Callers check each value's shape and
// report their own problems through fail(), so every JSONL input names its errors the same way.
#include <filesystem>
#include <fstream>
#include <istream>
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

class JsonlReader {
 public:
  explicit JsonlReader(const std::filesystem::path& path);
  JsonlReader(std::istream& in, std::string name);  // `name` is the file name used in errors

  // The next value; false at the end of the input.
  bool next(nlohmann::json& value);
  // The same with object keys in file order (for values whose key order is meaningful, such as
  // chat messages a template iterates or prints with tojson).
  bool next(nlohmann::ordered_json& value);
  int line() const { return line_; }  // 1-based line of the value last returned
  const std::string& name() const { return name_; }
  [[noreturn]] void fail(const std::string& what) const;  // DatasetError(name, line, what)

 private:
  template <typename Json>
  bool next_value(Json& value);
  std::ifstream file_;
  std::istream* in_ = nullptr;
  std::string name_;
  int line_ = 0;
};

}  // namespace gauntlet::harness
