#include "harness/selfplay/rewards.h"

#include <cmath>
#include <stdexcept>

namespace gauntlet::harness {

double learnability(double acc) {
  if (!(acc >= 0.0 && acc <= 1.0)) throw std::invalid_argument("learnability: accuracy must be within [0, 1]");
  return acc > 0.0 && acc < 1.0 ? 1.0 - acc : 0.0;
}

double solver_reward(bool format_ok, bool correct, const RewardRules& rules) {
  if (!format_ok) return rules.format_error;
  return correct ? 1.0 : rules.well_formed_zero;
}

double proposer_reward(bool format_ok, bool valid, std::optional<double> acc, const RewardRules& rules) {
  if (!format_ok || !valid) return rules.format_error;
  if (!acc) throw std::invalid_argument("proposer_reward: a valid proposal needs the solvers' accuracy");
  double r = learnability(*acc);
  return r == 0.0 ? rules.well_formed_zero : r;
}

std::vector<double> group_advantages(const std::vector<double>& rewards, const AdvantageOptions& options) {
  const std::size_t n = rewards.size();
  std::vector<double> out(n);
  double mean = 0.0, stddev = 1.0;
  if (n > 1) {
    for (double r : rewards) mean += r;
    mean /= static_cast<double>(n);
    double ss = 0.0;
    for (double r : rewards) ss += (r - mean) * (r - mean);
    stddev = std::sqrt(ss / static_cast<double>(n - 1));
  }
  for (std::size_t i = 0; i < n; ++i)
    out[i] = options.normalize_std ? (rewards[i] - mean) / (stddev + options.epsilon) : rewards[i] - mean;
  return out;
}

}  // namespace gauntlet::harness
