#include "harness/budgets/policy_reader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace gauntlet::harness {
namespace {

constexpr const char* kValid = "none, nothinking, empty_think";

std::optional<BudgetKind> kind_named(const std::string& name) {
  if (name == "none") return BudgetKind::kNone;
  if (name == "nothinking") return BudgetKind::kNoThinking;
  if (name == "empty_think") return BudgetKind::kEmptyThink;
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
  r.finish();  // a key another policy takes (prefill under empty_think) is unknown here
  return policy;
}

}  // namespace gauntlet::harness
