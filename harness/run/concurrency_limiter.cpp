#include "harness/run/concurrency_limiter.h"

#include <algorithm>
#include <cmath>

namespace gauntlet::harness {

ConcurrencyLimiter::ConcurrencyLimiter(int min_limit, int max_limit, double shrink_debounce_s)
    : min_(std::max(1, min_limit)), max_(std::max(std::max(1, min_limit), max_limit)), debounce_(shrink_debounce_s),
      limit_(max_) {}

void ConcurrencyLimiter::on_rate_limited(double now, double retry_after_s) {
  last_now_ = now;
  clean_ = 0;
  if (retry_after_s > 0) paused_until_ = std::max(paused_until_, now + retry_after_s);
  if (now - last_shrink_ < debounce_) return;
  last_shrink_ = now;
  int next = std::max(min_, static_cast<int>(std::floor(limit_ * 0.8)));
  if (next == limit_ && limit_ > min_) next = limit_ - 1;
  if (next != limit_) {
    limit_ = next;
    history_.emplace_back(now, limit_);
  }
}

void ConcurrencyLimiter::on_success(double now) {
  last_now_ = now;
  if (limit_ >= max_) return;
  if (++clean_ < limit_) return;
  clean_ = 0;
  limit_ = std::min(max_, limit_ + std::max(1, static_cast<int>(limit_ * 0.05)));
  history_.emplace_back(last_now_, limit_);
}

void ConcurrencyLimiter::on_transient_failure() { clean_ = 0; }

}  // namespace gauntlet::harness
