#include "harness/store/definition_store.h"

#include <sqlite3.h>

#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/digest/fingerprint.h"
#include "harness/errors/errors.h"
#include "harness/store/database.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {
namespace {

using store_detail::Statement;

std::optional<DefinitionRow> stored_row(Database& db, const char* table, const std::string& name) {
  Statement s(db.handle(), fmt::format("SELECT name, fingerprint, config_json FROM {} WHERE name=?", table), db.path());
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return DefinitionRow{s.text(0), s.text(1), s.text(2)};
}

// Whether `row` may be recorded over `stored`: the same fingerprint, or the same definition in an
// older form (models and self-play runs store the JSON their fingerprint is taken of).
bool compatible(const DefinitionRow& stored, const DefinitionRow& row, const char* table) {
  if (stored.fingerprint == row.fingerprint) return true;
  if (std::string(table) == "tasks") return false;  // a task's config_json holds more than its fingerprint
  auto a = nlohmann::json::parse(stored.config_json, nullptr, false);
  auto b = nlohmann::json::parse(row.config_json, nullptr, false);
  // Equal configs under different fingerprints are no older form of anything: refused.
  return !a.is_discarded() && !b.is_discarded() && a != b && same_definition(a, b);
}

}  // namespace

void DefinitionStore::record_definitions(const std::vector<DefinitionWrite>& writes) {
  std::lock_guard lock(db_.mutex());
  db_.exec("BEGIN IMMEDIATE");
  try {
    for (const auto& w : writes) {
      auto stored = stored_row(db_, w.table, w.row.name);
      if (stored && !compatible(*stored, w.row, w.table))
        throw StoreError(fmt::format(
            "{}: {} '{}' was already run here with a different configuration (fingerprint {} vs {}); "
            "results would mix. Use a new --db, or give the changed {} a new name",
            db_.path().string(), w.noun, w.row.name, stored->fingerprint, w.row.fingerprint, w.noun));
    }
    for (const auto& w : writes) {
      Statement s(db_.handle(),
                  fmt::format("INSERT INTO {}(name, fingerprint, config_json) VALUES(?,?,?) ON CONFLICT(name) DO "
                              "UPDATE SET fingerprint=excluded.fingerprint, config_json=excluded.config_json",
                              w.table),
                  db_.path());
      s.bind(1, w.row.name).bind(2, w.row.fingerprint).bind(3, w.row.config_json);
      s.step();
    }
    db_.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void DefinitionStore::record_definition(const char* table, const char* noun, const DefinitionRow& row) {
  record_definitions({{table, noun, row}});
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
