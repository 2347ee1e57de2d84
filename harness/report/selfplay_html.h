#pragma once
// The HTML section of a self-play run for `report --html`: one table row per finished step from its
// stored statistics (selfplay_steps.stats_json): proposals valid / total with the reject reasons,
// solve rate and buffer size per task type, tokens, sandbox executions and wall time.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

std::string render_selfplay_html_section(const std::string& run, const std::vector<nlohmann::json>& steps);

}  // namespace gauntlet::harness
