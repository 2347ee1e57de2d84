#pragma once
// MoE routing controls (per request, or as engine defaults) and the router that applies them to one
// token's router logits. With every control off the router is the checkpoint's own:
//   p = softmax(logits) over all experts → top-k → renormalise iff norm_topk_prob.
// Controls, in the order they act:
//   mask exclude   listed experts get logit −∞: never selected, their mass goes to the others.
//   RICE before    the selection score of a listed expert is β·p (it can enter the top-k).
//   top-k          override the config's k; or
//   top-p          sort by score, keep the smallest prefix whose cumulative (normalised) score
//                  exceeds p — the expert that crosses p included — clamped to [min, max] experts.
//   weights        the kept experts' p; β multiplies a listed expert's weight in both RICE modes.
//                  renormalisation: top-p renormalises unless raw_weights, top-k iff norm_topk_prob.
//                  rice_renormalize: boost, then rescale the kept set to its unboosted total; off:
//                  β multiplies the final weight.
//   mask zero      listed experts are routed as usual but contribute nothing (their weight is lost).
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/model/config.h"

namespace gauntlet::engine {

// A routing control that does not fit the model (expert out of range, p outside (0, 1], ...).
class RoutingError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct ExpertId {
  int layer = 0;
  int expert = 0;
  friend bool operator==(const ExpertId&, const ExpertId&) = default;
};

enum class RiceMode { kAfterTopK, kBeforeTopK };
enum class MaskMode { kExclude, kZero };

struct RoutingControls {
  int top_k = 0;                  // > 0: experts per token instead of the config's
  double top_p = 0;               // in (0, 1]: dynamic top-p routing; 0: off (top-k)
  int min_experts = 1;            // top-p clamp
  int max_experts = 0;            // top-p clamp; 0: every expert
  bool raw_weights = false;       // top-p: keep raw probabilities (no renormalisation)
  std::vector<ExpertId> rice;     // RICE-steered experts
  double rice_beta = 1.0;
  RiceMode rice_mode = RiceMode::kAfterTopK;
  bool rice_renormalize = true;
  std::vector<ExpertId> mask;     // masked experts
  MaskMode mask_mode = MaskMode::kExclude;

  bool is_default() const;        // every control off: the checkpoint's own router
};

// "L:E,L:E" → pairs; throws RoutingError naming the bad item.
std::vector<ExpertId> parse_expert_list(const std::string& text, const std::string& what);
RiceMode parse_rice_mode(const std::string& text);  // after_topk | before_topk
MaskMode parse_mask_mode(const std::string& text);  // exclude | zero
std::string to_string(RiceMode mode);
std::string to_string(MaskMode mode);

// How one MoE layer routes: the controls resolved against the model.
struct LayerRouter {
  int num_experts = 0;
  int top_k = 0;
  double top_p = 0;               // 0: top-k
  int min_experts = 1;
  int max_experts = 0;            // resolved (<= num_experts)
  bool renormalize = true;        // final weights sum to 1 over the kept set
  std::vector<float> beta;        // [E] RICE factors, empty when none in this layer
  bool beta_before_selection = false;
  bool beta_renormalize = true;
  std::vector<std::uint8_t> excluded;  // [E], empty when none
  std::vector<std::uint8_t> zeroed;    // [E], empty when none
  bool is_zeroed(int e) const { return !zeroed.empty() && zeroed[static_cast<std::size_t>(e)]; }
};

struct Route {
  int expert = 0;
  float weight = 0;
};

// What the router did for one position in one MoE layer (a routing trace entry).
struct LayerRoute {
  int layer = 0;
  std::vector<int> experts;     // selection order
  std::vector<float> weights;   // final mixture weights (a zero-masked expert keeps its weight)
};
using PositionRoutes = std::vector<LayerRoute>;  // one entry per MoE layer, in layer order

// Scratch reused across tokens (no allocation per token once sized).
struct RouterScratch {
  std::vector<float> prob;
  std::vector<float> score;
  std::vector<int> order;
};

// Routes one token: logits [E] → `out` (cleared), kept experts in selection order (highest score
// first, ties to the lower index).
void route_token(std::span<const float> logits, const LayerRouter& router, RouterScratch& scratch,
                 std::vector<Route>& out);

// Per-layer routers for a model; validates the controls (RoutingError names the bad value).
class RoutingPlan {
 public:
  RoutingPlan() = default;
  RoutingPlan(const RoutingControls& controls, const ModelConfig& config);
  const LayerRouter& layer(int layer) const { return layers_[static_cast<std::size_t>(layer)]; }
  bool empty() const { return layers_.empty(); }

 private:
  std::vector<LayerRouter> layers_;  // indexed by layer (dense layers hold an unused default)
};

}  // namespace gauntlet::engine
