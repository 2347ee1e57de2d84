#pragma once
// `gauntlet serve`'s /metrics: the scheduler's counters in the Prometheus text format, and the
// output tokens per second over the last window (ThroughputMeter).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "engine/serve/scheduler.h"

namespace gauntlet::harness {

// Output tokens per second of finished requests, over the time since the previous reading (at
// least 1 s; the first reading covers the time since the meter started).
class ThroughputMeter {
 public:
  void add(std::int64_t tokens);
  double tokens_per_second();

 private:
  std::mutex mutex_;
  std::int64_t tokens_ = 0;
  std::chrono::steady_clock::time_point since_ = std::chrono::steady_clock::now();
  double last_ = 0;
};

std::string prometheus_metrics(const engine::SchedulerStats& stats, ThroughputMeter& meter);

}  // namespace gauntlet::harness
