#pragma once
// Reading a whole JSON file named on the command line or in a config, within the limits of
// engine/json/json_input.h. Throws UsageError naming the file: "PATH: cannot open: ...", "PATH: line L:
// nested deeper than ...", "PATH: not valid JSON: ..." (with `expected` appended when given).
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& expected = "");

}  // namespace gauntlet::harness
