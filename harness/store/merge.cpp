// Store::merge_from: combining shard databases into one.
#include <sqlite3.h>

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/digest/fingerprint.h"
#include "harness/errors/errors.h"
#include "harness/store/statement.h"
#include "harness/store/store.h"

namespace gauntlet::harness {

using store_detail::Statement;

namespace {

std::int64_t count(Database& db, const char* sql) {
  Statement s(db.handle(), sql, db.path());
  s.step();
  return s.integer(0);
}

}  // namespace

MergeCounts Store::merge_from(const std::filesystem::path& other) {
  if (!std::filesystem::exists(other)) throw StoreError(fmt::format("{}: no such database", other.string()));
  if (std::filesystem::equivalent(other, path()))
    throw StoreError(fmt::format("{}: cannot merge a database into itself", other.string()));
  Store source(other);  // validates and migrates the input like any store

  // Refuse conflicting definitions and changed task items before writing anything. Definitions
  // recorded in different forms of one thing (an engine model by path in an older database, by
  // checkpoint digest in a newer one) are the same definition.
  std::vector<DefinitionWrite> writes;
  auto check = [&](const char* table, const char* noun) {
    std::map<std::string, DefinitionRow> mine;
    for (auto& m : definitions(table)) mine[m.name] = m;
    for (const auto& t : source.definitions(table)) {
      auto it = mine.find(t.name);
      if (it != mine.end() && it->second.fingerprint != t.fingerprint) {
        bool same = false;
        if (std::string(table) != "tasks") {
          auto a = nlohmann::json::parse(it->second.config_json, nullptr, false);
          auto b = nlohmann::json::parse(t.config_json, nullptr, false);
          same = !a.is_discarded() && !b.is_discarded() && a != b && same_definition(a, b);
        }
        if (!same)
          throw StoreError(fmt::format("{}: {} '{}' has a different configuration than in {} (fingerprint {} vs {})",
                                       other.string(), noun, t.name, path().string(), t.fingerprint,
                                       it->second.fingerprint));
        continue;  // keep ours
      }
      if (it == mine.end()) writes.push_back({table, noun, t});
    }
  };
  check("models", "model");
  check("tasks", "task");
  check("selfplay_runs", "self-play run");
  for (const auto& t : source.tasks())
    if (auto id = changed_item(t.name, source.items(t.name)))
      throw StoreError(fmt::format("{}: task '{}': item '{}' differs from the one in {}", other.string(), t.name, *id,
                                   path().string()));
  record_definitions(writes);
  for (const auto& t : source.tasks()) record_items(t.name, source.items(t.name));

  MergeCounts added;
  std::lock_guard lock(database().mutex());
  const std::int64_t samples_before = count(database(), "SELECT COUNT(*) FROM samples WHERE error=''");
  database().exec("BEGIN IMMEDIATE");
  try {
    // Runs keep their history under new ids; every row that names a run is remapped.
    std::map<std::int64_t, std::int64_t> run_ids;
    for (const auto& run : source.runs()) {
      bool inserted = false;
      run_ids[run.id] = adopt_run(run, &inserted);
      if (inserted) ++added.runs;
    }
    auto remap = [&](std::int64_t id) {
      auto it = run_ids.find(id);
      return it == run_ids.end() ? 0 : it->second;  // a run row the source never had
    };
    source.for_each_sample([&](const SampleRecord& r) {
      SampleRecord copy = r;
      copy.run_id = remap(r.run_id);
      put_sample(copy);
    });
    std::map<std::string, std::string> have;  // id -> status
    for (const auto& m : matches()) have[m.id] = m.status;
    for (const auto& m : source.matches()) {
      auto it = have.find(m.id);
      // A match is immutable once finished: keep ours, unless ours ended in an error and theirs did not.
      if (it != have.end() && (it->second != "error" || m.status == "error")) continue;
      if (it != have.end()) begin_match(m.id);
      for (const auto& t : source.turns(m.id)) {
        put_turn(t);
        ++added.turns;
      }
      MatchRecord copy = m;
      copy.run_id = remap(m.run_id);
      finish_match(copy);
      ++added.matches;
    }
    for (const auto& run : source.selfplay_runs()) {
      for (const auto& row : source.selfplay_buffer(run.name)) adopt_buffer_row(run.name, row);
      for (auto row : source.selfplay_steps(run.name)) {
        row.run_id = remap(row.run_id);
        if (adopt_selfplay_step(run.name, row)) ++added.steps;
      }
    }
    source.for_each_rollout(
        [&](const RolloutRecord& r) {
          RolloutRecord copy = r;
          copy.run_id = remap(r.run_id);
          if (adopt_rollout(copy)) ++added.rollouts;
        },
        false);
    source.for_each_cache_entry(
        [&](const std::string& key, const std::string& model, const std::string& value) { cache_put(key, model, value); });
    database().exec("COMMIT");
  } catch (...) {
    sqlite3_exec(database().handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  added.samples = count(database(), "SELECT COUNT(*) FROM samples WHERE error=''") - samples_before;
  return added;
}

MergeCounts Store::totals() {
  std::lock_guard lock(database().mutex());
  MergeCounts c;
  c.samples = count(database(), "SELECT COUNT(*) FROM samples WHERE error=''");
  c.matches = count(database(), "SELECT COUNT(*) FROM matches");
  c.turns = count(database(), "SELECT COUNT(*) FROM turns");
  c.rollouts = count(database(), "SELECT COUNT(*) FROM selfplay_rollouts");
  c.steps = count(database(), "SELECT COUNT(*) FROM selfplay_steps");
  c.runs = count(database(), "SELECT COUNT(*) FROM runs");
  return c;
}

}  // namespace gauntlet::harness
