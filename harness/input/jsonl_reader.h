#pragma once
// JsonlReader: a JSON Lines file read one value per line; blank lines (spaces, tabs, a trailing \r)
// are skipped. Every problem throws DatasetError naming file:line: a file that cannot be opened
// (line 0), a line that is not valid JSON or breaks a limit (kMaxLineBytes; the nesting and NUL
// limits of engine/json/json_input.h), a read error. Callers check each value's shape and
// report their own problems through fail(), so every JSONL input names its errors the same way.
#include <filesystem>
#include <fstream>
#include <istream>
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

class JsonlReader {
 public:
  static constexpr std::size_t kMaxLineBytes = std::size_t{256} << 20;  // 256 MiB

  explicit JsonlReader(const std::filesystem::path& path);
  // `name` is the file name used in errors.
  JsonlReader(std::istream& in, std::string name, std::size_t max_line_bytes = kMaxLineBytes);

  // The next value; false at the end of the input.
  bool next(nlohmann::json& value);
  // The same with object keys in file order (for values whose key order is meaningful, such as
  // chat messages a template iterates or prints with tojson).
  bool next(nlohmann::ordered_json& value);
  int line() const { return line_; }  // 1-based line of the value last returned
  const std::string& name() const { return name_; }
  [[noreturn]] void fail(const std::string& what) const;  // DatasetError(name, line, what)

 private:
  bool read_line(std::string& text);

  template <typename Json>
  bool next_value(Json& value);
  std::ifstream file_;
  std::istream* in_ = nullptr;
  std::string name_;
  std::size_t max_line_bytes_ = kMaxLineBytes;
  int line_ = 0;
};

}  // namespace gauntlet::harness
