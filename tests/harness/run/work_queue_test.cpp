// WorkQueue: every task runs once on the worker threads, as many at once as there are threads,
// submit() blocks while the queue is full, wait() returns when all submitted work is done.
#include "harness/run/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace gauntlet::harness {
namespace {

using namespace std::chrono_literals;

TEST(WorkQueue, RunsEveryTaskOnceWithTheThreadsInParallel) {
  WorkQueue queue(3, 2);
  std::atomic<int> done{0}, running{0}, peak{0};
  for (int i = 0; i < 30; ++i)
    queue.submit([&] {
      int now = ++running;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(2ms);
      --running;
      ++done;
    });
  queue.wait();
  EXPECT_EQ(done.load(), 30);
  EXPECT_EQ(peak.load(), 3);
}

TEST(WorkQueue, SubmitBlocksWhileTheQueueIsFull) {
  WorkQueue queue(1, 1);
  std::atomic<bool> release{false};
  queue.submit([&] {
    while (!release) std::this_thread::sleep_for(1ms);
  });
  std::this_thread::sleep_for(20ms);  // the first task is running; the queue is empty again
  queue.submit([] {});                // fills the queue
  std::atomic<bool> third_submitted{false};
  std::thread producer([&] {
    queue.submit([] {});
    third_submitted = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(third_submitted.load()) << "submit() must wait for room";
  release = true;
  producer.join();
  EXPECT_TRUE(third_submitted.load());
  queue.wait();
}

TEST(WorkQueue, TheDestructorFinishesWhatWasSubmitted) {
  std::atomic<int> done{0};
  {
    WorkQueue queue(2, 8);
    for (int i = 0; i < 8; ++i)
      queue.submit([&] {
        std::this_thread::sleep_for(1ms);
        ++done;
      });
  }
  EXPECT_EQ(done.load(), 8);
}

}  // namespace
}  // namespace gauntlet::harness
