#pragma once
// DefinitionStore: models, tasks (and, through SelfPlayStore, self-play runs) as recorded. A
// definition's fingerprint guards resume: a later run with a different definition under the same
// name is refused (StoreError naming the name and both fingerprints). A definition recorded again
// with the same fingerprint has its stored config updated (a task grown to more samples or other
// pass@k keeps its results and reports its new settings); one recorded by an older build in a
// compatible form (digest/fingerprint.h same_definition) is upgraded in place.
#include <string>
#include <vector>

namespace gauntlet::harness {

class Database;

// A (model or task) definition as recorded: its fingerprint guards resume against changed configs.
struct DefinitionRow {
  std::string name;
  std::string fingerprint;
  std::string config_json;  // for models and self-play runs, the JSON the fingerprint is taken of
};

// One definition to record: which table ("models", "tasks", "selfplay_runs") and the noun errors use.
struct DefinitionWrite {
  const char* table;
  const char* noun;
  DefinitionRow row;
};

class DefinitionStore {
 public:
  explicit DefinitionStore(Database& db) : db_(db) {}

  void record_model(const DefinitionRow& row);
  void record_task(const DefinitionRow& row);
  std::vector<DefinitionRow> models();
  std::vector<DefinitionRow> tasks();

  // Checks every definition against what is stored, then writes them all in one transaction: a
  // conflict anywhere throws before anything is written.
  void record_definitions(const std::vector<DefinitionWrite>& writes);
  // The same for one definition.
  void record_definition(const char* table, const char* noun, const DefinitionRow& row);
  std::vector<DefinitionRow> definitions(const char* table);

 private:
  Database& db_;
};

}  // namespace gauntlet::harness
