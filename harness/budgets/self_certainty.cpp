#include "harness/budgets/self_certainty.h"

#include <cmath>
#include <limits>

namespace gauntlet::harness {

double token_self_certainty(std::span<const double> log_probs) {
  const double v = static_cast<double>(log_probs.size());
  double sum = 0;
  for (double lp : log_probs) sum += std::log(v) + lp;
  return -sum / v;
}

double self_certainty(double token_sum, std::int64_t n) {
  if (n <= 0) return std::numeric_limits<double>::quiet_NaN();
  return token_sum / static_cast<double>(n);
}

}  // namespace gauntlet::harness
