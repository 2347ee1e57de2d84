#pragma once
// A config's model entry that expands into variants: the entry's settings once, with `variants:` (a
// list of overrides) or `grid:` (the cross product of lists), each variant a separate model named
// "<entry name>/<variant name>" whose `budget:` / `routing:` replace the entry's (read by the same
// readers, so every policy the budget reader knows works in a variant). Each variant's fingerprint is
// taken of its content (ModelSpec::fingerprint_json), never of its name.
//
//   - name: testbed
//     provider: engine
//     path: model
//     variants:                                   # -> testbed/thinking, testbed/nothinking
//       - {name: thinking}
//       - {name: nothinking, budget: {policy: nothinking}}
//   - name: testbed
//     ...
//     grid: {budget: [none, nothinking], routing: [null, {top_k: 1}]}
//                                                 # -> testbed/none+default, testbed/none+top_k=1, ...
// Errors (ConfigError with file:line and e.g. "models[0].variants[1].path"): both variants and grid,
// an empty or non-list variants / grid list, a variant key other than name, budget and routing (a
// variant cannot change provider, path or any other setting), a duplicate variant name, two grid
// points given the same generated name.
#include <string>
#include <vector>

#include "harness/clients/model_spec.h"

namespace YAML {
class Node;
}

namespace gauntlet::harness {

// One model entry (a suite's models[i], a tournament player's model:): its variants when it has
// `variants:` or `grid:` (in list / grid order: budget outer, routing inner), else the entry itself
// as read by read_model_spec.
// `variant_names` (when given) receives each model's variant name ("" for an entry without variants).
std::vector<ModelSpec> read_model_entry(const YAML::Node& node, const std::string& file, const std::string& where,
                                        const std::string& default_name = "",
                                        std::vector<std::string>* variant_names = nullptr);

}  // namespace gauntlet::harness
