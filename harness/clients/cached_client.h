#pragma once
// CachedClient: a ModelClient decorator that answers repeated requests from the response cache
// and stores every successful fresh result. Failed results are never cached.
#include <atomic>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/clients/model_client.h"
#include "harness/clients/response_cache.h"

namespace gauntlet::harness {

class CachedClient : public ModelClient {
 public:
  // `cache` must outlive this client. A hit calls `done` before submit_async returns.
  CachedClient(std::unique_ptr<ModelClient> inner, ResponseCache& cache, std::string model_name,
               nlohmann::json model_fingerprint);

  void submit_async(ChatRequest request, Callback done) override;
  ClientStats stats() const override { return inner_->stats(); }
  void drain() override { inner_->drain(); }
  void cancel_pending() override { inner_->cancel_pending(); }
  std::string last_error() const override { return inner_->last_error(); }
  long hits() const { return hits_; }

 private:
  std::unique_ptr<ModelClient> inner_;
  ResponseCache& cache_;
  std::string model_name_;
  nlohmann::json fingerprint_;
  std::atomic<long> hits_{0};
};

}  // namespace gauntlet::harness
