#pragma once
// BorrowedClient: a ModelClient that forwards everything to a client it does not own (a policy
// that runs an inner policy over the same provider, e.g. `parallel` over `trimr`). It continues
// turns when the client it borrows can; open() throws std::runtime_error when that one cannot.
#include <memory>
#include <stdexcept>

#include "harness/clients/continuation.h"
#include "harness/clients/model_client.h"

namespace gauntlet::harness {

class BorrowedClient : public ModelClient, public ContinuableClient {
 public:
  explicit BorrowedClient(ModelClient& client) : client_(client) {}
  void submit_async(ChatRequest request, Callback done) override { client_.submit_async(std::move(request), std::move(done)); }
  ClientStats stats() const override { return client_.stats(); }
  std::string last_error() const override { return client_.last_error(); }
  void drain() override { client_.drain(); }
  void cancel_pending() override { client_.cancel_pending(); }
  std::unique_ptr<Continuation> open(const ChatRequest& request) override {
    auto* c = dynamic_cast<ContinuableClient*>(&client_);
    if (c == nullptr) throw std::runtime_error("this provider cannot continue a turn");
    return c->open(request);
  }

 private:
  ModelClient& client_;
};

}  // namespace gauntlet::harness
