#pragma once
// SerialClient: a ModelClient for in-process models that answer one request at a time on their own
// worker thread (the toy provider, the in-tree engine). Derived classes implement respond() and call
// stop() first thing in their destructor, so the worker never runs on a half-destroyed object.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "harness/clients/model_client.h"

namespace gauntlet::harness {

class SerialClient : public ModelClient {
 public:
  ~SerialClient() override;

  void submit_async(ChatRequest request, Callback done) final;
  ClientStats stats() const override;
  void drain() override;
  void cancel_pending() override;  // queued requests complete as cancelled; the one running finishes
  std::string last_error() const override;

 protected:
  SerialClient();
  // Finishes queued work and joins the worker; idempotent.
  void stop();
  // Runs on the worker thread; latency_s is measured around it.
  virtual ChatResult respond(const ChatRequest& request) = 0;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  struct Job {
    ChatRequest request;
    Callback done;
    std::uint64_t seq = 0;
  };
  std::deque<Job> queue_;
  std::uint64_t submitted_ = 0;
  std::uint64_t cancel_below_ = 0;  // queued jobs with seq below it are answered as cancelled
  int busy_ = 0;
  long errors_ = 0;
  std::string last_error_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace gauntlet::harness
