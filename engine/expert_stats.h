#pragma once
// Expert finders over routing traces and expert probes.
//   NpmiCounter: per (layer, expert), how often it is selected at positions whose input token is a
//     target token (x) and overall; nPMI(x, e) = log(p(x,e) / (p(x) p(e))) / −log p(x,e), in [−1, 1]
//     (−1 when never selected at a target position). RICE's cognitive-expert finder.
//   find_super_experts: the Super Experts criterion on ExpertProbe maxima: layers < round(0.75 L),
//     max |down_proj output| above the 99.5th percentile of all considered maxima and above a
//     tenth of the largest.
#include <cstdint>
#include <span>
#include <vector>

#include "engine/forward.h"
#include "engine/routing.h"

namespace gauntlet::engine {

struct ExpertAssociation {
  int layer = 0;
  int expert = 0;
  double npmi = -1;
  std::int64_t joint = 0;     // target positions where selected
  std::int64_t selected = 0;  // positions where selected
  double target_rate = 0;     // p(e | x) = joint / target positions
  double overall_rate = 0;    // p(e) = selected / positions
};

class NpmiCounter {
 public:
  NpmiCounter(int num_layers, int num_experts, std::vector<int> target_ids);
  // One sequence: input_ids[i] is the token at position i, trace[i] its routing. Throws
  // std::invalid_argument when the sizes differ or an expert is out of range.
  void add(std::span<const int> input_ids, const std::vector<PositionRoutes>& trace);
  // Every (layer, expert) seen in the traces' layers, highest nPMI first (ties: lower layer, expert).
  std::vector<ExpertAssociation> ranking() const;
  std::int64_t positions() const { return positions_; }
  std::int64_t target_positions() const { return target_positions_; }

 private:
  int num_layers_, num_experts_;
  std::vector<int> targets_;
  std::int64_t positions_ = 0, target_positions_ = 0;
  std::vector<std::uint8_t> moe_layer_;   // [L] seen in a trace
  std::vector<std::int64_t> selected_;    // [L * E]
  std::vector<std::int64_t> joint_;       // [L * E]
};

struct SuperExpert {
  int layer = 0;
  int expert = 0;
  float output_max = 0;
};

struct SuperExpertReport {
  int layers_considered = 0;       // layers [0, layers_considered)
  double percentile_value = 0;     // the 99.5th percentile of the considered maxima
  double global_max = 0;
  std::vector<SuperExpert> experts;  // largest first
};

SuperExpertReport find_super_experts(const ExpertProbe& probe, double layer_fraction = 0.75,
                                     double percentile = 99.5, double fraction_of_max = 0.1);

}  // namespace gauntlet::engine
