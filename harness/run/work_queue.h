#pragma once
// WorkQueue: a fixed set of worker threads running submitted tasks in submission order of start.
// submit() blocks while `capacity` tasks wait unstarted (backpressure on whoever produces them, e.g.
// a client thread handing over results to score); wait() blocks until every task submitted so far
// has finished. Tasks must not throw (a task that does ends the process). The destructor waits.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gauntlet::harness {

class WorkQueue {
 public:
  // threads >= 1; capacity >= 1 (unstarted tasks held before submit() blocks).
  WorkQueue(int threads, std::size_t capacity);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void submit(std::function<void()> task);
  void wait();

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> tasks_;
  std::size_t capacity_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gauntlet::harness
