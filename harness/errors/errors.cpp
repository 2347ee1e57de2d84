#include "harness/errors/errors.h"

#include <fmt/format.h>

namespace gauntlet::harness {

ConfigError::ConfigError(const std::string& file, int line, const std::string& key, const std::string& what)
    : GauntletError(line > 0 ? fmt::format("{}:{}: {}: {}", file, line, key, what)
                             : fmt::format("{}: {}: {}", file, key, what)) {}

DatasetError::DatasetError(const std::string& file, int line, const std::string& what)
    : GauntletError(fmt::format("{}:{}: {}", file, line, what)) {}

}  // namespace gauntlet::harness
