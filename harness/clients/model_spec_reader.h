#pragma once
// Reading one model mapping of a config file (a suite's models[] entry, a tournament player's
// `model:`, self-play's proposer/solver) into a ModelSpec. Every problem is a ConfigError naming
// file:line and the key path under `where` (e.g. "players[2].model").
#include <string>

#include "harness/clients/model_spec.h"

namespace YAML {
class Node;
}

namespace gauntlet::harness {

// `default_name`: the name when the mapping has no `name:` (a tournament player's model takes the
// player's); "" makes `name:` required.
ModelSpec read_model_spec(const YAML::Node& node, const std::string& file, const std::string& where,
                          const std::string& default_name = "");

// A `model:` mapping that belongs to a named thing (a tournament player, a judge): its name defaults
// to `name`. `where` is the mapping's own key path (e.g. "judges[0].model").
ModelSpec read_named_model_spec(const YAML::Node& node, const std::string& file, const std::string& where,
                                const std::string& name);

}  // namespace gauntlet::harness
