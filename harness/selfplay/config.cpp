#include "harness/selfplay/config.h"

#include <set>

#include <fmt/format.h>

#include "harness/input/config_kind.h"
#include "harness/input/yaml_reader.h"

namespace gauntlet::harness {
namespace {

ModelSpec read_model(MapReader& r, const std::string& key, const std::string& default_name) {
  auto node = r.get(key);
  if (!node.IsMap()) r.fail(node, r.path(key), "expected a mapping of model settings (the keys of a suite's models[])");
  // The node itself, not a copy: a copy loses its marks and every error would say line 1.
  return read_model_spec(node, r.file(), r.path(key), default_name);
}

void read_limits(MapReader& parent, SelfPlayConfig& c) {
  if (!parent.has("limits")) {
    parent.get("limits");
    return;
  }
  MapReader r(parent.get("limits"), parent.file(), "limits");
  auto& l = c.limits;
  l.timeout_ms = r.opt<int>("timeout_ms").value_or(l.timeout_ms);
  if (l.timeout_ms < 1 || l.timeout_ms > 600000)
    r.fail(r.node()["timeout_ms"], r.path("timeout_ms"), "must be 1..600000");
  l.memory_mb = r.opt<int>("memory_mb").value_or(l.memory_mb);
  if (l.memory_mb < 32) r.fail(r.node()["memory_mb"], r.path("memory_mb"), "must be >= 32");
  int chars = r.opt<int>("max_output_chars").value_or(static_cast<int>(l.max_output_chars));
  if (chars < 1) r.fail(r.node()["max_output_chars"], r.path("max_output_chars"), "must be >= 1");
  l.max_output_chars = static_cast<std::size_t>(chars);
  if (r.has("banned_imports")) {
    auto list = r.get("banned_imports");
    if (!list.IsSequence()) r.fail(list, r.path("banned_imports"), "expected a list of module names");
    l.banned_imports.clear();
    for (const auto& e : list) {
      if (!e.IsScalar() || e.Scalar().empty()) r.fail(e, r.path("banned_imports"), "expected a module name");
      l.banned_imports.push_back(e.Scalar());
    }
  } else {
    r.get("banned_imports");
  }
  r.finish();
}

}  // namespace

nlohmann::json SelfPlayConfig::fingerprint_json() const {
  nlohmann::json types = nlohmann::json::array();
  for (auto t : task_types) types.push_back(to_string(t));
  return {{"seed", seed},
          {"task_types", types},
          {"batch", batch},
          {"solver_samples", solver_samples},
          {"references", references},
          {"induction_inputs", induction_inputs},
          {"new_window", new_window},
          {"proposer", {{"name", proposer.name}, {"model", proposer.fingerprint_json()}}},
          {"solver", {{"name", solver.name}, {"model", solver.fingerprint_json()}}},
          {"logprobs", logprobs},
          {"require_think", require_think},
          {"limits",
           {{"timeout_ms", limits.timeout_ms},
            {"memory_mb", limits.memory_mb},
            {"max_output_chars", limits.max_output_chars},
            {"banned_imports", limits.banned_imports}}},
          {"rewards", {{"format_error", rewards.format_error}, {"well_formed_zero", rewards.well_formed_zero}}},
          {"advantage", {{"normalize_std", advantage.normalize_std}, {"epsilon", advantage.epsilon}}}};
}

SelfPlayConfig load_selfplay(const std::filesystem::path& path) {
  const std::string file = path.string();
  YAML::Node root = load_yaml_file(path, "self-play");
  expect_config_kind(root, file, "self-play");
  MapReader r(root, file, "");
  SelfPlayConfig c;
  c.path = std::filesystem::absolute(path);
  c.name = r.opt<std::string>("name").value_or(path.stem().string());
  if (c.name.empty()) r.fail(root["name"], "name", "must not be empty");
  c.seed = r.opt<std::uint64_t>("seed").value_or(c.seed);
  auto positive = [&](const char* key, int& field, int max) {
    field = r.opt<int>(key).value_or(field);
    if (field < 1 || field > max) r.fail(root[key], key, fmt::format("must be 1..{}", max));
  };
  c.steps = r.opt<int>("steps").value_or(c.steps);
  if (c.steps < 0) r.fail(root["steps"], "steps", "must be >= 0");
  positive("batch", c.batch, 4096);
  positive("solver_samples", c.solver_samples, 256);
  positive("references", c.references, 64);
  positive("induction_inputs", c.induction_inputs, 64);
  if (c.induction_inputs < 2) r.fail(root["induction_inputs"], "induction_inputs", "must be >= 2 (half are hidden)");
  positive("new_window", c.new_window, 1 << 20);
  if (r.has("task_types")) {
    auto list = r.get("task_types");
    if (!list.IsSequence() || list.size() == 0) r.fail(list, "task_types", "expected a non-empty list");
    c.task_types.clear();
    std::set<TaskType> seen;
    for (const auto& e : list) {
      auto t = e.IsScalar() ? parse_task_type(e.Scalar()) : std::nullopt;
      if (!t) r.fail(e, "task_types", "unknown task type (valid: abduction, deduction, induction)");
      if (!seen.insert(*t).second) r.fail(e, "task_types", fmt::format("{} is listed twice", to_string(*t)));
    }
    for (TaskType t : all_task_types())  // AZR's order within a step, whatever the file's order
      if (seen.count(t)) c.task_types.push_back(t);
  } else {
    r.get("task_types");
  }
  if (!r.has("proposer")) r.fail(root, "proposer", "required key is missing (a model mapping)");
  c.proposer = read_model(r, "proposer", "proposer");
  if (r.has("solver")) {
    c.solver = read_model(r, "solver", "solver");
    c.same_model = false;
    if (c.solver.name == c.proposer.name) {
      if (c.solver.fingerprint_json() != c.proposer.fingerprint_json())
        r.fail(root["solver"], "solver.name",
               fmt::format("'{}' is also the proposer's name but with other settings; omit solver: to use the proposer",
                           c.solver.name));
      c.same_model = true;
    }
  } else {
    r.get("solver");
    c.solver = c.proposer;
  }
  c.logprobs = r.opt<bool>("logprobs").value_or(c.logprobs);
  c.require_think = r.opt<bool>("require_think").value_or(c.require_think);
  read_limits(r, c);
  if (r.has("rewards")) {
    MapReader m(r.get("rewards"), file, "rewards");
    c.rewards.format_error = m.opt<double>("format_error").value_or(c.rewards.format_error);
    c.rewards.well_formed_zero = m.opt<double>("well_formed_zero").value_or(c.rewards.well_formed_zero);
    m.finish();
  } else {
    r.get("rewards");
  }
  if (r.has("advantage")) {
    MapReader m(r.get("advantage"), file, "advantage");
    c.advantage.normalize_std = m.opt<bool>("normalize_std").value_or(c.advantage.normalize_std);
    c.advantage.epsilon = m.opt<double>("epsilon").value_or(c.advantage.epsilon);
    if (!(c.advantage.epsilon > 0)) m.fail(m.node()["epsilon"], m.path("epsilon"), "must be > 0");
    m.finish();
  } else {
    r.get("advantage");
  }
  c.sandbox_lanes = r.opt<int>("sandbox_lanes").value_or(c.sandbox_lanes);
  if (c.sandbox_lanes < 0 || c.sandbox_lanes > 256) r.fail(root["sandbox_lanes"], "sandbox_lanes", "must be 0..256");
  c.progress_interval_s = r.opt<double>("progress_interval").value_or(c.progress_interval_s);
  if (c.progress_interval_s <= 0) r.fail(root["progress_interval"], "progress_interval", "must be > 0 seconds");
  r.finish();
  return c;
}

}  // namespace gauntlet::harness
