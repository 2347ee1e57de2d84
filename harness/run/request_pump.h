#pragma once
// pump_requests: sends a list of requests through a ModelClient with at most `window` outstanding,
// in order, and waits for them. Once *stop is set nothing more is sent; what is in flight still
// completes (and is handed to `done`). `done` runs on the client's thread, once per sent request;
// `tick` runs on the calling thread about every 200 ms while waiting (progress output).
#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

#include "harness/clients/model_client.h"

namespace gauntlet::harness {

// Returns how many requests were sent.
std::size_t pump_requests(ModelClient& client, std::vector<ChatRequest> requests, int window,
                          const std::atomic<bool>* stop, const std::function<void(std::size_t, ChatResult)>& done,
                          const std::function<void()>& tick);

}  // namespace gauntlet::harness
