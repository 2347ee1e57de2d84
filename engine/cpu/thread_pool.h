#pragma once
// ThreadPool: a small fixed pool of worker threads for the CPU kernels. parallel_for(n, fn) splits
// [0, n) into one contiguous chunk per thread and calls fn(begin, end) on each, the calling thread
// taking the first chunk; it returns when all chunks are done. With one thread (or n small) it runs
// inline. Between calls a worker first polls for the next one for a few tens of microseconds (a
// forward pass issues hundreds of parallel_fors a few microseconds apart; sleeping and waking for
// each cost ~5% of a batched decode step in futex calls), then sleeps on a condition variable, so
// an idle pool never keeps a core busy for longer than that. The caller waits for the last chunk
// the same way. One parallel_for at a time per pool; fn must not throw.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gauntlet::engine {

class ThreadPool {
 public:
  // threads <= 0: std::thread::hardware_concurrency().
  explicit ThreadPool(int threads = 1);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(begin, end) over a partition of [0, n) into at most size() chunks, each chunk at least
  // min_chunk long (so tiny loops stay on one thread).
  void parallel_for(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& fn,
                    std::int64_t min_chunk = 1);

 private:
  void worker_loop(int index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(std::int64_t, std::int64_t)>* job_ = nullptr;
  std::int64_t job_n_ = 0;
  int job_chunks_ = 0;
  std::atomic<std::uint64_t> generation_{0};  // bumped (under mutex_) after the job fields are set
  std::atomic<int> pending_{0};               // chunks still running on workers
  bool stop_ = false;
};

}  // namespace gauntlet::engine
