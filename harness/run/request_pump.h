#pragma once
// pump_requests: sends lists of requests through ModelClients, one lane per client, with at most
// `window` outstanding per lane, in order within a lane, and waits until everything sent has
// completed. Once `stop` returns true nothing more is sent and each client's cancel_pending() is
// called once: requests waiting in a client's queue or backoff complete at once as cancelled
// (ChatResult::cancelled()); those being answered still complete. Both are handed to `done`. `done` runs on the client's thread, once per sent request, with the request's
// index in its lane; `tick` runs on the calling thread after each round of sending and about every
// 200 ms while waiting (progress output). Submissions happen without the pump's lock held, so a
// client may call `done` inside submit_async (a cache hit).
#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

#include "harness/clients/model_client.h"

namespace gauntlet::harness {

struct PumpLane {
  ModelClient* client = nullptr;
  int window = 1;  // < 1 counts as 1
  std::vector<ChatRequest> requests;
  std::function<void(std::size_t index, ChatResult result)> done;
  // Instead of `done`: the result and the release of its window slot, which stays taken until
  // release() is called (once). For work that finishes a result elsewhere (scoring on other
  // threads): a result not yet committed still counts as outstanding, so a kill re-asks at most
  // `window` requests.
  std::function<void(std::size_t index, ChatResult result, std::function<void()> release)> done_then_release;
};

// Returns how many requests of each lane were sent.
std::vector<std::size_t> pump_requests(std::vector<PumpLane>& lanes, const std::function<bool()>& stop,
                                       const std::function<void()>& tick);

// One lane; `stop` may be null. Returns how many requests were sent.
std::size_t pump_requests(ModelClient& client, std::vector<ChatRequest> requests, int window,
                          const std::atomic<bool>* stop, const std::function<void(std::size_t, ChatResult)>& done,
                          const std::function<void()>& tick);

}  // namespace gauntlet::harness
