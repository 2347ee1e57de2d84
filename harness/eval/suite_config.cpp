#include "harness/eval/suite_config.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/errors/errors.h"
#include "harness/input/config_kind.h"
#include "harness/input/yaml_reader.h"
#include "harness/prompts/prompt_template.h"
#include "harness/clients/model_variants.h"
#include "harness/judges/grade_pattern.h"
#include "harness/judges/judge_panel.h"
#include "verifiers/scorer.h"

namespace gauntlet::harness {
namespace {

JudgeScoring read_judge_scoring(MapReader& parent, const std::vector<JudgeConfig>& judges) {
  MapReader r(parent.get("judge"), parent.file(), parent.path("judge"));
  JudgeScoring j;
  auto list = r.get("judges");
  if (!list || !list.IsSequence() || list.size() == 0)
    r.fail(list ? list : r.node(), r.path("judges"), "expected a non-empty list of judge names (from the suite's judges:)");
  for (const auto& e : list) {
    if (!e.IsScalar()) r.fail(e, r.path("judges"), "expected a judge name");
    auto it = std::find_if(judges.begin(), judges.end(), [&](const JudgeConfig& c) { return c.name == e.Scalar(); });
    if (it == judges.end())
      r.fail(e, r.path("judges"), fmt::format("no judge named '{}' (judges are listed under the suite's judges:)", e.Scalar()));
    if (!it->model)
      r.fail(e, r.path("judges"), fmt::format("judge '{}' is the text-statistics bot, which cannot grade; use a model judge",
                                              e.Scalar()));
    if (std::find(j.judges.begin(), j.judges.end(), e.Scalar()) != j.judges.end())
      r.fail(e, r.path("judges"), fmt::format("judge '{}' is listed twice", e.Scalar()));
    j.judges.push_back(e.Scalar());
  }
  j.prompt = r.req_string("prompt");  // its fields are checked against every row before the run
  j.system = r.opt<std::string>("system").value_or("");
  if (!r.has("grade")) r.fail(r.node(), r.path("grade"), "required key is missing (e.g. {pattern: 'GRADE: (C|I)', choices: {C: 1, I: 0}})");
  j.grade = read_json_block(r, "grade", nlohmann::json());
  try {
    GradePattern::from_json(j.grade);
  } catch (const std::invalid_argument& e) {
    r.fail(r.node()["grade"], r.path("grade"), e.what());
  }
  j.aggregate = r.opt<std::string>("aggregate").value_or(j.aggregate);
  try {
    aggregation_from_string(j.aggregate);
  } catch (const std::invalid_argument& e) {
    r.fail(r.node()["aggregate"], r.path("aggregate"), e.what());
  }
  j.reply_format = r.opt<std::string>("reply_format").value_or("");
  r.finish();
  return j;
}

TaskConfig read_task(const YAML::Node& node, const std::string& file, const std::filesystem::path& base,
                     std::size_t index, const std::vector<JudgeConfig>& judges) {
  MapReader r(node, file, fmt::format("tasks[{}]", index));
  TaskConfig t;
  t.line = node.Mark().line + 1;
  t.name = r.req_string("name");
  auto dataset = r.req_string("dataset");
  t.dataset = std::filesystem::path(dataset).is_absolute() ? std::filesystem::path(dataset) : base / dataset;
  std::error_code ec;  // a path the system refuses (too long, ...) is as missing as an absent one
  if (!std::filesystem::is_regular_file(t.dataset, ec))
    r.fail(r.node()["dataset"], r.path("dataset"), fmt::format("no such file: {}", t.dataset.string()));
  t.prompt = r.req_string("prompt");
  try {
    PromptTemplate check(t.prompt);
  } catch (const std::invalid_argument& e) {
    r.fail(r.node()["prompt"], r.path("prompt"), e.what());
  }
  t.system = r.opt<std::string>("system").value_or("");
  try {
    PromptTemplate check(t.system);
  } catch (const std::invalid_argument& e) {
    r.fail(r.node()["system"], r.path("system"), e.what());
  }
  t.answer_field = r.opt<std::string>("answer_field").value_or(t.answer_field);
  t.id_field = r.opt<std::string>("id_field").value_or("");
  t.scorer = r.opt<std::string>("scorer").value_or(t.scorer);
  const auto& scorers = verifiers::scorer_option_keys();
  if (!scorers.count(t.scorer) && t.scorer != "judge") {
    std::string valid;
    for (const auto& [k, v] : scorers) valid += (valid.empty() ? "" : ", ") + k;
    r.fail(r.node()["scorer"], r.path("scorer"), fmt::format("unknown scorer '{}' (valid: {}, judge)", t.scorer, valid));
  }
  if (t.scorer == "judge") {
    if (r.has("scorer_options"))
      r.fail(r.node()["scorer_options"], r.path("scorer_options"), "scorer: judge takes its settings under judge:");
    r.get("scorer_options");
    if (!r.has("judge")) r.fail(r.node(), r.path("judge"), "scorer: judge needs a judge: mapping (judges, prompt, grade)");
    t.judge = read_judge_scoring(r, judges);
  } else if (r.has("judge")) {
    r.fail(r.node()["judge"], r.path("judge"), "judge: settings apply to scorer: judge only");
  } else if (r.has("scorer_options")) {
    auto n = r.get("scorer_options");
    if (!n.IsMap()) r.fail(n, r.path("scorer_options"), "expected a mapping");
    for (const auto& kv : n) {
      if (!kv.second.IsScalar())
        r.fail(kv.second, r.path("scorer_options." + kv.first.as<std::string>()), "expected a single value");
      t.scorer_options[kv.first.as<std::string>()] = kv.second.Scalar();
    }
    try {
      verifiers::make_scorer(t.scorer, t.scorer_options);
    } catch (const verifiers::ScorerConfigError& e) {
      r.fail(n, r.path("scorer_options"), e.what());
    }
  } else {
    r.get("scorer_options");
    r.get("judge");
    try {
      verifiers::make_scorer(t.scorer, t.scorer_options);
    } catch (const verifiers::ScorerConfigError& e) {
      r.fail(r.node(), r.path("scorer_options"), e.what());
    }
  }
  t.samples = r.opt<int>("samples").value_or(1);
  if (t.samples < 1) r.fail(r.node()["samples"], r.path("samples"), "must be >= 1");
  if (r.has("pass_at_k")) {
    auto n = r.get("pass_at_k");
    if (!n.IsSequence()) r.fail(n, r.path("pass_at_k"), "expected a list of integers");
    for (const auto& e : n) {
      int k = 0;
      try {
        k = e.as<int>();
      } catch (const YAML::Exception&) {
        r.fail(e, r.path("pass_at_k"), fmt::format("'{}' is not an integer", e.Scalar()));
      }
      if (k < 1 || k > t.samples)
        r.fail(e, r.path("pass_at_k"), fmt::format("k={} must be in 1..samples ({})", k, t.samples));
      t.pass_at_k.push_back(k);
    }
  } else {
    r.get("pass_at_k");
  }
  t.limit = r.opt<int>("limit").value_or(0);
  if (t.limit < 0) r.fail(r.node()["limit"], r.path("limit"), "must be >= 0");
  t.params = read_params(r, "params");
  r.finish();
  return t;
}

}  // namespace

nlohmann::json JudgeScoring::to_json() const {
  return {{"judges", judges}, {"prompt", prompt}, {"system", system}, {"grade", grade}, {"aggregate", aggregate},
          {"reply_format", reply_format}};
}

nlohmann::json TaskConfig::fingerprint_json() const {
  nlohmann::json j = {{"prompt", prompt},         {"system", system},
                      {"answer_field", answer_field}, {"id_field", id_field},
                      {"scorer", scorer},         {"scorer_options", scorer_options},
                      {"params", params_to_json(params)}};
  if (judge) j["judge"] = judge->to_json();  // absent otherwise, so earlier fingerprints still hold
  return j;
}

SuiteConfig load_suite(const std::filesystem::path& path) {
  const std::string file = path.string();
  YAML::Node root = load_yaml_file(path, "suite");
  expect_config_kind(root, file, "suite");
  MapReader r(root, file, "");
  SuiteConfig suite;
  suite.path = std::filesystem::absolute(path);
  const auto base = suite.path.parent_path();
  suite.name = r.opt<std::string>("name").value_or(path.stem().string());
  if (r.has("cache")) {
    auto n = r.get("cache");
    std::string lower = n.IsScalar() ? n.Scalar() : "";
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "true" || lower == "yes" || lower == "on" || lower == "false" || lower == "no" || lower == "off") {
      suite.cache = lower == "true" || lower == "yes" || lower == "on";
    } else if (n.IsScalar()) {
      suite.cache_path = std::filesystem::path(n.Scalar()).is_absolute() ? std::filesystem::path(n.Scalar())
                                                                           : base / n.Scalar();
    } else {
      r.fail(n, "cache", "expected true, false or a path to a cache database");
    }
  } else {
    r.get("cache");
  }
  suite.progress_interval_s = r.opt<double>("progress_interval").value_or(suite.progress_interval_s);
  if (suite.progress_interval_s <= 0) r.fail(root["progress_interval"], "progress_interval", "must be > 0 seconds");
  if (auto policy = r.opt<std::string>("context_overflow")) {
    if (*policy == "wrong") suite.context_overflow = ContextOverflowPolicy::kWrong;
    else if (*policy != "error")
      r.fail(root["context_overflow"], "context_overflow", fmt::format("'{}' is not error or wrong", *policy));
  }

  auto models = r.get("models");
  if (!models || !models.IsSequence() || models.size() == 0)
    r.fail(models ? models : root, "models", "expected a non-empty list of models");
  std::set<std::string> model_names;
  for (std::size_t i = 0; i < models.size(); ++i) {
    for (auto& model : read_model_entry(models[i], file, fmt::format("models[{}]", i))) {
      if (!model_names.insert(model.name).second)
        r.fail(models[i], fmt::format("models[{}].name", i), fmt::format("duplicate model name '{}'", model.name));
      suite.models.push_back(std::move(model));
    }
  }
  std::set<std::string> names = model_names;  // a judge's name is its cache and store name: its own
  suite.judges = read_judge_list(r, "judges", names);
  auto tasks = r.get("tasks");
  if (!tasks || !tasks.IsSequence() || tasks.size() == 0)
    r.fail(tasks ? tasks : root, "tasks", "expected a non-empty list of tasks");
  std::set<std::string> task_names;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    suite.tasks.push_back(read_task(tasks[i], file, base, i, suite.judges));
    if (!task_names.insert(suite.tasks.back().name).second)
      r.fail(tasks[i], fmt::format("tasks[{}].name", i), fmt::format("duplicate task name '{}'", suite.tasks.back().name));
  }
  r.finish();
  return suite;
}

}  // namespace gauntlet::harness
