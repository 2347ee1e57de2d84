// Interrupts: a signal delivered twice at once (process and process group, as `timeout -s INT` does)
// counts once; a real second signal quits.
#include <gtest/gtest.h>

#include "harness/run/interrupt.h"

namespace {

using gauntlet::harness::classify_signal;
using gauntlet::harness::kSignalDebounceS;

TEST(Interrupt, FirstStopsDuplicateIgnoredSecondQuits) {
  EXPECT_EQ(classify_signal(-1.0, 100.0), 0);
  EXPECT_EQ(classify_signal(100.0, 100.0), 1);
  EXPECT_EQ(classify_signal(100.0, 100.0 + kSignalDebounceS / 2), 1);
  EXPECT_EQ(classify_signal(100.0, 100.0 + kSignalDebounceS + 0.01), 2);
  EXPECT_EQ(classify_signal(100.0, 130.0), 2);
}

}  // namespace
