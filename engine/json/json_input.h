#pragma once
// Reading JSON that comes from outside (checkpoint, tokenizer and dataset files, HTTP bodies): the
// limits live here. Nesting deeper than kMaxJsonDepth is refused before the parser builds anything,
// so no deep value is ever built, copied or printed (each of which recurses); a NUL byte or anything
// after the value is refused; files larger than kMaxJsonFileBytes are not read. Every problem is a
// JsonInputError naming the source, the line and the limit. json_brief() prints a value for an error
// message: short, and safe for any bytes.
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gauntlet::engine {

inline constexpr int kMaxJsonDepth = 128;                           // arrays and objects inside each other
inline constexpr std::size_t kMaxJsonFileBytes = std::size_t{1} << 30;  // 1 GiB

class JsonInputError : public std::runtime_error {
 public:
  // what(): "SOURCE: line L: DETAIL" (no line part when line is 0, no source part when it is empty).
  JsonInputError(const std::string& source, int line, const std::string& detail);
  int line() const { return line_; }
  const std::string& detail() const { return detail_; }  // without source and line

 private:
  int line_;
  std::string detail_;
};

// Parses one JSON value (surrounding whitespace allowed); `source` names it in errors. Json is
// nlohmann::json, or nlohmann::ordered_json to keep object keys in input order.
template <typename Json = nlohmann::json>
Json parse_json_input(std::string_view text, const std::string& source);
extern template nlohmann::json parse_json_input(std::string_view, const std::string&);
extern template nlohmann::ordered_json parse_json_input(std::string_view, const std::string&);

// The bytes of a regular file of at most kMaxJsonFileBytes (errors: cannot open, not a regular file,
// too large, read error), and that file parsed.
std::string read_input_file(const std::filesystem::path& path);
nlohmann::json load_json_input_file(const std::filesystem::path& path);

// `value` as compact JSON for an error message, cut to about `max_chars` with "..." (invalid UTF-8,
// possible in values built from other formats, printed as U+FFFD).
std::string json_brief(const nlohmann::json& value, std::size_t max_chars = 80);

}  // namespace gauntlet::engine
