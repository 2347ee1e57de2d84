#pragma once
// prepare_suite: a suite checked through before anything is written. Every dataset is read and every
// row rendered through its task's prompt and system templates (a field the row lacks is an error at
// that row) and checked by its task's scorer (e.g. a judge prompt's fields, a code task's tests),
// every model (and model judge) must be loadable (clients/model_check.h). A suite
// that fails throws ConfigError / DatasetError (naming file and line) and the run has touched nothing;
// one that passes holds what run_suite needs, and what the store records: each task's definition
// (datasets by content digest, never by location) and its items.
#include <memory>
#include <string>
#include <vector>

#include "harness/eval/dataset.h"
#include "harness/eval/suite_config.h"
#include "harness/store/definition_store.h"
#include "harness/store/sample_store.h"
#include "verifiers/scorer.h"

namespace gauntlet::harness {

struct PreparedItem {
  DatasetItem item;
  std::string user_text;    // the rendered prompt
  std::string system_text;  // the rendered system message ("" when none)
};

struct PreparedTask {
  const TaskConfig* config = nullptr;
  std::unique_ptr<verifiers::Scorer> scorer;  // for `scorer: judge`, one without judges (checks rows only)
  std::vector<PreparedItem> items;  // the dataset's rows, cut to `limit`
  std::string dataset_sha256;       // of the dataset file's bytes

  DefinitionRow definition() const;     // fingerprint of what changes answers; config with samples, pass@k
  std::vector<ItemRow> item_rows() const;
};

struct PreparedSuite {
  const SuiteConfig* suite = nullptr;
  std::vector<PreparedTask> tasks;

  // Every model (judges' included) and task definition, for DefinitionStore::record_definitions.
  std::vector<DefinitionWrite> definitions() const;
};

// `suite` must outlive the result.
PreparedSuite prepare_suite(const SuiteConfig& suite);

}  // namespace gauntlet::harness
