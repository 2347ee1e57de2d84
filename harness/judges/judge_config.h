#pragma once
// JudgeConfig: one entry of a config file's `judges:` list (a tournament's or a suite's): a model
// judge (`model:` settings of any provider) or the built-in text-statistics judge (`bot: heuristic`,
// rubric scoring only), with how many replies are read before the judge counts as failed.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/clients/model_spec.h"

namespace YAML {
class Node;
}

namespace gauntlet::harness {

struct JudgeConfig {
  std::string name;                // unique in its file
  std::string bot;                 // "heuristic", or "" for a model judge
  std::optional<ModelSpec> model;  // set for model judges (its name defaults to the judge's)
  int attempts = 3;                // replies read per judgement before the judge counts as failed
};

// Reads {name, model: {...} | bot: heuristic, attempts} at key path `where` (e.g. "judges[0]").
// Throws ConfigError naming file:line and the key.
JudgeConfig read_judge_config(const YAML::Node& node, const std::string& file, const std::string& where);

class MapReader;
// The list under `key` of a config file's root (absent: none). Each judge's name must not be in
// `taken` (the file's other names: models, players, earlier judges); it is added there.
std::vector<JudgeConfig> read_judge_list(MapReader& root, const std::string& key, std::set<std::string>& taken);

}  // namespace gauntlet::harness
