#pragma once
// ConcurrencyLimiter: the adaptive in-flight limit of one model. Starts at the configured maximum;
// a 429 multiplies it by 0.8 (at most once per `shrink_debounce`, never below the minimum) and pauses
// new requests until Retry-After has passed; each run of `limit` clean completions adds 5% (at least 1)
// back, up to the maximum. 5xx and timeouts neither shrink nor grow it. Not thread-safe: the client's
// I/O thread owns it. Times are seconds on a caller-supplied monotonic clock.
#include <vector>

namespace gauntlet::harness {

class ConcurrencyLimiter {
 public:
  ConcurrencyLimiter(int min_limit, int max_limit, double shrink_debounce_s = 5.0);

  int limit() const { return limit_; }
  // Requests may start only when now >= paused_until().
  double paused_until() const { return paused_until_; }

  void on_rate_limited(double now, double retry_after_s);
  void on_success(double now);
  void on_transient_failure();

  // (time, limit) after every change, for logs and tests.
  const std::vector<std::pair<double, int>>& history() const { return history_; }

 private:
  int min_;
  int max_;
  double debounce_;
  int limit_;
  double paused_until_ = 0.0;
  double last_shrink_ = -1e300;
  int clean_ = 0;
  double last_now_ = 0.0;
  std::vector<std::pair<double, int>> history_;
};

}  // namespace gauntlet::harness
