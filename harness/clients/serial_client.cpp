#include "harness/clients/serial_client.h"

#include <chrono>

namespace gauntlet::harness {

SerialClient::SerialClient() : worker_([this] { run(); }) {}

SerialClient::~SerialClient() { stop(); }

void SerialClient::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void SerialClient::submit_async(ChatRequest request, Callback done) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(std::move(request), std::move(done));
    ++busy_;
  }
  wake_.notify_one();
}

ClientStats SerialClient::stats() const {
  std::lock_guard lock(mutex_);
  return {busy_ > 0 ? 1 : 0, 1, 0, 0};
}

void SerialClient::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return busy_ == 0; });
}

void SerialClient::run() {
  for (;;) {
    std::pair<ChatRequest, Callback> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued request has been answered
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    auto start = std::chrono::steady_clock::now();
    ChatResult result = respond(job.first);
    result.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    job.second(std::move(result));
    std::lock_guard lock(mutex_);
    if (--busy_ == 0) idle_.notify_all();
  }
}

}  // namespace gauntlet::harness
