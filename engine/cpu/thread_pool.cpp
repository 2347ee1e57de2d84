#include "engine/cpu/thread_pool.h"

#include <algorithm>
#include <chrono>

namespace gauntlet::engine {

namespace {

// Chunk c of `chunks` equal parts of [0, n).
std::int64_t chunk_begin(std::int64_t n, int chunks, int c) { return n * c / chunks; }

// Polls `ready` for up to kPoll before the caller goes to sleep; true when it became ready.
constexpr auto kPoll = std::chrono::microseconds(30);

template <typename Ready>
bool poll_for(const Ready& ready) {
  const auto until = std::chrono::steady_clock::now() + kPoll;
  for (int i = 1;; ++i) {
    if (ready()) return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) return ready();
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::parallel_for(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& fn,
                              std::int64_t min_chunk) {
  if (n <= 0) return;
  const std::int64_t by_size = std::max<std::int64_t>(1, n / std::max<std::int64_t>(1, min_chunk));
  const int chunks = static_cast<int>(std::min<std::int64_t>(size(), by_size));
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    job_n_ = n;
    job_chunks_ = chunks;
    pending_.store(chunks - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  fn(0, chunk_begin(n, chunks, 1));
  if (!poll_for([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
  }
  std::lock_guard<std::mutex> lock(mutex_);
  job_ = nullptr;
}

void ThreadPool::worker_loop(int index) {
  std::uint64_t seen = 0;
  for (;;) {
    const std::function<void(std::int64_t, std::int64_t)>* job;
    std::int64_t n;
    int chunks;
    // A new job is polled for briefly (the next one usually follows within microseconds), then
    // waited for asleep. Either way its fields are read under the mutex they were written under.
    poll_for([&] { return generation_.load(std::memory_order_acquire) != seen; });
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
      if (stop_) return;
      seen = generation_.load(std::memory_order_relaxed);
      job = job_;
      n = job_n_;
      chunks = job_chunks_;
    }
    if (index >= chunks) continue;  // this job has fewer chunks than threads
    (*job)(chunk_begin(n, chunks, index), chunk_begin(n, chunks, index + 1));
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);  // the caller is polling, or waiting on done_
      done_.notify_one();
    }
  }
}

}  // namespace gauntlet::engine
