#include "harness/budgets/policy_reader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/budgets/trimr_policy_reader.h"

namespace gauntlet::harness {
namespace {

constexpr const char* kValid = "none, nothinking, empty_think, budget, budget:N, trimr, parallel, parallel:N";

std::optional<BudgetKind> kind_named(const std::string& name) {
  if (name == "none") return BudgetKind::kNone;
  if (name == "nothinking") return BudgetKind::kNoThinking;
  if (name == "empty_think") return BudgetKind::kEmptyThink;
  if (name == "budget") return BudgetKind::kBudget;
  if (name == "trimr") return BudgetKind::kTrimR;
  if (name == "parallel") return BudgetKind::kParallel;
  return std::nullopt;
}

// "<prefix>N" (N > 0, e.g. budget:N, the thinking cap, or parallel:N, the samples); nullopt when
// `name` is not of that form.
std::optional<int> count_shorthand(const std::string& name, std::string_view prefix) {
  if (name.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string digits = name.substr(prefix.size());
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int n = std::stoi(digits);
  if (n <= 0) return std::nullopt;
  return n;
}

int read_count(MapReader& r, const std::string& key, int min) {
  const int v = r.req<int>(key);
  if (v < min) r.fail(r.node()[key], r.path(key), fmt::format("must be at least {} (got {})", min, v));
  return v;
}

std::string read_text(MapReader& r, const std::string& key, bool allow_empty) {
  std::string v = r.req<std::string>(key);
  if (!allow_empty && v.empty()) r.fail(r.node()[key], r.path(key), "must not be empty");
  return v;
}

// The keys of policy: budget (s1 budget forcing).
void read_budget_forcing(MapReader& r, BudgetPolicy& policy) {
  policy.thinking_tokens = read_count(r, "thinking_tokens", 1);
  if (r.has("answer_tokens")) policy.answer_tokens = read_count(r, "answer_tokens", 1);
  if (r.has("cue")) policy.cue = read_text(r, "cue", true);
  if (r.has("close")) policy.close = read_text(r, "close", false);
  if (r.has("min_thinking_tokens")) {
    policy.min_thinking_tokens = read_count(r, "min_thinking_tokens", 0);
    if (policy.min_thinking_tokens > policy.thinking_tokens)
      r.fail(r.node()["min_thinking_tokens"], r.path("min_thinking_tokens"),
             fmt::format("must not exceed thinking_tokens ({})", policy.thinking_tokens));
  }
  if (r.has("extend")) policy.extend = read_text(r, "extend", false);
  policy.max_extensions = policy.min_thinking_tokens > 0 ? 1 : 0;
  if (r.has("max_extensions")) policy.max_extensions = read_count(r, "max_extensions", 0);
  for (const char* key : {"answer_tokens", "cue", "close", "min_thinking_tokens", "extend", "max_extensions"})
    if (!r.has(key)) r.get(key);  // known keys (a null value is the default)
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
    if (auto n = count_shorthand(node.Scalar(), "budget:")) {
      policy.kind = BudgetKind::kBudget;
      policy.thinking_tokens = *n;
      return policy;
    }
    if (auto n = count_shorthand(node.Scalar(), "parallel:")) {  // N samples, otherwise the defaults
      YAML::Node empty(YAML::NodeType::Map);
      empty["n"] = *n;
      MapReader shorthand(empty, parent.file(), parent.path(key));
      policy.kind = BudgetKind::kParallel;
      policy.parallel = read_parallel_policy(shorthand);
      return policy;
    }
    if (node.Scalar() == "budget")
      parent.fail(node, parent.path(key), "policy 'budget' needs thinking_tokens: write budget:N or a mapping");
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
  if (policy.kind == BudgetKind::kBudget) read_budget_forcing(r, policy);
  if (policy.kind == BudgetKind::kTrimR) policy.trimr = read_trimr_policy(r);
  if (policy.kind == BudgetKind::kParallel) policy.parallel = read_parallel_policy(r);
  r.finish();  // a key another policy takes (prefill under empty_think) is unknown here
  return policy;
}

}  // namespace gauntlet::harness
