#include "harness/budgets/policy_reader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/budgets/trimr_policy_reader.h"

namespace gauntlet::harness {
namespace {

constexpr const char* kValid = "none, nothinking, empty_think, trimr, parallel";

std::optional<BudgetKind> kind_named(const std::string& name) {
  if (name == "none") return BudgetKind::kNone;
  if (name == "nothinking") return BudgetKind::kNoThinking;
  if (name == "empty_think") return BudgetKind::kEmptyThink;
  if (name == "trimr") return BudgetKind::kTrimR;
  if (name == "parallel") return BudgetKind::kParallel;
  return std::nullopt;
}

}  // namespace

BudgetPolicy read_budget_block(MapReader& parent, const std::string& key) {
  BudgetPolicy policy;
  if (!parent.has(key)) {
    parent.get(key);
    return policy;
  }
  const YAML::Node node = parent.get(key);
  if (node.IsScalar()) {
    auto kind = kind_named(node.Scalar());
    if (!kind) parent.fail(node, parent.path(key), fmt::format("unknown policy '{}' (valid: {})", node.Scalar(), kValid));
    policy.kind = *kind;
    if (policy.kind == BudgetKind::kTrimR)
      parent.fail(node, parent.path(key), "trimr needs a mapping with policy: trimr and thinking_tokens:");
    if (policy.kind == BudgetKind::kParallel) {  // the defaults: 4 samples, no inner policy
      YAML::Node empty(YAML::NodeType::Map);
      MapReader defaults(empty, parent.file(), parent.path(key));
      policy.parallel = read_parallel_policy(defaults);
    }
    return policy;
  }
  if (!node.IsMap())
    parent.fail(node, parent.path(key), fmt::format("expected a policy name ({}) or a mapping with policy:", kValid));
  MapReader r(node, parent.file(), parent.path(key));
  const std::string name = r.req_string("policy");
  auto kind = kind_named(name);
  if (!kind) r.fail(r.node()["policy"], r.path("policy"), fmt::format("unknown policy '{}' (valid: {})", name, kValid));
  policy.kind = *kind;
  if (policy.kind == BudgetKind::kNoThinking) {
    if (r.has("prefill")) {
      policy.prefill = r.req<std::string>("prefill");
      if (policy.prefill.empty()) r.fail(r.node()["prefill"], r.path("prefill"), "must not be empty");
    } else {
      r.get("prefill");
    }
  }
  if (policy.kind == BudgetKind::kTrimR) policy.trimr = read_trimr_policy(r);
  if (policy.kind == BudgetKind::kParallel) policy.parallel = read_parallel_policy(r);
  r.finish();  // a key another policy takes (prefill under empty_think) is unknown here
  return policy;
}

}  // namespace gauntlet::harness
