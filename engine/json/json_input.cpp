#include "engine/json/json_input.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "engine/text/unicode.h"

namespace gauntlet::engine {
namespace {

// One pass over the bytes before parsing: depth of arrays and objects outside strings, NUL bytes.
// For valid JSON the count is the nesting; for invalid JSON the parser stops at the first error, and
// up to that point the two agree, so the parser never goes deeper than this check allows.
void check_structure(std::string_view text, const std::string& source) {
  int depth = 0, line = 1;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (c == '\0') throw JsonInputError(source, line, fmt::format("a NUL byte at offset {}", i));
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw JsonInputError(source, line, fmt::format("nested deeper than {} levels (the limit)", kMaxJsonDepth));
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

// Keeps the start of `text` (at most max_bytes, never cut inside a UTF-8 sequence) with "...".
std::string shortened(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

// nlohmann's message without its "[json.exception.parse_error.101] " tag, short and valid UTF-8 (its
// "last read" part quotes the input, which may be long or hold any bytes).
std::string parse_error_detail(const std::string& what) {
  std::string detail = what;
  if (auto end = what.find("] "); what.rfind("[json.exception", 0) == 0 && end != std::string::npos)
    detail = what.substr(end + 2);
  return shortened(unicode::to_valid_utf8(detail), 240);
}

}  // namespace

JsonInputError::JsonInputError(const std::string& source, int line, const std::string& detail)
    : std::runtime_error(fmt::format("{}{}{}", source.empty() ? "" : source + ": ",
                                     line > 0 ? fmt::format("line {}: ", line) : "", detail)),
      line_(line),
      detail_(detail) {}

template <typename Json>
Json parse_json_input(std::string_view text, const std::string& source) {
  check_structure(text, source);
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {  // a syntax error, or a number too large (out_of_range)
    throw JsonInputError(source, 0, "not valid JSON: " + parse_error_detail(e.what()));
  }
}

template nlohmann::json parse_json_input(std::string_view, const std::string&);
template nlohmann::ordered_json parse_json_input(std::string_view, const std::string&);

std::string read_input_file(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JsonInputError(source, 0, fmt::format("cannot open: {}", std::strerror(errno)));
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) throw JsonInputError(source, 0, "not a regular file");
  if (static_cast<std::size_t>(st.st_size) > kMaxJsonFileBytes)
    throw JsonInputError(source, 0, fmt::format("{} bytes is more than the {} bytes read from one file (the limit)",
                                                st.st_size, kMaxJsonFileBytes));
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad() || static_cast<std::size_t>(in.gcount()) != bytes.size()) throw JsonInputError(source, 0, "read error");
  return bytes;
}

nlohmann::json load_json_input_file(const std::filesystem::path& path) {
  return parse_json_input(read_input_file(path), path.string());
}

std::string json_brief(const nlohmann::json& value, std::size_t max_chars) {
  return shortened(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max_chars);
}

}  // namespace gauntlet::engine
