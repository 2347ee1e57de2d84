#include "harness/input/jsonl_reader.h"

#include <fmt/format.h>

#include "engine/json/json_input.h"
#include "harness/errors/errors.h"

namespace gauntlet::harness {

JsonlReader::JsonlReader(const std::filesystem::path& path)
    : file_(path, std::ios::binary), in_(&file_), name_(path.string()) {
  if (!file_) throw DatasetError(name_, 0, "cannot open");
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw DatasetError(name_, 0, "is a directory, not a file");
}

JsonlReader::JsonlReader(std::istream& in, std::string name, std::size_t max_line_bytes)
    : in_(&in), name_(std::move(name)), max_line_bytes_(max_line_bytes) {}

// One line without its '\n' into `text`; false at the end of the input. A line longer than
// the line limit fails before it is held whole.
bool JsonlReader::read_line(std::string& text) {
  text.clear();
  char buffer[1 << 16];
  for (;;) {
    in_->getline(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in_->gcount());
    const bool full = in_->fail() && !in_->eof() && got == sizeof buffer - 1;  // no '\n' within the buffer
    const bool ended_by_newline = !in_->fail() && !in_->eof();
    text.append(buffer, got - (ended_by_newline ? 1 : 0));
    if (text.size() > max_line_bytes_) {
      ++line_;
      fail(fmt::format("line longer than {} bytes (the limit)", max_line_bytes_));
    }
    if (full) {
      in_->clear(in_->rdstate() & ~std::ios::failbit);
      continue;
    }
    if (ended_by_newline) return true;
    // End of input: the last line has no '\n' (or there is nothing left).
    return got > 0 || !text.empty();
  }
}

template <typename Json>
bool JsonlReader::next_value(Json& value) {
  std::string text;
  while (read_line(text)) {
    ++line_;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      value = engine::parse_json_input<Json>(text, "");
    } catch (const engine::JsonInputError& e) {
      fail(e.detail());
    }
    return true;
  }
  if (in_->bad()) fail("read error");
  return false;
}

bool JsonlReader::next(nlohmann::json& value) { return next_value(value); }
bool JsonlReader::next(nlohmann::ordered_json& value) { return next_value(value); }

void JsonlReader::fail(const std::string& what) const { throw DatasetError(name_, line_, what); }

}  // namespace gauntlet::harness
