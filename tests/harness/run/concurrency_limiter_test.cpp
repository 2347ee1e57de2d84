#include "harness/run/concurrency_limiter.h"

#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

TEST(ConcurrencyLimiter, StartsAtMaxAndUnpaused) {
  ConcurrencyLimiter l(2, 10);
  EXPECT_EQ(l.limit(), 10);
  EXPECT_DOUBLE_EQ(l.paused_until(), 0.0);
  EXPECT_TRUE(l.history().empty());
}

TEST(ConcurrencyLimiter, ClampsBadBounds) {
  ConcurrencyLimiter zero(0, 0);
  EXPECT_EQ(zero.limit(), 1);
  ConcurrencyLimiter inverted(5, 3);  // max below min: max becomes min
  EXPECT_EQ(inverted.limit(), 5);
  inverted.on_rate_limited(0, 0);
  EXPECT_EQ(inverted.limit(), 5);
}

TEST(ConcurrencyLimiter, RateLimitShrinksByFifthRoundedDownAndPauses) {
  ConcurrencyLimiter l(1, 10, 5.0);
  l.on_rate_limited(100.0, 2.0);
  EXPECT_EQ(l.limit(), 8);
  EXPECT_DOUBLE_EQ(l.paused_until(), 102.0);
  ASSERT_EQ(l.history().size(), 1u);
  EXPECT_EQ(l.history()[0], std::make_pair(100.0, 8));

  l.on_rate_limited(106.0, 1.0);  // after the debounce: 8 * 0.8 = 6.4 -> 6
  EXPECT_EQ(l.limit(), 6);
  EXPECT_DOUBLE_EQ(l.paused_until(), 107.0);

  ConcurrencyLimiter m(1, 7, 5.0);
  m.on_rate_limited(0.0, 0.0);  // 5.6 -> 5
  EXPECT_EQ(m.limit(), 5);
  EXPECT_DOUBLE_EQ(m.paused_until(), 0.0);  // no Retry-After: no pause
}

TEST(ConcurrencyLimiter, SecondRateLimitWithinDebounceDoesNotShrink) {
  ConcurrencyLimiter l(1, 100, 5.0);
  l.on_rate_limited(10.0, 1.0);
  EXPECT_EQ(l.limit(), 80);
  l.on_rate_limited(14.9, 3.0);
  EXPECT_EQ(l.limit(), 80);
  // ... but its Retry-After still extends the pause.
  EXPECT_DOUBLE_EQ(l.paused_until(), 17.9);
  l.on_rate_limited(15.0, 0.5);  // exactly the debounce later: shrinks again
  EXPECT_EQ(l.limit(), 64);
  EXPECT_DOUBLE_EQ(l.paused_until(), 17.9);  // a shorter Retry-After never shortens the pause
  EXPECT_EQ(l.history().size(), 2u);
}

TEST(ConcurrencyLimiter, NeverBelowMin) {
  ConcurrencyLimiter l(3, 10, 1.0);
  std::vector<int> seen;
  for (int i = 0; i < 10; ++i) {
    l.on_rate_limited(i * 2.0, 0.0);
    seen.push_back(l.limit());
  }
  EXPECT_EQ(seen, (std::vector<int>{8, 6, 4, 3, 3, 3, 3, 3, 3, 3}));
  // History records only actual changes.
  EXPECT_EQ(l.history().size(), 4u);
  EXPECT_EQ(l.history().back(), std::make_pair(6.0, 3));

  ConcurrencyLimiter one(1, 2, 0.0);
  one.on_rate_limited(0, 0);
  EXPECT_EQ(one.limit(), 1);
  one.on_rate_limited(1, 0);
  EXPECT_EQ(one.limit(), 1);
}

TEST(ConcurrencyLimiter, GrowsAfterLimitCleanSuccesses) {
  ConcurrencyLimiter l(1, 10, 5.0);
  l.on_rate_limited(0.0, 0.0);
  ASSERT_EQ(l.limit(), 8);
  for (int i = 0; i < 7; ++i) l.on_success(1.0 + i);
  EXPECT_EQ(l.limit(), 8);
  l.on_success(8.0);  // 8th clean success: +max(1, 8*5%) = +1
  EXPECT_EQ(l.limit(), 9);
  EXPECT_EQ(l.history().back(), std::make_pair(8.0, 9));
  for (int i = 0; i < 8; ++i) l.on_success(10.0 + i);
  EXPECT_EQ(l.limit(), 9);
  l.on_success(20.0);
  EXPECT_EQ(l.limit(), 10);
  for (int i = 0; i < 50; ++i) l.on_success(30.0 + i);  // capped at max
  EXPECT_EQ(l.limit(), 10);
  EXPECT_EQ(l.history().size(), 3u);
}

TEST(ConcurrencyLimiter, GrowthIsFivePercentOfLargeLimits) {
  ConcurrencyLimiter l(1, 100, 5.0);
  l.on_rate_limited(0.0, 0.0);
  ASSERT_EQ(l.limit(), 80);
  for (int i = 0; i < 79; ++i) l.on_success(1.0);
  EXPECT_EQ(l.limit(), 80);
  l.on_success(1.0);
  EXPECT_EQ(l.limit(), 84);
  for (int i = 0; i < 84; ++i) l.on_success(2.0);
  EXPECT_EQ(l.limit(), 88);
}

TEST(ConcurrencyLimiter, SuccessAtMaxDoesNothing) {
  ConcurrencyLimiter l(1, 4);
  for (int i = 0; i < 100; ++i) l.on_success(i);
  EXPECT_EQ(l.limit(), 4);
  EXPECT_TRUE(l.history().empty());
}

TEST(ConcurrencyLimiter, TransientFailureResetsCleanStreak) {
  ConcurrencyLimiter l(1, 10, 5.0);
  l.on_rate_limited(0.0, 0.0);
  ASSERT_EQ(l.limit(), 8);
  for (int i = 0; i < 7; ++i) l.on_success(1.0);
  l.on_transient_failure();
  EXPECT_EQ(l.limit(), 8);  // neither shrinks ...
  for (int i = 0; i < 7; ++i) l.on_success(2.0);
  EXPECT_EQ(l.limit(), 8);  // ... nor counts the earlier 7
  l.on_success(2.0);
  EXPECT_EQ(l.limit(), 9);
}

TEST(ConcurrencyLimiter, DebouncedRateLimitAlsoResetsCleanStreak) {
  ConcurrencyLimiter l(1, 10, 5.0);
  l.on_rate_limited(0.0, 0.0);
  for (int i = 0; i < 7; ++i) l.on_success(1.0);
  l.on_rate_limited(2.0, 0.0);  // within debounce: no shrink, but the streak restarts
  EXPECT_EQ(l.limit(), 8);
  for (int i = 0; i < 7; ++i) l.on_success(3.0);
  EXPECT_EQ(l.limit(), 8);
  l.on_success(3.0);
  EXPECT_EQ(l.limit(), 9);
}

}  // namespace
}  // namespace gauntlet::harness
