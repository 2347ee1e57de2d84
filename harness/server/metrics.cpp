#include "harness/server/metrics.h"

#include <fmt/format.h>

namespace gauntlet::harness {

void ThroughputMeter::add(std::int64_t tokens) {
  std::lock_guard lock(mutex_);
  tokens_ += tokens;
}

double ThroughputMeter::tokens_per_second() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - since_).count();
  if (seconds >= 1.0) {
    last_ = static_cast<double>(tokens_) / seconds;
    tokens_ = 0;
    since_ = now;
  }
  return last_;
}

std::string prometheus_metrics(const engine::SchedulerStats& s, ThroughputMeter& meter) {
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, double value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
  };
  metric("gauntlet_queue_depth", "gauge", "Requests waiting for admission.", s.waiting);
  metric("gauntlet_running_requests", "gauge", "Requests in the running batch.", s.running_requests);
  metric("gauntlet_running_batch", "gauge", "Sequences in the running batch.", s.running_sequences);
  metric("gauntlet_tokens_per_second", "gauge", "Output tokens per second of finished requests, recent window.",
         meter.tokens_per_second());
  metric("gauntlet_kv_blocks_total", "gauge", "KV cache blocks.", s.kv_blocks_total);
  metric("gauntlet_kv_blocks_used", "gauge", "KV cache blocks referenced by a sequence.", s.kv_blocks_used);
  metric("gauntlet_kv_blocks_free", "gauge", "KV cache blocks free (prefix-cached ones included).",
         s.kv_blocks_total - s.kv_blocks_used);
  metric("gauntlet_prefix_cache_hits_total", "counter", "KV blocks found in the prefix cache.",
         static_cast<double>(s.prefix_hit_blocks));
  metric("gauntlet_prefill_tokens_total", "counter", "Prompt tokens run through the model.",
         static_cast<double>(s.prefill_tokens));
  metric("gauntlet_generated_tokens_total", "counter", "Tokens sampled.", static_cast<double>(s.generated_tokens));
  metric("gauntlet_requests_total", "counter", "Requests finished (cancelled included).",
         static_cast<double>(s.requests_done));
  metric("gauntlet_requests_cancelled_total", "counter", "Requests cancelled.",
         static_cast<double>(s.requests_cancelled));
  return out;
}

}  // namespace gauntlet::harness
