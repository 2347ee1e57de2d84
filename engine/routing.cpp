#include "engine/routing.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "engine/cpu/kernels.h"

namespace gauntlet::engine {

namespace {

std::size_t sz(int n) { return static_cast<std::size_t>(n); }

void check_expert(const ExpertId& id, const ModelConfig& config, const std::string& what) {
  if (id.layer < 0 || id.layer >= config.num_layers)
    throw RoutingError(fmt::format("{}: layer {} outside [0, {})", what, id.layer, config.num_layers));
  if (!config.is_moe_layer(id.layer))
    throw RoutingError(fmt::format("{}: layer {} is a dense layer, not an MoE layer", what, id.layer));
  if (id.expert < 0 || id.expert >= config.num_experts)
    throw RoutingError(
        fmt::format("{}: expert {} outside [0, {}) in layer {}", what, id.expert, config.num_experts, id.layer));
}

}  // namespace

bool RoutingControls::is_default() const {
  return top_k <= 0 && top_p <= 0 && (rice.empty() || rice_beta == 1.0) && mask.empty();
}

std::vector<ExpertId> parse_expert_list(const std::string& text, const std::string& what) {
  std::vector<ExpertId> ids;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto colon = item.find(':');
    ExpertId id;
    bool ok = colon != std::string::npos;
    if (ok) {
      try {
        std::size_t used_l = 0, used_e = 0;
        const std::string l = item.substr(0, colon), e = item.substr(colon + 1);
        id.layer = std::stoi(l, &used_l);
        id.expert = std::stoi(e, &used_e);
        ok = used_l == l.size() && used_e == e.size() && id.layer >= 0 && id.expert >= 0;
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) throw RoutingError(fmt::format("{}: '{}' is not LAYER:EXPERT", what, item));
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  if (ids.empty()) throw RoutingError(fmt::format("{}: no LAYER:EXPERT pairs given", what));
  return ids;
}

RiceMode parse_rice_mode(const std::string& text) {
  if (text == "after_topk") return RiceMode::kAfterTopK;
  if (text == "before_topk") return RiceMode::kBeforeTopK;
  throw RoutingError(fmt::format("RICE mode '{}': expected after_topk or before_topk", text));
}

MaskMode parse_mask_mode(const std::string& text) {
  if (text == "exclude") return MaskMode::kExclude;
  if (text == "zero") return MaskMode::kZero;
  throw RoutingError(fmt::format("mask mode '{}': expected exclude or zero", text));
}

std::string to_string(RiceMode mode) { return mode == RiceMode::kAfterTopK ? "after_topk" : "before_topk"; }
std::string to_string(MaskMode mode) { return mode == MaskMode::kExclude ? "exclude" : "zero"; }

void route_token(std::span<const float> logits, const LayerRouter& r, RouterScratch& s, std::vector<Route>& out) {
  const int E = static_cast<int>(logits.size());
  out.clear();
  s.prob.assign(logits.begin(), logits.end());
  int available = E;
  if (!r.excluded.empty()) {
    for (int e = 0; e < E; ++e)
      if (r.excluded[sz(e)]) {
        s.prob[sz(e)] = -std::numeric_limits<float>::infinity();
        --available;
      }
  }
  softmax(s.prob.data(), E);
  const bool boost_selection = r.beta_before_selection && !r.beta.empty();
  const std::vector<float>& score = boost_selection ? s.score : s.prob;
  if (boost_selection) {
    s.score.resize(sz(E));
    for (int e = 0; e < E; ++e) s.score[sz(e)] = s.prob[sz(e)] * r.beta[sz(e)];
  }

  s.order.clear();
  for (int e = 0; e < E; ++e)
    if (r.excluded.empty() || !r.excluded[sz(e)]) s.order.push_back(e);
  const auto higher = [&](int a, int b) { return score[sz(a)] > score[sz(b)] || (score[sz(a)] == score[sz(b)] && a < b); };
  int keep;
  if (r.top_p > 0) {
    std::sort(s.order.begin(), s.order.end(), higher);
    keep = available;
    if (r.top_p < 1) {
      double total = 0;
      for (int e : s.order) total += score[sz(e)];
      double cumulative = 0;
      for (int i = 0; i < available; ++i) {
        cumulative += score[sz(s.order[sz(i)])] / total;
        if (cumulative > r.top_p) {
          keep = i + 1;
          break;
        }
      }
    }
    const int max_keep = std::min(r.max_experts > 0 ? r.max_experts : E, available);
    keep = std::clamp(keep, std::min(r.min_experts, max_keep), max_keep);
  } else {
    keep = std::min(r.top_k, available);
    std::partial_sort(s.order.begin(), s.order.begin() + keep, s.order.end(), higher);
  }

  // Weights: the kept experts' probabilities, boosted by β, renormalised as configured.
  const bool has_beta = !r.beta.empty();
  float base_sum = 0, sum = 0;
  for (int i = 0; i < keep; ++i) {
    const int e = s.order[sz(i)];
    const float p = s.prob[sz(e)];
    const float w = has_beta && r.beta_renormalize ? p * r.beta[sz(e)] : p;
    base_sum += p;
    sum += w;
    out.push_back({e, w});
  }
  // Renormalised: the kept set sums to 1; raw: β may move weight between the kept experts but
  // (with rice_renormalize) leaves their total unchanged.
  if (r.renormalize)
    for (auto& route : out) route.weight /= sum;
  else if (has_beta && r.beta_renormalize)
    for (auto& route : out) route.weight *= base_sum / sum;
  if (has_beta && !r.beta_renormalize)
    for (auto& route : out) route.weight *= r.beta[sz(route.expert)];
}

RoutingPlan::RoutingPlan(const RoutingControls& c, const ModelConfig& config) {
  const int E = config.num_experts;
  if (E == 0) {
    if (!c.is_default()) throw RoutingError("routing controls given for a model without experts");
    return;
  }
  if (c.top_k < 0 || c.top_k > E)
    throw RoutingError(fmt::format("router top-k {}: expected 1..{} (the model has {} experts)", c.top_k, E, E));
  if (!(c.top_p >= 0 && c.top_p <= 1))
    throw RoutingError(fmt::format("router top-p {}: expected a probability in (0, 1]", c.top_p));
  if (c.min_experts < 1 || c.min_experts > E)
    throw RoutingError(fmt::format("router min experts {}: expected 1..{}", c.min_experts, E));
  if (c.max_experts < 0 || c.max_experts > E || (c.max_experts > 0 && c.max_experts < c.min_experts))
    throw RoutingError(fmt::format("router max experts {}: expected {}..{} (or 0: no limit)", c.max_experts,
                                   c.min_experts, E));
  if (!(c.rice_beta > 0 && std::isfinite(c.rice_beta)))
    throw RoutingError(fmt::format("RICE beta {}: expected a positive finite factor", c.rice_beta));
  for (const auto& id : c.rice) check_expert(id, config, "RICE expert");
  for (const auto& id : c.mask) check_expert(id, config, "expert mask");

  layers_.resize(sz(config.num_layers));
  for (int l = 0; l < config.num_layers; ++l) {
    LayerRouter& r = layers_[sz(l)];
    r.num_experts = E;
    r.top_k = c.top_k > 0 ? c.top_k : config.num_experts_per_tok;
    r.top_p = c.top_p;
    r.min_experts = c.min_experts;
    r.max_experts = c.max_experts;
    r.renormalize = c.top_p > 0 ? !c.raw_weights : config.norm_topk_prob;
    r.beta_before_selection = c.rice_mode == RiceMode::kBeforeTopK;
    r.beta_renormalize = c.rice_renormalize;
  }
  if (c.rice_beta != 1.0)
    for (const auto& id : c.rice) {
      auto& beta = layers_[sz(id.layer)].beta;
      if (beta.empty()) beta.assign(sz(E), 1.0f);
      beta[sz(id.expert)] = static_cast<float>(c.rice_beta);
    }
  for (const auto& id : c.mask) {
    auto& flags = c.mask_mode == MaskMode::kExclude ? layers_[sz(id.layer)].excluded : layers_[sz(id.layer)].zeroed;
    if (flags.empty()) flags.assign(sz(E), 0);
    flags[sz(id.expert)] = 1;
  }
  for (int l = 0; l < config.num_layers; ++l) {
    const auto& ex = layers_[sz(l)].excluded;
    if (!ex.empty() && std::count(ex.begin(), ex.end(), 1) == E)
      throw RoutingError(fmt::format("expert mask: every expert of layer {} is excluded; at least one must remain", l));
  }
}

}  // namespace gauntlet::engine
