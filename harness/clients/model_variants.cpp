#include "harness/clients/model_variants.h"

#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/clients/model_spec_reader.h"
#include "harness/errors/errors.h"
#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {
namespace {

constexpr const char* kVariantKeys = "name, budget, routing";

[[noreturn]] void fail_at(const YAML::Node& at, const std::string& file, const std::string& key,
                          const std::string& what) {
  throw ConfigError(file, at.Mark().line >= 0 ? at.Mark().line + 1 : 0, key, what);
}

// The provider as read_model_spec reads it (for the policy blocks' provider checks).
std::string provider_of(const ModelSpec& m) { return m.provider_name(); }

// One override (`budget:` and/or `routing:`) applied to a copy of the entry.
struct Override {
  std::string name;
  bool has_budget = false, has_routing = false;
  BudgetPolicy budget;
  nlohmann::json routing;
};

ModelSpec apply(const ModelSpec& base, const Override& o) {
  ModelSpec m = base;
  m.name = base.name + "/" + o.name;
  if (o.has_budget) m.budget = o.budget;
  if (o.has_routing)
    if (auto* engine = std::get_if<EngineSpec>(&m.provider)) engine->routing = o.routing;
  return m;
}

std::vector<Override> read_variants(const YAML::Node& list, const ModelSpec& base, const std::string& file,
                                    const std::string& where) {
  const std::string at = where + ".variants";
  if (!list.IsSequence() || list.size() == 0)
    fail_at(list, file, at, "expected a non-empty list of variants ({name: ..., budget: ..., routing: ...})");
  const auto config_dir = std::filesystem::path(file).parent_path();
  std::vector<Override> out;
  std::map<std::string, std::size_t> names;
  for (std::size_t j = 0; j < list.size(); ++j) {
    const std::string vwhere = fmt::format("{}[{}]", at, j);
    MapReader r(list[j], file, vwhere);
    for (const auto& kv : r.node()) {
      const auto key = kv.first.as<std::string>();
      if (key != "name" && key != "budget" && key != "routing")
        r.fail(kv.first, r.path(key),
               fmt::format("a variant sets only {} ('{}' and every other setting come from the model entry)",
                           kVariantKeys, key));
    }
    Override o;
    o.name = r.req_string("name");
    if (auto [it, fresh] = names.emplace(o.name, j); !fresh)
      r.fail(r.node()["name"], r.path("name"),
             fmt::format("duplicate variant name '{}' (also {}[{}])", o.name, at, it->second));
    o.has_budget = r.has("budget");
    o.has_routing = r.has("routing");
    BudgetPolicy budget;
    nlohmann::json routing;
    read_policy_blocks(r, provider_of(base), base.sends_messages(), config_dir, budget, routing);
    o.budget = budget;
    o.routing = routing;
    r.finish();
    out.push_back(std::move(o));
  }
  return out;
}

// A grid value's text in a generated name: numbers and booleans as written, short plain strings as
// they are; anything else is not readable in a name (null: none of the others fits).
std::optional<std::string> name_text(const nlohmann::json& v) {
  if (v.is_number() || v.is_boolean()) return v.dump();
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 24) return std::nullopt;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_' && c != '.' && c != ':' && c != '-') return std::nullopt;
  return s;
}

// Budget grid names: the policy's name, then the values of the parameters that differ between
// the grid's policies of that name ("budget-64", "budget-256"); a value not readable as text is
// named by its key and grid index ("budget-cue#2").
std::vector<std::string> budget_names(const std::vector<BudgetPolicy>& policies) {
  std::vector<nlohmann::json> js;
  for (const auto& p : policies) {
    auto j = p.fingerprint_json();
    js.push_back(j.is_object() ? j : nlohmann::json{{"policy", p.name()}});
  }
  std::vector<std::string> names;
  for (std::size_t j = 0; j < js.size(); ++j) {
    const std::string policy = js[j].value("policy", std::string(policies[j].name()));
    std::string name = policy;
    for (const auto& [key, value] : js[j].items()) {
      if (key == "policy") continue;
      bool differs = false;
      for (std::size_t k = 0; k < js.size(); ++k)
        if (k != j && js[k].value("policy", std::string()) == policy && js[k].value(key, nlohmann::json()) != value)
          differs = true;
      if (!differs) continue;
      auto text = name_text(value);
      name += "-" + (text ? *text : fmt::format("{}#{}", key, j));
    }
    names.push_back(name);
  }
  return names;
}

// Routing grid names: "default" for no controls, else "key=value" per control (trace left out),
// joined by ","; a list value (rice, mask) is named by its key and grid index ("rice#1").
std::vector<std::string> routing_names(const std::vector<nlohmann::json>& routings) {
  std::vector<std::string> names;
  for (std::size_t j = 0; j < routings.size(); ++j) {
    std::string name;
    if (routings[j].is_object())
      for (const auto& [key, value] : routings[j].items()) {
        if (key == "trace") continue;
        auto text = name_text(value);
        name += (name.empty() ? "" : ",") + (text ? key + "=" + *text : fmt::format("{}#{}", key, j));
      }
    names.push_back(name.empty() ? "default" : name);
  }
  return names;
}

std::vector<Override> read_grid(const YAML::Node& grid, const ModelSpec& base, const std::string& file,
                                const std::string& where) {
  MapReader r(grid, file, where + ".grid");
  const auto config_dir = std::filesystem::path(file).parent_path();
  const std::string provider = provider_of(base);
  auto list = [&](const std::string& key) -> YAML::Node {
    auto n = r.get(key);
    if (!n || n.IsNull()) return YAML::Node();
    if (!n.IsSequence() || n.size() == 0)
      r.fail(n, r.path(key), fmt::format("expected a non-empty list of {} blocks", key));
    return n;
  };
  const YAML::Node budget_list = list("budget");
  const YAML::Node routing_list = list("routing");
  const bool budgets = budget_list.IsSequence(), routings = routing_list.IsSequence();
  r.finish();
  if (!budgets && !routings)
    r.fail(grid, r.path("budget"), "a grid needs budget: and/or routing: (lists of the model entry's blocks)");

  // Each list element is read as the value of a key "budget[j]" / "routing[j]" of the grid, so the
  // readers' errors name models[i].grid.budget[j].<key>. The element nodes are shared, not copied:
  // their positions stay.
  std::vector<BudgetPolicy> budget_values;
  std::vector<nlohmann::json> routing_values;
  auto read_element = [&](const char* list, std::size_t j, const YAML::Node& element) {
    YAML::Node holder(YAML::NodeType::Map);
    const std::string key = fmt::format("{}[{}]", list, j);
    holder[key] = element;
    MapReader h(holder, file, where + ".grid");
    const bool budget = std::string(list) == "budget";
    BudgetPolicy b;
    nlohmann::json routing;
    read_policy_blocks(h, provider, base.sends_messages(), config_dir, b, routing, budget ? key : "", budget ? "" : key);
    if (budget) budget_values.push_back(b);
    else routing_values.push_back(routing);
  };
  for (std::size_t j = 0; budgets && j < budget_list.size(); ++j) read_element("budget", j, budget_list[j]);
  for (std::size_t j = 0; routings && j < routing_list.size(); ++j) read_element("routing", j, routing_list[j]);

  const auto bnames = budget_names(budget_values);
  const auto rnames = routing_names(routing_values);
  std::vector<Override> out;
  std::map<std::string, std::string> named;  // generated name -> the grid point that has it
  const std::size_t nb = budgets ? budget_values.size() : 1, nr = routings ? routing_values.size() : 1;
  for (std::size_t b = 0; b < nb; ++b)
    for (std::size_t k = 0; k < nr; ++k) {
      Override o;
      std::string point;
      if (budgets) {
        o.has_budget = true;
        o.budget = budget_values[b];
        o.name = bnames[b];
        point = fmt::format("budget[{}]", b);
      }
      if (routings) {
        o.has_routing = true;
        o.routing = routing_values[k];
        o.name += (o.name.empty() ? "" : "+") + rnames[k];
        point += (point.empty() ? "" : " x ") + fmt::format("routing[{}]", k);
      }
      if (auto [it, fresh] = named.emplace(o.name, point); !fresh)
        r.fail(grid, where + ".grid",
               fmt::format("grid points {} and {} are both named '{}/{}'; list them under variants: with names",
                           it->second, point, base.name, o.name));
      out.push_back(std::move(o));
    }
  return out;
}

}  // namespace

std::vector<ModelSpec> read_model_entry(const YAML::Node& node, const std::string& file, const std::string& where,
                                        const std::string& default_name, std::vector<std::string>* variant_names) {
  const bool has_variants = node.IsMap() && node["variants"] && !node["variants"].IsNull();
  const bool has_grid = node.IsMap() && node["grid"] && !node["grid"].IsNull();
  if (!has_variants && !has_grid) {
    if (variant_names) variant_names->assign(1, "");
    return {read_model_spec(node, file, where, default_name)};
  }
  if (has_variants && has_grid)
    fail_at(node["grid"], file, where + ".grid", "give variants: or grid:, not both");
  const ModelSpec base = read_model_spec(node, file, where, default_name, {"variants", "grid"});
  const auto overrides =
      has_variants ? read_variants(node["variants"], base, file, where) : read_grid(node["grid"], base, file, where);
  std::vector<ModelSpec> out;
  out.reserve(overrides.size());
  if (variant_names) variant_names->clear();
  for (const auto& o : overrides) {
    out.push_back(apply(base, o));
    if (variant_names) variant_names->push_back(o.name);
  }
  return out;
}

}  // namespace gauntlet::harness
