#pragma once
// DefinitionStore: models, tasks (and, through SelfPlayStore, self-play runs) as first recorded. A
// definition's fingerprint guards resume: a later run with a different fingerprint under the same
// name is refused (StoreError naming the name and both fingerprints).
#include <string>
#include <vector>

namespace gauntlet::harness {

class Database;

// A (model or task) definition as recorded: its fingerprint guards resume against changed configs.
struct DefinitionRow {
  std::string name;
  std::string fingerprint;
  std::string config_json;
};

class DefinitionStore {
 public:
  explicit DefinitionStore(Database& db) : db_(db) {}

  void record_model(const DefinitionRow& row);
  void record_task(const DefinitionRow& row);
  std::vector<DefinitionRow> models();
  std::vector<DefinitionRow> tasks();

  // The same for any definitions table (name, fingerprint, config_json); `noun` names it in errors.
  void record_definition(const char* table, const char* noun, const DefinitionRow& row);
  std::vector<DefinitionRow> definitions(const char* table);

 private:
  Database& db_;
};

}  // namespace gauntlet::harness
