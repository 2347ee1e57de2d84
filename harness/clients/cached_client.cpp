#include "harness/clients/cached_client.h"

#include "engine/json/json_input.h"
#include "harness/clients/cache_key.h"

namespace gauntlet::harness {

CachedClient::CachedClient(std::unique_ptr<ModelClient> inner, ResponseCache& cache, std::string model_name,
                           nlohmann::json model_fingerprint)
    : inner_(std::move(inner)), cache_(cache), model_name_(std::move(model_name)),
      fingerprint_(std::move(model_fingerprint)) {}

void CachedClient::submit_async(ChatRequest request, Callback done) {
  auto key = cache_key(model_name_, fingerprint_, request);
  if (auto hit = cache_.cache_get(key)) {
    ChatResult result;
    bool usable = true;
    try {
      result = chat_result_from_json(engine::parse_json_input(*hit, ""));
    } catch (const std::exception&) {
      usable = false;  // an unreadable entry is treated as a miss and overwritten
    }
    if (usable) {
      ++hits_;
      result.from_cache = true;
      result.latency_s = 0.0;
      result.retries = 0;
      done(std::move(result));
      return;
    }
  }
  inner_->submit_async(std::move(request), [this, key, done = std::move(done)](ChatResult result) {
    if (result.ok()) {
      try {
        cache_.cache_put(key, model_name_, dump_json(to_json(result)));
      } catch (const std::exception&) {
        // The cache is an optimisation: a failed write must not lose the result itself.
      }
    }
    done(std::move(result));
  });
}

}  // namespace gauntlet::harness
