#pragma once
// Engine routing controls as the harness sees them: the `routing:` block of an engine model in a
// suite / tournament / self-play config, the canonical JSON stored in the model's fingerprint, the
// expert lists written by `gauntlet experts npmi --json` (usable as rice_from / --rice-from), and
// the compact per-sample routing aggregates stored when tracing is on.
//
//   routing:
//     top_k: 4                        # override the checkpoint's experts per token
//     top_p: 0.7                      # dynamic top-p routing; min_experts / max_experts clamp it
//     raw_weights: false              # top-p: keep raw probabilities
//     rice: "3:5,2:1"                 # or rice_from: experts.json (from `gauntlet experts npmi --json`)
//     rice_beta: 64
//     rice_mode: after_topk           # or before_topk
//     rice_renormalize: true
//     expert_mask: "0:3"
//     mask_mode: exclude              # or zero
//     trace: true                     # store routing aggregates with every sample
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/routing.h"

namespace gauntlet::harness {

class MapReader;

// Reads `key` (a mapping) into canonical JSON (null when absent); errors name file:line:key.
// rice_from is resolved against the config file's folder and its experts inlined.
nlohmann::json read_routing_block(MapReader& parent, const std::string& key, const std::filesystem::path& base);

// Canonical JSON → engine controls (trace is not a control).
engine::RoutingControls routing_controls(const nlohmann::json& routing);
bool routing_trace_enabled(const nlohmann::json& routing);
// The canonical JSON without "trace" (what changes outputs; for fingerprints).
nlohmann::json routing_fingerprint(const nlohmann::json& routing);

// The (layer, expert) pairs of an `experts npmi --json` file (its "experts" array, in order; the
// first `top` when top > 0). Throws UsageError naming the file and what is wrong.
std::vector<engine::ExpertId> read_expert_file(const std::filesystem::path& path, int top = 0);

// Compact aggregates of a routing trace: mean experts per token overall and per MoE layer, and each
// layer's expert load histogram (selections per expert).
nlohmann::json routing_summary(const std::vector<engine::PositionRoutes>& trace, int num_experts);
// The full trace as [[{"layer","experts","weights"}...]...].
nlohmann::json routing_trace_json(const std::vector<engine::PositionRoutes>& trace);

}  // namespace gauntlet::harness
