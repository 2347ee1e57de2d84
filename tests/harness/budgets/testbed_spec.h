#pragma once
// The testbed model (benchmarks/testbed/model) as an engine model entry with a `budget:` block,
// read as a suite's models[0] would be: for the budget policy tests on the in-tree engine.
#include <string>

#include <yaml-cpp/yaml.h>

#include "harness/clients/model_spec_reader.h"

namespace gauntlet::testing {

inline const std::string kTestbedModel = std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed/model";

// `budget` is YAML for the entry's remaining keys (e.g. "budget: nothinking\n"), or "".
inline harness::ModelSpec testbed_spec(const std::string& budget) {
  return harness::read_model_spec(
      YAML::Load("name: testbed\nprovider: engine\nthreads: 2\npath: " + kTestbedModel + "\n" + budget), "suite.yaml",
      "models[0]");
}

}  // namespace gauntlet::testing
