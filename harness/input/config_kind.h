#pragma once
// Which of Gauntlet's config files a YAML document is, by its top-level keys: a suite (models:,
// tasks:), a tournament (players:, games:) or a self-play run (proposer:). Given to the wrong command,
// a file is refused with the command that runs it instead of a list of missing keys.
#include <string>

#include <yaml-cpp/yaml.h>

namespace gauntlet::harness {

// "suite", "tournament", "self-play", or "" when it looks like none of them.
std::string config_kind(const YAML::Node& root);

// Throws ConfigError (file:1) when `root` is another kind of config than `expected`.
void expect_config_kind(const YAML::Node& root, const std::string& file, const std::string& expected);

}  // namespace gauntlet::harness
