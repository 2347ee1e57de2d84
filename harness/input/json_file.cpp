#include "harness/input/json_file.h"

#include <fmt/format.h>

#include "engine/json/json_input.h"
#include "harness/errors/errors.h"

namespace gauntlet::harness {

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& expected) {
  std::string text;
  try {
    text = engine::read_input_file(path);
  } catch (const engine::JsonInputError& e) {
    throw UsageError(e.what());
  }
  try {
    return engine::parse_json_input(text, "");
  } catch (const engine::JsonInputError& e) {
    throw UsageError(fmt::format("{}: {}{}", path.string(), e.what(), expected.empty() ? "" : " (" + expected + ")"));
  }
}

}  // namespace gauntlet::harness
