#include "harness/ratings/ratings.h"

#include "harness/stats/metrics.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

namespace gauntlet::harness {

namespace {

// ---- players and aggregated data ----

// Players sorted by name, battles as index pairs with A's score (1, 0.5, 0).
struct Indexed {
  std::vector<std::string> players;
  std::vector<int> a, b;
  std::vector<double> score_a;
  // Unordered pairs (i < j) that met, and per battle the pair it belongs to.
  std::vector<std::pair<int, int>> pairs;
  std::vector<int> pair_of;
  // Resampling units: lists of battle indices.
  std::vector<std::vector<int>> units;
};

double score_of(Battle::Winner w) {
  switch (w) {
    case Battle::Winner::kA: return 1.0;
    case Battle::Winner::kB: return 0.0;
    case Battle::Winner::kTie: return 0.5;
  }
  return 0.5;
}

Indexed index_battles(const std::vector<Battle>& battles) {
  if (battles.empty()) throw std::invalid_argument("ratings: no battles");
  Indexed x;
  for (std::size_t k = 0; k < battles.size(); ++k) {
    const Battle& bt = battles[k];
    if (bt.a.empty() || bt.b.empty())
      throw std::invalid_argument("ratings: battle " + std::to_string(k + 1) + " has an empty player name");
    if (bt.a == bt.b)
      throw std::invalid_argument("ratings: battle " + std::to_string(k + 1) + " is '" + bt.a + "' against itself");
    x.players.push_back(bt.a);
    x.players.push_back(bt.b);
  }
  std::sort(x.players.begin(), x.players.end());
  x.players.erase(std::unique(x.players.begin(), x.players.end()), x.players.end());
  std::unordered_map<std::string, int> id;
  for (std::size_t i = 0; i < x.players.size(); ++i) id[x.players[i]] = static_cast<int>(i);

  std::map<std::pair<int, int>, int> pair_id;
  std::map<std::int64_t, int> group_unit;
  for (std::size_t k = 0; k < battles.size(); ++k) {
    const Battle& bt = battles[k];
    int i = id[bt.a], j = id[bt.b];
    x.a.push_back(i);
    x.b.push_back(j);
    x.score_a.push_back(score_of(bt.winner));
    auto key = std::minmax(i, j);
    auto [it, inserted] = pair_id.emplace(std::make_pair(key.first, key.second), static_cast<int>(x.pairs.size()));
    if (inserted) x.pairs.emplace_back(key.first, key.second);
    x.pair_of.push_back(it->second);
    if (bt.group < 0) {
      x.units.push_back({static_cast<int>(k)});
    } else {
      auto [g, fresh] = group_unit.emplace(bt.group, static_cast<int>(x.units.size()));
      if (fresh) x.units.emplace_back();
      x.units[static_cast<std::size_t>(g->second)].push_back(static_cast<int>(k));
    }
  }
  return x;
}

// Per unordered pair (i < j): games n and i's score s (wins + draws / 2).
struct PairCounts {
  std::vector<double> n, s;
};

void add_battle(const Indexed& x, int k, PairCounts& c) {
  auto ku = static_cast<std::size_t>(k);
  auto p = static_cast<std::size_t>(x.pair_of[ku]);
  c.n[p] += 1.0;
  // Score from the viewpoint of the pair's lower index.
  c.s[p] += x.a[ku] == x.pairs[p].first ? x.score_a[ku] : 1.0 - x.score_a[ku];
}

// ---- Bradley-Terry by truncated Newton, one connected component at a time ----

double log_sigmoid(double z) { return z >= 0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z)); }
double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  double e = std::exp(z);
  return e / (1.0 + e);
}

// The games of one connected component of the players who met, in local player indices. The
// log-likelihood is a sum over components (the prior ties each player only to the fixed reference),
// so each is fitted on its own: small components finish in a few cheap steps, and no step costs more
// than its own component's games.
struct Component {
  std::vector<int> players;                // local index -> player
  std::vector<std::pair<int, int>> edges;  // local (i, j) of a pair that met
  std::vector<double> n, s;                // per edge: games, i's score
};

// Components of the pairs with games, over the present players (union-find, path halving).
std::vector<Component> split_components(const Indexed& x, const PairCounts& c, const std::vector<char>& present) {
  const std::size_t P = x.players.size();
  std::vector<int> parent(P);
  for (std::size_t i = 0; i < P; ++i) parent[i] = static_cast<int>(i);
  auto find = [&](int i) {
    while (parent[static_cast<std::size_t>(i)] != i) {
      parent[static_cast<std::size_t>(i)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(i)])];
      i = parent[static_cast<std::size_t>(i)];
    }
    return i;
  };
  for (std::size_t p = 0; p < x.pairs.size(); ++p)
    if (c.n[p] > 0.0) parent[static_cast<std::size_t>(find(x.pairs[p].first))] = find(x.pairs[p].second);
  std::vector<int> component_of(P, -1), local(P, -1);
  std::vector<Component> out;
  for (std::size_t i = 0; i < P; ++i) {
    if (!present[i]) continue;
    auto root = static_cast<std::size_t>(find(static_cast<int>(i)));
    if (component_of[root] < 0) {
      component_of[root] = static_cast<int>(out.size());
      out.emplace_back();
    }
    Component& k = out[static_cast<std::size_t>(component_of[root])];
    local[i] = static_cast<int>(k.players.size());
    k.players.push_back(static_cast<int>(i));
  }
  for (std::size_t p = 0; p < x.pairs.size(); ++p) {
    if (c.n[p] == 0.0) continue;
    auto a = static_cast<std::size_t>(x.pairs[p].first), b = static_cast<std::size_t>(x.pairs[p].second);
    Component& k = out[static_cast<std::size_t>(component_of[static_cast<std::size_t>(find(static_cast<int>(a)))])];
    k.edges.emplace_back(local[a], local[b]);
    k.n.push_back(c.n[p]);
    k.s.push_back(c.s[p]);
  }
  return out;
}

// Log-likelihood in natural-log strength units theta (P(i beats j) = sigmoid(theta_i - theta_j)) plus
// the prior: `prior` virtual draws per player against a fixed opponent at theta = 0.
double log_likelihood(const Component& k, const std::vector<double>& theta, double prior) {
  double ll = 0.0;
  for (std::size_t e = 0; e < k.edges.size(); ++e) {
    double d = theta[static_cast<std::size_t>(k.edges[e].first)] - theta[static_cast<std::size_t>(k.edges[e].second)];
    double lp = log_sigmoid(d);                 // log P(i wins)
    ll += k.s[e] * lp + (k.n[e] - k.s[e]) * (lp - d);  // log P(j wins) = log_sigmoid(-d) = lp - d
  }
  for (double t : theta) ll += prior * (log_sigmoid(t) - 0.5 * t);  // 0.5 (log_sigmoid(t) + log_sigmoid(-t))
  return ll;
}

// The Hessian of the negated objective, kept sparse: a weighted graph Laplacian plus the prior on the
// diagonal. Products cost O(games + players), so a fit grows with the battles, not with the cube of
// the players as a dense factorisation does.
struct SparseHessian {
  std::vector<double> diagonal;  // [players]
  std::vector<double> weights;   // [edges] n * q * (1 - q)

  void multiply(const Component& k, const std::vector<double>& x, std::vector<double>& y) const {
    for (std::size_t v = 0; v < x.size(); ++v) y[v] = diagonal[v] * x[v];
    for (std::size_t e = 0; e < k.edges.size(); ++e) {
      auto i = static_cast<std::size_t>(k.edges[e].first), j = static_cast<std::size_t>(k.edges[e].second);
      y[i] -= weights[e] * x[j];
      y[j] -= weights[e] * x[i];
    }
  }
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Solves H x = g (H symmetric positive definite) by conjugate gradients preconditioned with H's
// diagonal, until the residual is below `relative` * |g| or after `max_iterations`; x starts at 0,
// so every iterate is an ascent direction for the gradient g.
void conjugate_gradient(const Component& k, const SparseHessian& h, const std::vector<double>& g, double relative,
                        int max_iterations, std::vector<double>& x) {
  const std::size_t n = g.size();
  std::vector<double> inverse_diagonal(n), r = g, z(n), p(n), hp(n);
  for (std::size_t v = 0; v < n; ++v) inverse_diagonal[v] = h.diagonal[v] > 0.0 ? 1.0 / h.diagonal[v] : 1.0;
  x.assign(n, 0.0);
  for (std::size_t v = 0; v < n; ++v) z[v] = inverse_diagonal[v] * r[v];
  p = z;
  double rz = dot(r, z);
  const double target = relative * relative * dot(g, g);
  for (int it = 0; it < max_iterations && dot(r, r) > target; ++it) {
    h.multiply(k, p, hp);
    const double php = dot(p, hp);
    if (!(php > 0.0)) break;  // numerically singular direction: keep what we have
    const double alpha = rz / php;
    for (std::size_t v = 0; v < n; ++v) {
      x[v] += alpha * p[v];
      r[v] -= alpha * hp[v];
      z[v] = inverse_diagonal[v] * r[v];
    }
    const double rz_next = dot(r, z);
    const double beta = rz_next / rz;
    rz = rz_next;
    for (std::size_t v = 0; v < n; ++v) p[v] = z[v] + beta * p[v];
  }
}

// Maximises the penalised log-likelihood of one component; theta (local) is the starting point and
// the result. Each Newton system is solved by conjugate gradients, more exactly as the gradient
// shrinks; the step is capped, then halved until the objective does not decrease. The objective is
// strictly concave, so this reaches the same unique maximiser as an exact Newton method.
void newton_fit(const Component& k, double prior, const RatingOptions& o, std::vector<double>& theta) {
  const std::size_t n = theta.size();
  SparseHessian h;
  h.weights.resize(k.edges.size());
  h.diagonal.resize(n);
  std::vector<double> g(n), step(n), trial(n);
  const int cg_iterations = static_cast<int>(std::min<std::size_t>(4 * n + 50, 5000));
  double ll = log_likelihood(k, theta, prior);
  for (int iter = 0; iter < o.max_iterations; ++iter) {
    std::fill(g.begin(), g.end(), 0.0);
    std::fill(h.diagonal.begin(), h.diagonal.end(), 0.0);
    for (std::size_t e = 0; e < k.edges.size(); ++e) {
      auto i = static_cast<std::size_t>(k.edges[e].first), j = static_cast<std::size_t>(k.edges[e].second);
      double q = sigmoid(theta[i] - theta[j]);
      double r = k.s[e] - k.n[e] * q;  // d ll / d theta_i
      double w = k.n[e] * q * (1.0 - q);
      g[i] += r;
      g[j] -= r;
      h.diagonal[i] += w;
      h.diagonal[j] += w;
      h.weights[e] = w;
    }
    for (std::size_t v = 0; v < n; ++v) {
      double q = sigmoid(theta[v]);
      g[v] += prior * (0.5 - q);
      h.diagonal[v] += prior * q * (1.0 - q);
    }
    double gmax = 0.0;
    for (double gv : g) gmax = std::max(gmax, std::abs(gv));
    if (gmax < 1e-14) return;
    // Forcing term: loose far from the optimum, tight near it (superlinear convergence).
    const double relative = std::clamp(std::sqrt(std::sqrt(dot(g, g))), 1e-12, 0.1);
    conjugate_gradient(k, h, g, relative, cg_iterations, step);
    // Where the likelihood is nearly flat (a player who won or lost everything) the Newton step is
    // huge; no player moves more than kMaxStep natural-log units (about 700 Elo) per iteration, so
    // the ratings stay where the curvature is still representable.
    constexpr double kMaxStep = 4.0;
    double step_max = 0.0;
    for (double sv : step) step_max = std::max(step_max, std::abs(sv));
    double t = step_max > kMaxStep ? kMaxStep / step_max : 1.0, largest = 0.0;
    bool improved = false;
    for (int half = 0; half < 60; ++half, t *= 0.5) {
      for (std::size_t v = 0; v < n; ++v) trial[v] = theta[v] + t * step[v];
      largest = t * step_max;
      double trial_ll = log_likelihood(k, trial, prior);
      if (trial_ll >= ll - 1e-12 * std::abs(ll)) {
        theta.swap(trial);
        ll = trial_ll;
        improved = true;
        break;
      }
    }
    if (!improved || largest < o.tolerance) return;
  }
}

// Fits every component of the present players; absent players get 0. theta (by player) is the
// starting point and the result.
void fit_bradley_terry_mle(const Indexed& x, const PairCounts& c, const std::vector<char>& present,
                           const RatingOptions& o, std::vector<double>& theta) {
  const double prior = std::max(o.prior_draws, 1e-12);
  for (std::size_t i = 0; i < theta.size(); ++i)
    if (!present[i]) theta[i] = 0.0;
  std::vector<double> local;
  for (const Component& k : split_components(x, c, present)) {
    local.resize(k.players.size());
    for (std::size_t v = 0; v < local.size(); ++v) local[v] = theta[static_cast<std::size_t>(k.players[v])];
    newton_fit(k, prior, o, local);
    for (std::size_t v = 0; v < local.size(); ++v) theta[static_cast<std::size_t>(k.players[v])] = local[v];
  }
}

// ---- anchoring ----

// Shifts present players' ratings (Elo units) so the anchor player has its rating, or the mean is
// init_rating. Returns false when the named anchor is not present.
bool anchor_ratings(const Indexed& x, const std::vector<char>& present, const RatingOptions& o,
                    std::vector<double>& rating) {
  double shift = 0.0;
  std::size_t anchor_index = 0;
  if (o.anchor) {
    auto it = std::lower_bound(x.players.begin(), x.players.end(), o.anchor->player);
    if (it == x.players.end() || *it != o.anchor->player) return false;
    auto i = static_cast<std::size_t>(it - x.players.begin());
    if (!present[i]) return false;
    shift = o.anchor->rating - rating[i];
    anchor_index = i;
  } else {
    double sum = 0.0;
    int count = 0;
    for (std::size_t i = 0; i < rating.size(); ++i)
      if (present[i]) {
        sum += rating[i];
        ++count;
      }
    if (count == 0) return false;
    shift = o.init_rating - sum / count;
  }
  for (std::size_t i = 0; i < rating.size(); ++i)
    if (present[i]) rating[i] += shift;
  if (o.anchor) rating[anchor_index] = o.anchor->rating;  // exactly, without rounding noise
  return true;
}

// Fits one data set (the full data or a resample): `order` lists battle indices (with repeats).
// theta_start: warm start for BT (natural-log units), updated in place. Returns Elo-unit ratings.
std::vector<double> fit_once(const Indexed& x, const std::vector<int>& order, const RatingOptions& o,
                             std::vector<double>& theta_start, std::vector<char>& present) {
  const std::size_t P = x.players.size();
  present.assign(P, 0);
  for (int k : order) {
    present[static_cast<std::size_t>(x.a[static_cast<std::size_t>(k)])] = 1;
    present[static_cast<std::size_t>(x.b[static_cast<std::size_t>(k)])] = 1;
  }
  std::vector<double> rating(P, 0.0);
  if (o.method == RatingMethod::kOnlineElo) {
    std::fill(rating.begin(), rating.end(), o.init_rating);
    for (int k : order) {
      auto ku = static_cast<std::size_t>(k);
      auto i = static_cast<std::size_t>(x.a[ku]), j = static_cast<std::size_t>(x.b[ku]);
      double e = expected_score(rating[i] - rating[j], o);
      double delta = o.elo_k * (x.score_a[ku] - e);
      rating[i] += delta;
      rating[j] -= delta;
    }
  } else {
    PairCounts c{std::vector<double>(x.pairs.size(), 0.0), std::vector<double>(x.pairs.size(), 0.0)};
    for (int k : order) add_battle(x, k, c);
    fit_bradley_terry_mle(x, c, present, o, theta_start);
    const double to_elo = o.scale / std::log(o.base);
    for (std::size_t i = 0; i < P; ++i) rating[i] = theta_start[i] * to_elo;
  }
  if (!anchor_ratings(x, present, o, rating)) rating.clear();
  return rating;
}

std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

void check_options(const RatingOptions& o) {
  if (!(o.base > 1.0)) throw std::invalid_argument("ratings: base must be > 1");
  if (!(o.scale > 0.0)) throw std::invalid_argument("ratings: scale must be > 0");
  if (o.bootstrap < 0) throw std::invalid_argument("ratings: bootstrap must be >= 0");
  if (!(o.elo_k > 0.0)) throw std::invalid_argument("ratings: Elo K must be > 0");
  if (!(o.prior_draws >= 0.0)) throw std::invalid_argument("ratings: prior_draws must be >= 0");
}

std::vector<int> all_battles(const Indexed& x) {
  std::vector<int> order(x.a.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  return order;
}

std::map<std::string, double> point_estimates(const std::vector<Battle>& battles, const RatingOptions& o) {
  check_options(o);
  Indexed x = index_battles(battles);
  std::vector<double> theta(x.players.size(), 0.0);
  std::vector<char> present;
  auto rating = fit_once(x, all_battles(x), o, theta, present);
  if (rating.empty()) throw std::invalid_argument("ratings: anchor player '" + o.anchor->player + "' never played");
  std::map<std::string, double> out;
  for (std::size_t i = 0; i < x.players.size(); ++i) out[x.players[i]] = rating[i];
  return out;
}

}  // namespace

double expected_score(double rating_difference, const RatingOptions& options) {
  return 1.0 / (1.0 + std::pow(options.base, -rating_difference / options.scale));
}

std::map<std::string, double> fit_bradley_terry(const std::vector<Battle>& battles, const RatingOptions& options) {
  RatingOptions o = options;
  o.method = RatingMethod::kBradleyTerry;
  return point_estimates(battles, o);
}

std::map<std::string, double> online_elo(const std::vector<Battle>& battles, const RatingOptions& options) {
  RatingOptions o = options;
  o.method = RatingMethod::kOnlineElo;
  return point_estimates(battles, o);
}

RatingTable compute_ratings(const std::vector<Battle>& battles, const RatingOptions& o) {
  check_options(o);
  Indexed x = index_battles(battles);
  const std::size_t P = x.players.size();
  std::vector<double> theta(P, 0.0);
  std::vector<char> present;
  const std::vector<double> estimate = fit_once(x, all_battles(x), o, theta, present);
  if (estimate.empty()) throw std::invalid_argument("ratings: anchor player '" + o.anchor->player + "' never played");

  // Bootstrap: resample r uses its own generator seeded from (seed, r), so results do not depend on
  // how resamples are spread over threads.
  const auto R = static_cast<std::size_t>(o.bootstrap);
  std::vector<std::vector<double>> samples(R);
  std::vector<std::vector<char>> sample_present(R);
  if (R > 0) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      std::vector<int> order;
      std::vector<double> warm;
      for (std::size_t r = next++; r < R; r = next++) {
        std::mt19937_64 rng(splitmix64(o.seed ^ splitmix64(static_cast<std::uint64_t>(r) + 1)));
        order.clear();
        for (std::size_t u = 0; u < x.units.size(); ++u) {
          const auto& unit = x.units[uniform_index(rng, x.units.size())];
          order.insert(order.end(), unit.begin(), unit.end());
        }
        warm = theta;  // warm start from the full-data fit
        samples[r] = fit_once(x, order, o, warm, sample_present[r]);
      }
    };
    unsigned threads = o.threads > 0 ? static_cast<unsigned>(o.threads) : std::max(1U, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, R));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }

  RatingTable table;
  for (std::size_t r = 0; r < R; ++r)
    if (!samples[r].empty()) ++table.bootstrap;

  WdlMatrix wdl = wdl_matrix(battles, x.players);
  for (std::size_t i = 0; i < P; ++i) {
    PlayerRating pr;
    pr.player = x.players[i];
    pr.rating = estimate[i];
    for (const auto& cell : wdl.cells[i]) {
      pr.wins += cell.wins;
      pr.draws += cell.draws;
      pr.losses += cell.losses;
    }
    pr.games = pr.wins + pr.draws + pr.losses;
    std::vector<double> values;
    for (std::size_t r = 0; r < R; ++r)
      if (!samples[r].empty() && sample_present[r][i]) values.push_back(samples[r][i]);
    if (values.empty() ||
        *std::max_element(values.begin(), values.end()) - *std::min_element(values.begin(), values.end()) < 1e-9) {
      pr.ci95 = {pr.rating, pr.rating};
      pr.has_ci = false;
    } else {
      std::sort(values.begin(), values.end());
      pr.ci95 = {std::min(pr.rating, sorted_quantile(values, 0.025)),
                 std::max(pr.rating, sorted_quantile(values, 0.975))};
    }
    table.players.push_back(std::move(pr));
  }
  std::stable_sort(table.players.begin(), table.players.end(), [](const PlayerRating& l, const PlayerRating& r) {
    if (l.rating != r.rating) return l.rating > r.rating;
    return l.player < r.player;
  });
  table.units = x.units.size();
  if (table.units < kMinRatingUnits)
    table.warnings.push_back(fmt::format(
        "too small to rate with confidence: {} independent game group{} (the seat rotations of a pairing, or one "
        "multi-player match, count as one group), fewer than {}; ratings and intervals are rough",
        table.units, table.units == 1 ? "" : "s", kMinRatingUnits));
  if (R > 0) {
    std::string missing;
    for (const auto& p : table.players)
      if (!p.has_ci) missing += (missing.empty() ? "" : ", ") + p.player;
    if (!missing.empty())
      table.warnings.push_back(fmt::format("no 95% interval for {}: every resample gave the same rating, too few "
                                           "independent games to say how uncertain it is",
                                           missing));
  }
  return table;
}

WdlMatrix wdl_matrix(const std::vector<Battle>& battles, std::vector<std::string> players) {
  if (players.empty()) {
    for (const auto& bt : battles) {
      players.push_back(bt.a);
      players.push_back(bt.b);
    }
    std::sort(players.begin(), players.end());
    players.erase(std::unique(players.begin(), players.end()), players.end());
  }
  std::unordered_map<std::string, std::size_t> id;
  for (std::size_t i = 0; i < players.size(); ++i) id.emplace(players[i], i);
  WdlMatrix m;
  m.cells.assign(players.size(), std::vector<WdlCell>(players.size()));
  for (const auto& bt : battles) {
    auto ia = id.find(bt.a), ib = id.find(bt.b);
    if (ia == id.end() || ib == id.end() || ia->second == ib->second) continue;
    WdlCell& ab = m.cells[ia->second][ib->second];
    WdlCell& ba = m.cells[ib->second][ia->second];
    switch (bt.winner) {
      case Battle::Winner::kA: ++ab.wins; ++ba.losses; break;
      case Battle::Winner::kB: ++ab.losses; ++ba.wins; break;
      case Battle::Winner::kTie: ++ab.draws; ++ba.draws; break;
    }
  }
  m.players = std::move(players);
  return m;
}

std::vector<Battle> decompose_multiplayer(const std::vector<std::pair<std::string, double>>& final_scores,
                                          std::int64_t group) {
  std::vector<Battle> out;
  for (std::size_t i = 0; i < final_scores.size(); ++i)
    for (std::size_t j = i + 1; j < final_scores.size(); ++j) {
      const auto& [a, sa] = final_scores[i];
      const auto& [b, sb] = final_scores[j];
      if (a == b) throw std::invalid_argument("decompose_multiplayer: player '" + a + "' listed twice");
      Battle bt;
      bt.a = a;
      bt.b = b;
      bt.winner = sa > sb ? Battle::Winner::kA : sb > sa ? Battle::Winner::kB : Battle::Winner::kTie;
      bt.group = group;
      out.push_back(std::move(bt));
    }
  return out;
}

}  // namespace gauntlet::harness
