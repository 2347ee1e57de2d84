#include "harness/input/json_file.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "harness/errors/errors.h"

namespace gauntlet::harness {

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& expected) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot open", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return nlohmann::json::parse(buffer.str());
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: not valid JSON{}: {}", path.string(), expected.empty() ? "" : " (" + expected + ")",
                                 e.what()));
  }
}

}  // namespace gauntlet::harness
