#include "harness/eval/suite_plan.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/clients/chat.h"
#include "harness/clients/model_check.h"
#include "harness/digest/fingerprint.h"
#include "harness/digest/sha256.h"
#include "harness/errors/errors.h"
#include "harness/eval/judge_scorer.h"
#include "harness/prompts/prompt_template.h"

namespace gauntlet::harness {
namespace {

std::string file_sha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DatasetError(path.string(), 0, "cannot read the dataset");
  Sha256 sha;
  std::string buffer(1 << 16, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return sha.hex();
}

}  // namespace

DefinitionRow PreparedTask::definition() const {
  const TaskConfig& task = *config;
  auto recorded = task.fingerprint_json();
  recorded["dataset"] = task.dataset.filename().string();
  recorded["dataset_sha256"] = dataset_sha256;
  recorded["samples"] = task.samples;
  recorded["pass_at_k"] = task.pass_at_k;
  return {task.name, fingerprint(task.fingerprint_json()), recorded.dump()};
}

std::vector<ItemRow> PreparedTask::item_rows() const {
  std::vector<ItemRow> rows;
  int position = 0;
  for (const auto& p : items) rows.push_back({p.item.id, position++, dump_json(p.item.fields), p.item.reference});
  return rows;
}

std::vector<DefinitionWrite> PreparedSuite::definitions() const {
  std::vector<DefinitionWrite> writes;
  for (const auto& model : suite->models) {
    auto j = model.fingerprint_json();
    writes.push_back({"models", "model", {model.name, fingerprint(j), j.dump()}});
  }
  for (const auto& judge : suite->judges)
    if (judge.model) {
      auto j = judge.model->fingerprint_json();
      writes.push_back({"models", "model", {judge.name, fingerprint(j), j.dump()}});
    }
  for (const auto& task : tasks) writes.push_back({"tasks", "task", task.definition()});
  return writes;
}

PreparedSuite prepare_suite(const SuiteConfig& suite) {
  PreparedSuite prepared;
  prepared.suite = &suite;
  for (const auto& model : suite.models) check_model_loadable(model);
  for (const auto& judge : suite.judges)
    if (judge.model) check_model_loadable(*judge.model);
  for (const auto& task : suite.tasks) {
    PreparedTask p;
    p.config = &task;
    // A judge task's scorer gets its judges once the run's clients exist; this one checks rows.
    if (task.judge) p.scorer = std::make_unique<JudgeScorer>(task, std::vector<Judge*>{});
    else p.scorer = verifiers::make_scorer(task.scorer, task.scorer_options);
    p.dataset_sha256 = file_sha256(task.dataset);
    auto items = load_dataset(task.dataset, task.answer_field, task.id_field);
    if (task.limit > 0 && static_cast<int>(items.size()) > task.limit) items.resize(task.limit);
    PromptTemplate user_template(task.prompt);
    PromptTemplate system_template(task.system);
    for (auto& item : items) {
      PreparedItem pi;
      try {
        pi.user_text = user_template.render(item.fields);
        pi.system_text = system_template.render(item.fields);
      } catch (const std::out_of_range& e) {
        throw DatasetError(task.dataset.string(), item.line,
                           fmt::format("task '{}' (suite {}:{}) prompt: {}", task.name, suite.path.filename().string(),
                                       task.line, e.what()));
      }
      if (auto why = p.scorer->check_item(item.fields); !why.empty())
        throw DatasetError(task.dataset.string(), item.line, fmt::format("task '{}': {}", task.name, why));
      pi.item = std::move(item);
      p.items.push_back(std::move(pi));
    }
    prepared.tasks.push_back(std::move(p));
  }
  return prepared;
}

}  // namespace gauntlet::harness
