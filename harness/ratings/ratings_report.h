#pragma once
// Renders a RatingTable and its W/D/L matrix as text, JSON or HTML (for `gauntlet ratings` and the
// `gauntlet report` integration). Pure functions: identical input gives identical output.
#include <string>

#include <nlohmann/json.hpp>

#include "harness/ratings/ratings.h"

namespace gauntlet::harness {

// One line describing the method, e.g. "Bradley-Terry MLE (base 10, scale 400), mean rating 1000,
// 95% CI: percentile bootstrap, 1000 resamples, seed 1".
std::string describe_ratings(const RatingOptions& options, int bootstrap_used);

// Leaderboard (rank, player, rating, 95% CI, games, W/D/L) followed by the W/D/L matrix (rows
// against columns, in leaderboard order; cells "w-d-l").
std::string render_ratings_text(const RatingTable& table, const WdlMatrix& wdl, const std::string& description);

// {"ratings":[{"player","rating","ci95":[lo,hi],"games","wins","draws","losses"}]} in table order; ci95
// is null for a player without an interval (the table's warnings say why; callers print them apart).
nlohmann::ordered_json render_ratings_json(const RatingTable& table);

// An HTML fragment (<section>s: leaderboard table, inline-SVG CI chart, W/D/L matrix) with its own
// scoped CSS, to embed in a report; no scripts or external resources.
std::string render_ratings_html_section(const RatingTable& table, const WdlMatrix& wdl, const std::string& description);
// A complete self-contained HTML5 document around the fragment.
std::string render_ratings_html(const RatingTable& table, const WdlMatrix& wdl, const std::string& description,
                                const std::string& title);

}  // namespace gauntlet::harness
