#pragma once
// Reading one model mapping of a config file (a suite's models[] entry, a tournament player's
// `model:`, self-play's proposer/solver) into a ModelSpec. Every problem is a ConfigError naming
// file:line and the key path under `where` (e.g. "players[2].model").
#include <filesystem>
#include <string>
#include <vector>

#include "harness/clients/model_spec.h"

namespace YAML {
class Node;
}

namespace gauntlet::harness {

class MapReader;

// `default_name`: the name when the mapping has no `name:` (a tournament player's model takes the
// player's); "" makes `name:` required. `caller_keys`: keys the caller reads itself (e.g. `variants`,
// clients/model_variants.h), not unknown here.
ModelSpec read_model_spec(const YAML::Node& node, const std::string& file, const std::string& where,
                          const std::string& default_name = "", const std::vector<std::string>& caller_keys = {});

// The entry's `budget:` (budgets/policy_reader.h) and `routing:` (clients/routing_config.h) blocks read
// from `r` (the model entry itself, one of its variants, a grid) under the given keys ("" = not read)
// and checked against `provider` (and, for empty_think over HTTP, whether the model sends messages:
// ModelSpec::sends_messages). `config_dir`: the config file's folder (rice_from is relative to it).
void read_policy_blocks(MapReader& r, const std::string& provider, bool sends_messages,
                        const std::filesystem::path& config_dir,
                        BudgetPolicy& budget, nlohmann::json& routing, const std::string& budget_key = "budget",
                        const std::string& routing_key = "routing");

// A `model:` mapping that belongs to a named thing (a tournament player, a judge): its name defaults
// to `name`. `where` is the mapping's own key path (e.g. "judges[0].model").
ModelSpec read_named_model_spec(const YAML::Node& node, const std::string& file, const std::string& where,
                                const std::string& name);

}  // namespace gauntlet::harness
