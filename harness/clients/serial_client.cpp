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
    queue_.push_back({std::move(request), std::move(done), submitted_++});
    ++busy_;
  }
  wake_.notify_one();
}

ClientStats SerialClient::stats() const {
  std::lock_guard lock(mutex_);
  return {busy_ > 0 ? 1 : 0, 1, 0, errors_};
}

std::string SerialClient::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void SerialClient::cancel_pending() {
  {
    std::lock_guard lock(mutex_);
    cancel_below_ = submitted_;
  }
  wake_.notify_one();
}

void SerialClient::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return busy_ == 0; });
}

void SerialClient::run() {
  for (;;) {
    Job job;
    bool cancelled = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued request has been answered
      job = std::move(queue_.front());
      queue_.pop_front();
      cancelled = job.seq < cancel_below_;
    }
    ChatResult result;
    if (cancelled) {
      result.error = "cancelled: the run was interrupted before this request was answered";
      result.failure = Failure::kCancelled;
    } else {
      auto start = std::chrono::steady_clock::now();
      result = respond(job.request);
      result.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!result.ok() && result.failure == Failure::kNone) result.failure = Failure::kRejected;
    }
    if (!result.ok() && !result.cancelled()) {
      std::lock_guard lock(mutex_);
      ++errors_;
      last_error_ = result.error;
    }
    job.done(std::move(result));
    std::lock_guard lock(mutex_);
    if (--busy_ == 0) idle_.notify_all();
  }
}

}  // namespace gauntlet::harness
