#include "harness/run/work_queue.h"

#include <algorithm>

namespace gauntlet::harness {

WorkQueue::WorkQueue(int threads, std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { work(); });
}

WorkQueue::~WorkQueue() {
  wait();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkQueue::submit(std::function<void()> task) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return tasks_.size() < capacity_; });
  tasks_.push_back(std::move(task));
  changed_.notify_all();
}

void WorkQueue::wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return tasks_.empty() && running_ == 0; });
}

void WorkQueue::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, nothing left
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    ++running_;
    changed_.notify_all();  // room for a blocked submit()
    lock.unlock();
    task();
    lock.lock();
    --running_;
    changed_.notify_all();
  }
}

}  // namespace gauntlet::harness
