#pragma once
// ModelClient: the one interface every model backend and decorator implements.
// submit_async() never blocks on the model; `done` runs exactly once, on a client-owned thread.
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "harness/clients/chat.h"

namespace gauntlet::harness {

// Live counters a client exposes for progress lines.
struct ClientStats {
  int in_flight = 0;
  int concurrency_limit = 0;
  long retries = 0;
  long errors = 0;
};

class ModelClient {
 public:
  using Callback = std::function<void(ChatResult)>;
  virtual ~ModelClient() = default;

  virtual void submit_async(ChatRequest request, Callback done) = 0;
  virtual ClientStats stats() const = 0;
  // The error of the latest failed request (cancellations aside); "" when none failed.
  virtual std::string last_error() const { return ""; }
  // Blocks until everything submitted so far has completed.
  virtual void drain() = 0;
  // Interrupted run: every request not yet being answered (queued, or waiting out a retry backoff)
  // completes now with Failure::kCancelled; requests already in progress finish normally. Later
  // submissions are answered normally. Decorators forward it.
  virtual void cancel_pending() {}

  std::future<ChatResult> submit(ChatRequest request) {
    auto promise = std::make_shared<std::promise<ChatResult>>();
    auto future = promise->get_future();
    submit_async(std::move(request), [promise](ChatResult r) { promise->set_value(std::move(r)); });
    return future;
  }
};

}  // namespace gauntlet::harness
