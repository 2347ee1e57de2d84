#pragma once
// Reading the `trimr` and `parallel` keys of a `budget:` mapping (the policy: key already read by
// budgets/policy_reader.cpp, which calls these and then rejects any key left over). Every problem
// is a ConfigError naming file:line and the key path.
#include <memory>

#include "harness/budgets/parallel_policy.h"
#include "harness/budgets/trimr_policy.h"
#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {

std::shared_ptr<const TrimRPolicy> read_trimr_policy(MapReader& r);
std::shared_ptr<const ParallelPolicy> read_parallel_policy(MapReader& r);

}  // namespace gauntlet::harness
