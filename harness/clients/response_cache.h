#pragma once
// ResponseCache: where CachedClient keeps finished results, keyed by clients/cache_key.h's key. The
// run database implements it (store/response_cache_store.h); tests may use a map.
#include <optional>
#include <string>

namespace gauntlet::harness {

class ResponseCache {
 public:
  virtual ~ResponseCache() = default;
  // The serialised ChatResult JSON stored under `key`, if any.
  virtual std::optional<std::string> cache_get(const std::string& key) = 0;
  // Stores (or replaces) `value` under `key`; `model` is the suite's name for the model, kept for inspection.
  virtual void cache_put(const std::string& key, const std::string& model, const std::string& value) = 0;
};

}  // namespace gauntlet::harness
