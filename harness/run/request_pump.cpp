#include "harness/run/request_pump.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace gauntlet::harness {

std::size_t pump_requests(ModelClient& client, std::vector<ChatRequest> requests, int window,
                          const std::atomic<bool>* stop, const std::function<void(std::size_t, ChatResult)>& done,
                          const std::function<void()>& tick) {
  struct Shared {
    std::mutex mutex;
    std::condition_variable cv;
    int outstanding = 0;
  };
  auto shared = std::make_shared<Shared>();
  const int limit = window > 0 ? window : 1;
  std::size_t sent = 0;
  auto stopped = [&] { return stop && stop->load(); };
  auto wait_a_little = [&](std::unique_lock<std::mutex>& lock, auto until) {
    shared->cv.wait_for(lock, std::chrono::milliseconds(200), until);
    lock.unlock();
    if (tick) tick();
    lock.lock();
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    {
      std::unique_lock lock(shared->mutex);
      while (shared->outstanding >= limit && !stopped())
        wait_a_little(lock, [&] { return shared->outstanding < limit || stopped(); });
      if (stopped()) break;
      ++shared->outstanding;
    }
    ++sent;
    client.submit_async(std::move(requests[i]), [shared, i, &done](ChatResult result) {
      done(i, std::move(result));
      std::lock_guard lock(shared->mutex);
      --shared->outstanding;
      shared->cv.notify_all();
    });
  }
  std::unique_lock lock(shared->mutex);
  while (shared->outstanding > 0) wait_a_little(lock, [&] { return shared->outstanding == 0; });
  return sent;
}

}  // namespace gauntlet::harness
