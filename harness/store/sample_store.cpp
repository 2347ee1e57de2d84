#include "harness/store/sample_store.h"

#include <sqlite3.h>

#include <map>

#include <fmt/format.h>

#include "harness/store/database.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {
namespace {

using store_detail::kNow;
using store_detail::Statement;

const char* const kSampleColumns =
    "model, task, item_id, sample_index, run_id, prompt, completion, reasoning, reference, answer, score, "
    "correct, finish_reason, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, latency_s, "
    "retries, cached, error, logprobs, token_ids, created_at, routing, details, budget";

SampleRecord read_sample(const Statement& s) {
  SampleRecord r;
  r.key = {s.text(0), s.text(1), s.text(2), static_cast<int>(s.integer(3))};
  r.run_id = s.integer(4);
  r.prompt = s.text(5);
  r.completion = s.text(6);
  r.reasoning = s.text(7);
  r.reference = s.text(8);
  r.answer = s.optional_text(9);
  r.score = s.real(10);
  r.correct = s.integer(11) != 0;
  r.finish_reason = s.text(12);
  r.usage = {s.integer(13), s.integer(14), s.integer(15), s.integer(16)};
  r.latency_s = s.real(17);
  r.retries = static_cast<int>(s.integer(18));
  r.cached = s.integer(19) != 0;
  r.error = s.text(20);
  r.logprobs_json = s.text(21);
  r.token_ids_json = s.text(22);
  r.created_at = s.text(23);
  r.routing_json = s.text(24);
  r.details_json = s.text(25);
  r.budget_json = s.text(26);
  return r;
}

}  // namespace

void SampleStore::put_sample(const SampleRecord& r) {
  std::lock_guard lock(db_.mutex());
  // An error-free sample is never overwritten by an errored one; anything else replaces in place.
  Statement s(db_.handle(),
              fmt::format("INSERT INTO samples({}) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,{},?24,?26,?27) "
                          "ON CONFLICT(model, task, item_id, sample_index) DO UPDATE SET "
                          "run_id=excluded.run_id, prompt=excluded.prompt, completion=excluded.completion, "
                          "reasoning=excluded.reasoning, reference=excluded.reference, answer=excluded.answer, "
                          "score=excluded.score, correct=excluded.correct, finish_reason=excluded.finish_reason, "
                          "prompt_tokens=excluded.prompt_tokens, completion_tokens=excluded.completion_tokens, "
                          "reasoning_tokens=excluded.reasoning_tokens, cached_tokens=excluded.cached_tokens, "
                          "latency_s=excluded.latency_s, retries=excluded.retries, cached=excluded.cached, "
                          "error=excluded.error, logprobs=excluded.logprobs, token_ids=excluded.token_ids, "
                          "created_at=excluded.created_at, routing=excluded.routing, details=excluded.details, "
                          "budget=excluded.budget "
                          "WHERE samples.error != '' OR excluded.error = ''",
                          kSampleColumns, r.created_at.empty() ? kNow : "?25"),
              db_.path());
  s.bind(1, r.key.model).bind(2, r.key.task).bind(3, r.key.item_id).bind(4, r.key.sample_index);
  s.bind(5, r.run_id).bind(6, r.prompt).bind(7, r.completion).bind(8, r.reasoning).bind(9, r.reference);
  s.bind(10, r.answer).bind(11, r.score).bind(12, r.correct ? 1 : 0).bind(13, r.finish_reason);
  s.bind(14, r.usage.prompt_tokens).bind(15, r.usage.completion_tokens).bind(16, r.usage.reasoning_tokens);
  s.bind(17, r.usage.cached_tokens).bind(18, r.latency_s).bind(19, r.retries).bind(20, r.cached ? 1 : 0);
  s.bind(21, r.error).bind(22, r.logprobs_json).bind(23, r.token_ids_json).bind(24, r.routing_json);
  if (!r.created_at.empty()) s.bind(25, r.created_at);
  s.bind(26, r.details_json).bind(27, r.budget_json);
  s.step();
}

void SampleStore::record_items(const std::string& task, const std::vector<ItemRow>& items) {
  std::lock_guard lock(db_.mutex());
  db_.exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_.handle(), "INSERT OR REPLACE INTO items(task, item_id, position, data_json, reference) VALUES(?,?,?,?,?)",
                db_.path());
    for (const auto& item : items) {
      sqlite3_reset(s.handle());
      s.bind(1, task).bind(2, item.item_id).bind(3, item.position).bind(4, item.data_json).bind(5, item.reference);
      s.step();
    }
    db_.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::optional<std::string> SampleStore::changed_item(const std::string& task, const std::vector<ItemRow>& items) {
  std::map<std::string, std::pair<std::string, std::string>> stored;
  {
    std::lock_guard lock(db_.mutex());
    Statement s(db_.handle(),
                "SELECT i.item_id, i.data_json, i.reference FROM items i WHERE i.task=? AND EXISTS("
                "SELECT 1 FROM samples s WHERE s.task=i.task AND s.item_id=i.item_id)",
                db_.path());
    s.bind(1, task);
    while (s.step()) stored[s.text(0)] = {s.text(1), s.text(2)};
  }
  for (const auto& item : items) {
    auto it = stored.find(item.item_id);
    if (it != stored.end() && (it->second.first != item.data_json || it->second.second != item.reference))
      return item.item_id;
  }
  return std::nullopt;
}

std::vector<ItemRow> SampleStore::items(const std::string& task) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), "SELECT item_id, position, data_json, reference FROM items WHERE task=? ORDER BY position", db_.path());
  s.bind(1, task);
  std::vector<ItemRow> out;
  while (s.step()) out.push_back({s.text(0), static_cast<int>(s.integer(1)), s.text(2), s.text(3)});
  return out;
}

std::set<std::pair<std::string, int>> SampleStore::done_samples(const std::string& model, const std::string& task) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), "SELECT item_id, sample_index FROM samples WHERE model=? AND task=? AND error=''", db_.path());
  s.bind(1, model).bind(2, task);
  std::set<std::pair<std::string, int>> out;
  while (s.step()) out.emplace(s.text(0), static_cast<int>(s.integer(1)));
  return out;
}

std::map<std::pair<std::string, int>, std::string> SampleStore::failed_samples(const std::string& model,
                                                                              const std::string& task) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), "SELECT item_id, sample_index, details FROM samples WHERE model=? AND task=? AND error!=''",
              db_.path());
  s.bind(1, model).bind(2, task);
  std::map<std::pair<std::string, int>, std::string> out;
  while (s.step()) out[{s.text(0), static_cast<int>(s.integer(1))}] = s.text(2);
  return out;
}

std::vector<SampleRecord> SampleStore::samples() {
  std::vector<SampleRecord> out;
  for_each_sample([&](const SampleRecord& r) { out.push_back(r); });
  return out;
}

void SampleStore::for_each_sample(const std::function<void(const SampleRecord&)>& visit) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), fmt::format("SELECT {} FROM samples ORDER BY model, task, item_id, sample_index", kSampleColumns),
              db_.path());
  while (s.step()) visit(read_sample(s));
}

std::int64_t SampleStore::sample_count() {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), "SELECT COUNT(*) FROM samples", db_.path());
  s.step();
  return s.integer(0);
}
}  // namespace gauntlet::harness
