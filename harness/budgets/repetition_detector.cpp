#include "harness/budgets/repetition_detector.h"

#include <algorithm>

namespace gauntlet::harness {

RepetitionDetector::RepetitionDetector(RepetitionOptions options) : options_(options) {
  options_.max_period = std::max(options_.max_period, 1);
  options_.min_repeats = std::max(options_.min_repeats, 2);
  ring_.assign(static_cast<std::size_t>(options_.max_period), 0);
  run_.assign(static_cast<std::size_t>(options_.max_period), 0);
}

bool RepetitionDetector::push(std::uint64_t symbol) {
  const auto n = static_cast<long>(options_.max_period);
  period_ = 0;
  for (long p = 1; p <= n; ++p) {
    int& run = run_[static_cast<std::size_t>(p - 1)];
    // s[count_ - p] is in the ring at (count_ - p) mod n.
    if (count_ >= p && ring_[static_cast<std::size_t>((count_ - p) % n)] == symbol) ++run;
    else run = 0;
    const long need = std::max(p * options_.min_repeats, static_cast<long>(options_.min_span));
    if (period_ == 0 && options_.enabled && run + p >= need) period_ = static_cast<int>(p);
  }
  ring_[static_cast<std::size_t>(count_ % n)] = symbol;
  ++count_;
  return period_ != 0;
}

}  // namespace gauntlet::harness
