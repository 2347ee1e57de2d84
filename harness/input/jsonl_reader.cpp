#include "harness/input/jsonl_reader.h"

#include "harness/errors/errors.h"

namespace gauntlet::harness {

JsonlReader::JsonlReader(const std::filesystem::path& path)
    : file_(path, std::ios::binary), in_(&file_), name_(path.string()) {
  if (!file_) throw DatasetError(name_, 0, "cannot open");
}

JsonlReader::JsonlReader(std::istream& in, std::string name) : in_(&in), name_(std::move(name)) {}

template <typename Json>
bool JsonlReader::next_value(Json& value) {
  std::string text;
  while (std::getline(*in_, text)) {
    ++line_;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      value = Json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      // nlohmann's message without its "[json.exception.parse_error.101] " tag.
      std::string detail = e.what();
      if (auto tag_end = detail.find("] "); detail.rfind("[json.exception", 0) == 0 && tag_end != std::string::npos)
        detail = detail.substr(tag_end + 2);
      fail("not valid JSON: " + detail);
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
