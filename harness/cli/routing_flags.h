#pragma once
// The routing-control flags shared by engine commands (`gauntlet generate`, `gauntlet experts`):
// --router-top-k, --router-top-p [--router-min-experts --router-max-experts --router-raw-weights],
// --rice L:E,... | --rice-from FILE [--rice-top N], --rice-beta, --rice-mode, --rice-no-renormalize,
// --expert-mask L:E,... [--mask-mode]. controls() validates their combination (UsageError naming
// the flag); ranges against the model are checked when the engine builds its RoutingPlan.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "engine/routing.h"

namespace gauntlet::harness {

struct RoutingFlags {
  int top_k = 0;
  double top_p = 0;
  int min_experts = 0;
  int max_experts = 0;
  bool raw_weights = false;
  std::string rice;
  std::string rice_from;
  int rice_top = 0;
  double rice_beta = 0;
  std::string rice_mode;
  bool rice_no_renormalize = false;
  std::string expert_mask;
  std::string mask_mode;

  void add_to(CLI::App& command);
  // nullopt when no routing flag was given (the checkpoint's own router).
  std::optional<engine::RoutingControls> controls() const;
};

}  // namespace gauntlet::harness
