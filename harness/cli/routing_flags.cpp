#include "harness/cli/routing_flags.h"

#include <fmt/format.h>

#include "harness/errors/errors.h"
#include "harness/clients/routing_config.h"

namespace gauntlet::harness {

void RoutingFlags::add_to(CLI::App& c) {
  c.add_option("--router-top-k", top_k, "Experts per token instead of the checkpoint's");
  c.add_option("--router-top-p", top_p, "Dynamic top-p routing: experts until their probability mass exceeds P");
  c.add_option("--router-min-experts", min_experts, "Top-p: at least this many experts (default 1)");
  c.add_option("--router-max-experts", max_experts, "Top-p: at most this many experts (default all)");
  c.add_flag("--router-raw-weights", raw_weights, "Top-p: keep raw probabilities (no renormalisation)");
  c.add_option("--rice", rice, "RICE-steered experts, LAYER:EXPERT,...");
  c.add_option("--rice-from", rice_from, "RICE experts from `gauntlet experts npmi --json` output");
  c.add_option("--rice-top", rice_top, "With --rice-from: only the first N experts");
  c.add_option("--rice-beta", rice_beta, "RICE factor on the steered experts' routing weight (paper: 64)");
  c.add_option("--rice-mode", rice_mode, "after_topk (default) or before_topk")
      ->check(CLI::IsMember({"after_topk", "before_topk"}));
  c.add_flag("--rice-no-renormalize", rice_no_renormalize, "Multiply the final weight (no renormalisation)");
  c.add_option("--expert-mask", expert_mask, "Masked experts, LAYER:EXPERT,...");
  c.add_option("--mask-mode", mask_mode, "exclude (default: never routed) or zero (routed, output zeroed)")
      ->check(CLI::IsMember({"exclude", "zero"}));
}

std::optional<engine::RoutingControls> RoutingFlags::controls() const {
  const bool any = top_k != 0 || top_p != 0 || min_experts != 0 || max_experts != 0 || raw_weights || !rice.empty() ||
                   !rice_from.empty() || rice_top != 0 || rice_beta != 0 || !rice_mode.empty() || rice_no_renormalize ||
                   !expert_mask.empty() || !mask_mode.empty();
  if (!any) return std::nullopt;
  engine::RoutingControls c;
  if (top_k < 0) throw UsageError(fmt::format("--router-top-k {}: must be >= 1", top_k));
  c.top_k = top_k;
  if (top_p != 0 && !(top_p > 0 && top_p <= 1))
    throw UsageError(fmt::format("--router-top-p {}: must be in (0, 1]", top_p));
  if (top_p == 0 && (min_experts != 0 || max_experts != 0 || raw_weights))
    throw UsageError("--router-min-experts, --router-max-experts and --router-raw-weights apply only with --router-top-p");
  if (top_p != 0 && top_k != 0) throw UsageError("give --router-top-k or --router-top-p, not both");
  c.top_p = top_p;
  if (min_experts < 0) throw UsageError(fmt::format("--router-min-experts {}: must be >= 1", min_experts));
  if (min_experts > 0) c.min_experts = min_experts;
  if (max_experts < 0) throw UsageError(fmt::format("--router-max-experts {}: must be >= 1", max_experts));
  c.max_experts = max_experts;
  c.raw_weights = raw_weights;

  if (!rice.empty() && !rice_from.empty()) throw UsageError("give --rice or --rice-from, not both");
  if (rice_top != 0 && rice_from.empty()) throw UsageError("--rice-top applies only with --rice-from");
  if (rice_top < 0) throw UsageError(fmt::format("--rice-top {}: must be >= 1", rice_top));
  try {
    if (!rice.empty()) c.rice = engine::parse_expert_list(rice, "--rice");
    if (!expert_mask.empty()) c.mask = engine::parse_expert_list(expert_mask, "--expert-mask");
  } catch (const engine::RoutingError& e) {
    throw UsageError(e.what());
  }
  if (!rice_from.empty()) c.rice = read_expert_file(rice_from, rice_top);
  const bool rice_options = rice_beta != 0 || !rice_mode.empty() || rice_no_renormalize;
  if (c.rice.empty() && rice_options) throw UsageError("--rice-beta, --rice-mode and --rice-no-renormalize need --rice or --rice-from");
  if (!c.rice.empty()) {
    if (rice_beta == 0) throw UsageError("--rice needs --rice-beta (the paper uses 64 for two experts)");
    if (!(rice_beta > 0)) throw UsageError(fmt::format("--rice-beta {}: must be > 0", rice_beta));
    c.rice_beta = rice_beta;
    if (!rice_mode.empty()) c.rice_mode = engine::parse_rice_mode(rice_mode);
    c.rice_renormalize = !rice_no_renormalize;
  }
  if (!mask_mode.empty() && c.mask.empty()) throw UsageError("--mask-mode needs --expert-mask");
  if (!mask_mode.empty()) c.mask_mode = engine::parse_mask_mode(mask_mode);
  return c;
}

}  // namespace gauntlet::harness
