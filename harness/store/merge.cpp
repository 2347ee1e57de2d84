// Store::merge_from: combining shard databases into one.
#include <sqlite3.h>

#include <map>

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/store/statement.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

using store_detail::Statement;

std::int64_t Store::merge_from(const std::filesystem::path& other) {
  if (!std::filesystem::exists(other)) throw StoreError(fmt::format("{}: no such database", other.string()));
  if (std::filesystem::equivalent(other, path()))
    throw StoreError(fmt::format("{}: cannot merge a database into itself", other.string()));
  Store source(other);  // validates and migrates the input like any store
  // Refuse conflicting definitions before writing anything.
  auto check = [&](const std::vector<DefinitionRow>& mine, const std::vector<DefinitionRow>& theirs, const char* what) {
    for (const auto& t : theirs)
      for (const auto& m : mine)
        if (m.name == t.name && m.fingerprint != t.fingerprint)
          throw StoreError(fmt::format("{}: {} '{}' has a different configuration than in {} (fingerprint {} vs {})",
                                       other.string(), what, t.name, path().string(), t.fingerprint, m.fingerprint));
  };
  check(models(), source.models(), "model");
  check(tasks(), source.tasks(), "task");
  for (const auto& m : source.models()) record_model(m);
  for (const auto& t : source.tasks()) {
    record_task(t);
    record_items(t.name, source.items(t.name));
  }
  std::lock_guard lock(database().mutex());
  std::int64_t before = 0;
  {
    Statement s(database().handle(), "SELECT COUNT(*) FROM samples WHERE error=''", path());
    s.step();
    before = s.integer(0);
  }
  database().exec("BEGIN IMMEDIATE");
  try {
    for (const auto& r : source.samples()) put_sample(r);
    std::map<std::string, std::string> have;  // id -> status
    for (const auto& m : matches()) have[m.id] = m.status;
    for (const auto& m : source.matches()) {
      auto it = have.find(m.id);
      // A match is immutable once finished: keep ours, unless ours ended in an error and theirs did not.
      if (it != have.end() && (it->second != "error" || m.status == "error")) continue;
      if (it != have.end()) begin_match(m.id);
      for (const auto& t : source.turns(m.id)) put_turn(t);
      finish_match(m);
    }
    source.for_each_cache_entry(
        [&](const std::string& key, const std::string& model, const std::string& value) { cache_put(key, model, value); });
    database().exec("COMMIT");
  } catch (...) {
    sqlite3_exec(database().handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  Statement s(database().handle(), "SELECT COUNT(*) FROM samples WHERE error=''", path());
  s.step();
  return s.integer(0) - before;
}

}  // namespace gauntlet::harness
