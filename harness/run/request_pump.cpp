#include "harness/run/request_pump.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace gauntlet::harness {

std::vector<std::size_t> pump_requests(std::vector<PumpLane>& lanes, const std::function<bool()>& stop,
                                       const std::function<void()>& tick) {
  struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<int> outstanding;
    int total = 0;
  };
  auto shared = std::make_shared<Shared>();
  shared->outstanding.assign(lanes.size(), 0);
  std::vector<std::size_t> sent(lanes.size(), 0);
  auto window = [&](std::size_t l) { return lanes[l].window > 0 ? lanes[l].window : 1; };

  bool cancelled = false;
  std::unique_lock lock(shared->mutex);
  for (;;) {
    const bool stopped = stop && stop();
    if (stopped && !cancelled) {
      // Interrupted: what waits in a client's queue or backoff completes now (as cancelled); what
      // is being answered finishes and is handed to `done` as usual.
      cancelled = true;
      lock.unlock();
      for (auto& lane : lanes) lane.client->cancel_pending();
      lock.lock();
    }
    bool submitted = false;
    bool pending = false;
    for (std::size_t l = 0; l < lanes.size() && !stopped; ++l) {
      PumpLane& lane = lanes[l];
      while (sent[l] < lane.requests.size() && shared->outstanding[l] < window(l)) {
        const std::size_t index = sent[l]++;
        ++shared->outstanding[l];
        ++shared->total;
        lock.unlock();
        lane.client->submit_async(std::move(lane.requests[index]), [shared, l, index, &lane](ChatResult result) {
          auto release = [shared, l] {
            std::lock_guard done_lock(shared->mutex);
            --shared->outstanding[l];
            --shared->total;
            shared->changed.notify_all();
          };
          if (lane.done_then_release) {
            lane.done_then_release(index, std::move(result), release);
            return;
          }
          lane.done(index, std::move(result));
          release();
        });
        lock.lock();
        submitted = true;
      }
      if (sent[l] < lane.requests.size()) pending = true;
    }
    if (!pending && shared->total == 0) break;
    if (!submitted) shared->changed.wait_for(lock, std::chrono::milliseconds(200));
    if (tick) {
      lock.unlock();
      tick();
      lock.lock();
    }
  }
  return sent;
}

std::size_t pump_requests(ModelClient& client, std::vector<ChatRequest> requests, int window,
                          const std::atomic<bool>* stop, const std::function<void(std::size_t, ChatResult)>& done,
                          const std::function<void()>& tick) {
  std::vector<PumpLane> lanes(1);
  lanes[0].client = &client;
  lanes[0].window = window;
  lanes[0].requests = std::move(requests);
  lanes[0].done = done;
  auto stopped = [stop] { return stop && stop->load(); };
  return pump_requests(lanes, stopped, tick)[0];
}

}  // namespace gauntlet::harness
