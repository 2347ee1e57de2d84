#include "harness/store/definition_store.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/store/database.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {

using store_detail::Statement;

void DefinitionStore::record_definition(const char* table, const char* noun, const DefinitionRow& row) {
  std::lock_guard lock(db_.mutex());
  {
    Statement s(db_.handle(), fmt::format("SELECT fingerprint FROM {} WHERE name=?", table), db_.path());
    s.bind(1, row.name);
    if (s.step()) {
      if (s.text(0) != row.fingerprint)
        throw StoreError(fmt::format(
            "{}: {} '{}' was already run here with a different configuration (fingerprint {} vs {}); "
            "results would mix. Use a new --db, or give the changed {} a new name",
            db_.path().string(), noun, row.name, s.text(0), row.fingerprint, noun));
      return;
    }
  }
  Statement s(db_.handle(), fmt::format("INSERT INTO {}(name, fingerprint, config_json) VALUES(?,?,?)", table), db_.path());
  s.bind(1, row.name).bind(2, row.fingerprint).bind(3, row.config_json);
  s.step();
}
void DefinitionStore::record_model(const DefinitionRow& row) { record_definition("models", "model", row); }
void DefinitionStore::record_task(const DefinitionRow& row) { record_definition("tasks", "task", row); }

std::vector<DefinitionRow> DefinitionStore::definitions(const char* table) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), fmt::format("SELECT name, fingerprint, config_json FROM {} ORDER BY name", table), db_.path());
  std::vector<DefinitionRow> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
  return out;
}
std::vector<DefinitionRow> DefinitionStore::models() { return definitions("models"); }
std::vector<DefinitionRow> DefinitionStore::tasks() { return definitions("tasks"); }

}  // namespace gauntlet::harness
