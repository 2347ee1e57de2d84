#include "harness/store/response_cache_store.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include "harness/store/database.h"
#include "harness/store/statement.h"

namespace gauntlet::harness {

using store_detail::kNow;
using store_detail::Statement;

std::optional<std::string> ResponseCacheStore::cache_get(const std::string& key) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), "SELECT value FROM response_cache WHERE key=?", db_.path());
  s.bind(1, key);
  if (s.step()) return s.text(0);
  return std::nullopt;
}

void ResponseCacheStore::cache_put(const std::string& key, const std::string& model, const std::string& value) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(),
              fmt::format("INSERT OR REPLACE INTO response_cache(key, model, value, created_at) VALUES(?,?,?,{})", kNow),
              db_.path());
  s.bind(1, key).bind(2, model).bind(3, value);
  s.step();
}

void ResponseCacheStore::for_each_cache_entry(
    const std::function<void(const std::string& key, const std::string& model, const std::string& value)>& visit) {
  std::lock_guard lock(db_.mutex());
  Statement s(db_.handle(), "SELECT key, model, value FROM response_cache", db_.path());
  while (s.step()) visit(s.text(0), s.text(1), s.text(2));
}

}  // namespace gauntlet::harness
