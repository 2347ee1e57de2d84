#include "engine/expert_stats.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gauntlet::engine {

namespace {

std::size_t sz(std::int64_t n) { return static_cast<std::size_t>(n); }

}  // namespace

NpmiCounter::NpmiCounter(int num_layers, int num_experts, std::vector<int> target_ids)
    : num_layers_(num_layers),
      num_experts_(num_experts),
      targets_(std::move(target_ids)),
      moe_layer_(sz(num_layers), 0),
      selected_(sz(std::int64_t{num_layers} * num_experts), 0),
      joint_(selected_.size(), 0) {}

void NpmiCounter::add(std::span<const int> input_ids, const std::vector<PositionRoutes>& trace) {
  if (input_ids.size() != trace.size())
    throw std::invalid_argument("NpmiCounter: " + std::to_string(input_ids.size()) + " tokens but " +
                                std::to_string(trace.size()) + " traced positions");
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const bool target = std::find(targets_.begin(), targets_.end(), input_ids[i]) != targets_.end();
    ++positions_;
    if (target) ++target_positions_;
    for (const LayerRoute& route : trace[i]) {
      if (route.layer < 0 || route.layer >= num_layers_)
        throw std::invalid_argument("NpmiCounter: layer " + std::to_string(route.layer) + " out of range");
      moe_layer_[sz(route.layer)] = 1;
      for (int e : route.experts) {
        if (e < 0 || e >= num_experts_)
          throw std::invalid_argument("NpmiCounter: expert " + std::to_string(e) + " out of range");
        const std::size_t k = sz(std::int64_t{route.layer} * num_experts_ + e);
        ++selected_[k];
        if (target) ++joint_[k];
      }
    }
  }
}

std::vector<ExpertAssociation> NpmiCounter::ranking() const {
  std::vector<ExpertAssociation> out;
  if (positions_ == 0) return out;
  const double n = static_cast<double>(positions_);
  const double px = static_cast<double>(target_positions_) / n;
  for (int l = 0; l < num_layers_; ++l) {
    if (!moe_layer_[sz(l)]) continue;
    for (int e = 0; e < num_experts_; ++e) {
      const std::size_t k = sz(std::int64_t{l} * num_experts_ + e);
      ExpertAssociation a;
      a.layer = l;
      a.expert = e;
      a.joint = joint_[k];
      a.selected = selected_[k];
      a.overall_rate = static_cast<double>(a.selected) / n;
      a.target_rate = target_positions_ > 0 ? static_cast<double>(a.joint) / static_cast<double>(target_positions_) : 0;
      const double pxe = static_cast<double>(a.joint) / n;
      if (pxe <= 0) a.npmi = -1;
      else if (pxe >= 1) a.npmi = 1;  // selected at every position, and every position is a target
      else a.npmi = std::log(pxe / (px * a.overall_rate)) / -std::log(pxe);
      out.push_back(a);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ExpertAssociation& a, const ExpertAssociation& b) { return a.npmi > b.npmi; });
  return out;
}

SuperExpertReport find_super_experts(const ExpertProbe& probe, double layer_fraction, double percentile,
                                     double fraction_of_max) {
  SuperExpertReport report;
  report.layers_considered =
      std::clamp(static_cast<int>(std::lround(layer_fraction * probe.num_layers)), 0, probe.num_layers);
  std::vector<float> values;
  for (int l = 0; l < report.layers_considered; ++l)
    for (int e = 0; e < probe.num_experts; ++e)
      if (probe.selected_at(l, e) > 0) values.push_back(probe.max_at(l, e));
  if (values.empty()) return report;
  std::sort(values.begin(), values.end());
  // Percentile with linear interpolation between closest ranks (numpy's default).
  const double rank = percentile / 100.0 * static_cast<double>(values.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(rank));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  report.percentile_value = values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
  report.global_max = values.back();
  for (int l = 0; l < report.layers_considered; ++l)
    for (int e = 0; e < probe.num_experts; ++e) {
      const double v = probe.max_at(l, e);
      if (probe.selected_at(l, e) > 0 && v > report.percentile_value && v > fraction_of_max * report.global_max)
        report.experts.push_back({l, e, static_cast<float>(v)});
    }
  std::sort(report.experts.begin(), report.experts.end(),
            [](const SuperExpert& a, const SuperExpert& b) { return a.output_max > b.output_max; });
  return report;
}

}  // namespace gauntlet::engine
