#pragma once
// Head-to-head ratings: Bradley-Terry maximum likelihood with bootstrap CIs, online Elo, W/D/L
// matrices, and the pairwise decomposition of multi-player results.
//
// Contract
// - Input is a list of Battles (two players, one outcome). Everything else -- a JSONL file, a
//   tournament database, a multi-player match -- is turned into Battles first, so any source of
//   games only has to produce a std::vector<Battle>.
// - Bradley-Terry: P(a beats b) = 1 / (1 + base^((R_b - R_a) / scale)), base 10, scale 400, so rating
//   differences are in Elo units. A draw counts as half a win for each side (the FastChat/LMSYS
//   convention). The fit maximises the log-likelihood by Newton's method, each connected group of
//   players on its own, the Newton systems solved by preconditioned conjugate gradients over the
//   pairs that met (so a fit costs about O(battles) per step, never O(players^3)), with a capped,
//   backtracking step; 1,000 players and 20,000 battles with 1,000 resamples take seconds. To keep
//   it finite for unbeaten or winless players (and for disconnected groups of players) every player
//   also plays `prior_draws` virtual draws (default 0.01 games in total) against a fixed
//   virtual opponent. That prior is tiny next to any real game count, so connected, well-sampled
//   data are fitted essentially exactly (bias well under 0.1 Elo), while a player who won all of n
//   games gets a large but finite rating (about scale * log10(2n / prior_draws) above its opponents).
// - Anchoring: ratings are shifted so that a named player has a fixed rating, or, without an
//   anchor, so that the mean over all players is `init_rating` (1000).
// - 95% CIs: percentile bootstrap over resampling units (battles, or whole groups of battles that
//   share a `group` id, e.g. the pairwise battles of one multi-player match), drawn with replacement,
//   `bootstrap` resamples, deterministic for `seed` (independent of thread count). Each resample is
//   refitted and anchored the same way; a player's interval uses only the resamples in which it
//   played; with a named anchor, resamples without the anchor player are skipped. The interval is
//   widened to contain the full-data estimate when the percentile interval misses it (possible for
//   very skewed cases such as unbeaten players). A player whose resamples all gave the same rating
//   (e.g. one pair of seat-swapped games: one unit) has no interval (has_ci false), never a point
//   presented as certainty; with bootstrap == 0 nobody has one. RatingTable::warnings says when a
//   league has too few independent units to rate with confidence.
// - Online Elo (option): ratings start at init_rating and are updated battle by battle in input
//   order with R += K * (S - E); K defaults to 4 like the LMSYS arena's online Elo (meant for many
//   thousands of battles; use a larger K, e.g. 16-32, for small tournaments). Online Elo depends on
//   the order of the battles: use it as a live indicator, Bradley-Terry for the leaderboard. The same
//   anchoring and bootstrap apply (a resample is a reordered multiset of battles).
// - Deterministic: same battles, options and seed -> identical results.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gauntlet::harness {

struct Battle {
  enum class Winner { kA, kB, kTie };
  std::string a;
  std::string b;
  Winner winner = Winner::kTie;
  // Bootstrap unit: battles with the same non-negative group are resampled together (the pairwise
  // battles of one multi-player match, or the two colour-swapped games of a pair). -1: on its own.
  std::int64_t group = -1;
};

struct RatingAnchor {
  std::string player;
  double rating = 1000.0;
};

enum class RatingMethod { kBradleyTerry, kOnlineElo };

struct RatingOptions {
  RatingMethod method = RatingMethod::kBradleyTerry;
  double base = 10.0;
  double scale = 400.0;
  double init_rating = 1000.0;        // mean rating when no anchor is given; online Elo start value
  std::optional<RatingAnchor> anchor; // a named player fixed at a rating
  int bootstrap = 1000;               // resamples for the 95% CI (0: no CI)
  std::uint64_t seed = 1;
  double elo_k = 4.0;                 // online Elo K factor
  // Bradley-Terry fit
  double prior_draws = 0.01;          // virtual draws per player against a fixed reference (see above)
  double tolerance = 1e-10;           // stop when the largest Newton step is below this (natural-log units)
  int max_iterations = 200;
  int threads = 0;                    // bootstrap worker threads; 0 = hardware concurrency
};

struct PlayerRating {
  std::string player;
  double rating = 0.0;
  std::pair<double, double> ci95{0.0, 0.0};
  // false: no interval can be given (no bootstrap, or every resample gave this player the same
  // rating: too few independent games); ci95 is then {rating, rating} and renderers show "—" / null.
  bool has_ci = true;
  std::int64_t games = 0;
  std::int64_t wins = 0;
  std::int64_t draws = 0;
  std::int64_t losses = 0;
};

// Sorted by rating descending (ties by player name).
struct RatingTable {
  std::vector<PlayerRating> players;
  int bootstrap = 0;  // resamples actually used (the anchor player may be missing from some)
  std::size_t units = 0;  // independent resampling units (single battles, or groups)
  // Why the league is too small to rate with confidence (fewer than kMinRatingUnits units; players
  // without an interval), one sentence each; empty when none applies.
  std::vector<std::string> warnings;
};

inline constexpr std::size_t kMinRatingUnits = 10;

// W/D/L per ordered pair: cell(i, j) is player i's record against player j (so cell(j, i) mirrors it).
struct WdlCell {
  std::int64_t wins = 0;
  std::int64_t draws = 0;
  std::int64_t losses = 0;
  std::int64_t games() const { return wins + draws + losses; }
};
struct WdlMatrix {
  std::vector<std::string> players;        // row/column order
  std::vector<std::vector<WdlCell>> cells; // [row][column]
};

// Full pipeline: point estimates (BT or online Elo), anchoring, bootstrap CIs, W/D/L counts.
// Throws std::invalid_argument for an empty list, a battle of a player against itself, an empty
// name, or an anchor player that never played.
RatingTable compute_ratings(const std::vector<Battle>& battles, const RatingOptions& options);

// Point estimates only, anchored; player -> rating.
std::map<std::string, double> fit_bradley_terry(const std::vector<Battle>& battles, const RatingOptions& options);
std::map<std::string, double> online_elo(const std::vector<Battle>& battles, const RatingOptions& options);

// W/D/L matrix with players in the given order (default: sorted by name).
WdlMatrix wdl_matrix(const std::vector<Battle>& battles, std::vector<std::string> players = {});

// Pairwise decomposition of one multi-player result: for every pair of players (in input order),
// the one with the higher final score wins and equal scores are a tie. All battles get `group`, so
// the bootstrap resamples the whole match as one unit. Two players give one battle.
std::vector<Battle> decompose_multiplayer(const std::vector<std::pair<std::string, double>>& final_scores,
                                          std::int64_t group = -1);

// Expected score of a against b for a rating difference (R_a - R_b) under the options' base/scale.
double expected_score(double rating_difference, const RatingOptions& options = {});

}  // namespace gauntlet::harness
