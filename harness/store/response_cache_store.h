#pragma once
// ResponseCacheStore: the response_cache table (key -> serialised ChatResult JSON), the store's
// implementation of the clients' ResponseCache.
#include <functional>
#include <optional>
#include <string>

#include "harness/clients/response_cache.h"

namespace gauntlet::harness {

class Database;

class ResponseCacheStore : public ResponseCache {
 public:
  explicit ResponseCacheStore(Database& db) : db_(db) {}

  std::optional<std::string> cache_get(const std::string& key) override;
  void cache_put(const std::string& key, const std::string& model, const std::string& value) override;
  // Every entry (key, model, value), in no particular order.
  void for_each_cache_entry(
      const std::function<void(const std::string& key, const std::string& model, const std::string& value)>& visit);

 private:
  Database& db_;
};

}  // namespace gauntlet::harness
