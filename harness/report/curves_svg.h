#pragma once
// Budget / variant curves (report/curves.h) as HTML: per group a table and SVG scatter plots of
// accuracy against mean thinking tokens, mean wall time per sample and (routing variants) mean
// experts per token; every point carries both CIs as error bars and its label. Hand-written SVG,
// valid XML, labels escaped, output a pure function of the groups (same input, same bytes).
#include <string>
#include <vector>

#include "harness/report/curves.h"

namespace gauntlet::harness {

enum class CurveAxis { kThinkingTokens, kLatency, kExpertsPerToken };

// One plot: accuracy (y, 0..1) against `axis` (x); a point without a value on that axis (no
// routing summary) is left out. "" when no point has one.
std::string render_curve_svg(const CurveGroup& group, CurveAxis axis);

// "<section><h2>Budget / variant curves</h2>…</section>\n" for the HTML report; "" when no groups.
std::string render_curves_html_section(const std::vector<CurveGroup>& groups);

}  // namespace gauntlet::harness
