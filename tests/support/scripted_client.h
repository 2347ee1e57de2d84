#pragma once
// ScriptedClient: a ModelClient for tests that answers from a script (a list of texts, one per
// request with the last repeating, or a function of the request) and logs every request it got.
// The log is shared so it outlives clients that a runner owns and destroys.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/clients/model_client.h"

namespace gauntlet::testing {

struct RequestLog {
  std::mutex mutex;
  std::vector<harness::ChatRequest> requests;
  std::vector<harness::ChatRequest> snapshot() {
    std::lock_guard lock(mutex);
    return requests;
  }
};

// A successful result holding one choice with `text`, or a failed one with `error`.
harness::ChatResult text_result(const std::string& text);
harness::ChatResult error_result(const std::string& error);

class ScriptedClient : public harness::ModelClient {
 public:
  // `index` counts this client's requests from 0.
  using Responder = std::function<harness::ChatResult(const harness::ChatRequest& request, std::size_t index)>;

  explicit ScriptedClient(std::vector<std::string> answers, std::shared_ptr<RequestLog> log = std::make_shared<RequestLog>());
  explicit ScriptedClient(Responder responder, std::shared_ptr<RequestLog> log = std::make_shared<RequestLog>());

  void submit_async(harness::ChatRequest request, Callback done) override;
  harness::ClientStats stats() const override { return {}; }
  void drain() override {}
  const std::shared_ptr<RequestLog>& log() const { return log_; }

 private:
  Responder responder_;
  std::shared_ptr<RequestLog> log_;
  std::mutex mutex_;
  std::size_t next_ = 0;
};

}  // namespace gauntlet::testing
