#include "harness/input/config_kind.h"

#include <fmt/format.h>

#include "harness/errors/errors.h"

namespace gauntlet::harness {
namespace {

const char* command_for(const std::string& kind) {
  if (kind == "suite") return "gauntlet eval";
  if (kind == "tournament") return "gauntlet tournament";
  return "gauntlet selfplay";
}

const char* keys_of(const std::string& kind) {
  if (kind == "suite") return "models: and tasks:";
  if (kind == "tournament") return "players: and games:";
  return "proposer:";
}

}  // namespace

std::string config_kind(const YAML::Node& root) {
  if (!root.IsMap()) return "";
  auto has = [&](const char* key) { return static_cast<bool>(root[key]); };
  if (has("proposer")) return "self-play";
  if (has("players") && has("games")) return "tournament";
  if (has("models") && has("tasks")) return "suite";
  return "";
}

void expect_config_kind(const YAML::Node& root, const std::string& file, const std::string& expected) {
  const std::string kind = config_kind(root);
  if (kind.empty() || kind == expected) return;
  throw ConfigError(file, 1, "file",
                    fmt::format("this is a {} file (it has {}), not a {} file: run it with `{} {}`", kind, keys_of(kind),
                                expected, command_for(kind), file));
}

}  // namespace gauntlet::harness
