#pragma once
// Absolute Zero rewards and advantages, as plain arithmetic.
//
// Role rewards (paper Eq. 4-5): the solver gets 1 when the verifier accepts its answer, else 0; the
// proposer of a valid task gets its learnability 1 - acc, where acc is the solvers' mean accuracy
// on the task over n samples, and 0 when acc is 0 or 1 (too hard or too easy teaches nothing).
// Format (paper Eq. 6): a response that breaks the <think>/<answer> format, or a proposal that
// cannot be parsed or fails validation, gets `format_error` (-1). A well-formed response whose role
// reward is 0 keeps 0 by default (the paper's rule for the proposer); AZR's released code maps it to
// -0.5 instead (`well_formed_zero: -0.5`).
//
// Advantages: one baseline per group (AZR's task-relative REINFORCE++: each task type x role of a
// step is its own group), A_i = (r_i - mean) / (std + eps) with the sample standard deviation
// (n - 1), as verl's GRPO estimator; without std normalisation A_i = r_i - mean. A group of one has
// mean 0 and std 1 (verl's convention), so its advantage is its reward.
#include <optional>
#include <vector>

namespace gauntlet::harness {

struct RewardRules {
  double format_error = -1.0;
  double well_formed_zero = 0.0;
};

struct AdvantageOptions {
  bool normalize_std = true;
  double epsilon = 1e-6;
};

// 1 - acc for 0 < acc < 1; 0 at the extremes. acc outside [0, 1] throws std::invalid_argument.
double learnability(double acc);

// Solver: format_ok false -> format_error; correct -> 1; wrong -> well_formed_zero.
double solver_reward(bool format_ok, bool correct, const RewardRules& rules);

// Proposer: not well-formed or not valid -> format_error; valid -> learnability(acc), with
// well_formed_zero in place of a learnability of exactly 0. acc is required for a valid proposal.
double proposer_reward(bool format_ok, bool valid, std::optional<double> acc, const RewardRules& rules);

// Advantages of one group, in the order of `rewards`.
std::vector<double> group_advantages(const std::vector<double>& rewards, const AdvantageOptions& options);

}  // namespace gauntlet::harness
