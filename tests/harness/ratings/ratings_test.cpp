// Bradley-Terry fit, bootstrap CIs, anchoring, online Elo, W/D/L matrix, multi-player decomposition,
// the battles reader and the ratings renderers.
#include "harness/ratings/ratings.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>

#include "harness/ratings/battle_reader.h"
#include "harness/errors/errors.h"
#include "harness/ratings/ratings_report.h"

namespace gauntlet::harness {
namespace {

using W = Battle::Winner;

Battle battle(const std::string& a, const std::string& b, W w, std::int64_t group = -1) {
  Battle bt;
  bt.a = a;
  bt.b = b;
  bt.winner = w;
  bt.group = group;
  return bt;
}

void add(std::vector<Battle>& out, const std::string& a, const std::string& b, W w, int times) {
  for (int i = 0; i < times; ++i) out.push_back(battle(a, b, w));
}

// A seeded round-robin league: every ordered pair plays `games_per_side` games. Outcomes follow the
// Bradley-Terry curve in expectation (draw = half), with draws more likely between close players.
std::vector<Battle> simulate_league(const std::vector<std::pair<std::string, double>>& truth, int games_per_side,
                                    std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Battle> out;
  for (int round = 0; round < games_per_side; ++round)
    for (const auto& [a, ra] : truth)
      for (const auto& [b, rb] : truth) {
        if (a == b) continue;
        double e = expected_score(ra - rb);
        double draw = 0.3 * 4.0 * e * (1.0 - e);      // up to 30% draws between equals
        double win_given_decisive = (e - draw / 2.0) / (1.0 - draw);
        double x = u(rng);
        W w = x < draw ? W::kTie : (u(rng) < win_given_decisive ? W::kA : W::kB);
        out.push_back(battle(a, b, w));
      }
  return out;
}

const std::vector<std::pair<std::string, double>> kTruth = {
    {"p1", 1300}, {"p2", 1200}, {"p3", 1100}, {"p4", 1000}, {"p5", 900}, {"p6", 750}};

TEST(Ratings, SyntheticLeagueRecoversOrderAndRatings) {
  auto battles = simulate_league(kTruth, 200, 42);  // 6000 games
  std::int64_t draws = 0;
  for (const auto& b : battles) draws += b.winner == W::kTie;
  ASSERT_GT(draws, 500);

  RatingOptions o;
  o.anchor = RatingAnchor{"p4", 1000.0};
  o.bootstrap = 200;
  o.seed = 7;
  auto table = compute_ratings(battles, o);
  ASSERT_EQ(table.players.size(), kTruth.size());
  EXPECT_EQ(table.bootstrap, 200);
  int covered = 0;
  for (std::size_t i = 0; i < kTruth.size(); ++i) {
    const auto& p = table.players[i];
    EXPECT_EQ(p.player, kTruth[i].first) << "rank " << i + 1;  // order recovered
    EXPECT_NEAR(p.rating, kTruth[i].second, 35.0) << p.player;
    EXPECT_EQ(p.games, 2 * 200 * 5);
    EXPECT_EQ(p.wins + p.draws + p.losses, p.games);
    EXPECT_LE(p.ci95.first, p.rating);
    EXPECT_GE(p.ci95.second, p.rating);
    covered += p.ci95.first <= kTruth[i].second && kTruth[i].second <= p.ci95.second;
  }
  EXPECT_GE(covered, 4);  // 95% intervals: most contain the truth
  EXPECT_DOUBLE_EQ(table.players[3].rating, 1000.0);
  EXPECT_DOUBLE_EQ(table.players[3].ci95.first, 1000.0);  // the anchor has no uncertainty
}

TEST(Ratings, TwoPlayerMleMatchesClosedForm) {
  std::vector<Battle> b;
  add(b, "a", "b", W::kA, 30);
  add(b, "a", "b", W::kB, 10);
  auto r = fit_bradley_terry(b, {});
  EXPECT_NEAR(r["a"] - r["b"], 400.0 * std::log10(3.0), 0.5);
  EXPECT_NEAR((r["a"] + r["b"]) / 2.0, 1000.0, 1e-9);  // mean anchored at 1000

  // Draws count half a win each way: 20 wins, 20 draws, 0 losses == score 30 of 40.
  std::vector<Battle> d;
  add(d, "a", "b", W::kA, 20);
  add(d, "b", "a", W::kTie, 20);
  auto rd = fit_bradley_terry(d, {});
  EXPECT_NEAR(rd["a"] - rd["b"], 400.0 * std::log10(3.0), 0.5);
}

TEST(Ratings, AlwaysDrawingPlayersAreEqual) {
  std::vector<Battle> b;
  add(b, "x", "y", W::kTie, 50);
  add(b, "y", "x", W::kTie, 50);
  auto table = compute_ratings(b, RatingOptions{});
  ASSERT_EQ(table.players.size(), 2U);
  EXPECT_NEAR(table.players[0].rating, 1000.0, 1e-9);
  EXPECT_NEAR(table.players[1].rating, 1000.0, 1e-9);
  EXPECT_EQ(table.players[0].draws, 100);
  EXPECT_EQ(table.players[0].wins, 0);

  // In a league, a player who always draws with a mid-table player sits next to it.
  auto league = simulate_league(kTruth, 50, 3);
  add(league, "twin", "p3", W::kTie, 300);
  auto r = fit_bradley_terry(league, {});
  EXPECT_NEAR(r["twin"], r["p3"], 5.0);
}

TEST(Ratings, UnbeatenAndWinlessPlayersStayFinite) {
  std::vector<Battle> b;
  add(b, "champ", "mid1", W::kA, 10);
  add(b, "mid2", "champ", W::kB, 10);
  add(b, "mid1", "mid2", W::kA, 6);
  add(b, "mid1", "mid2", W::kB, 6);
  add(b, "mid1", "loser", W::kA, 10);
  add(b, "loser", "mid2", W::kB, 10);
  RatingOptions o;
  o.bootstrap = 100;
  auto table = compute_ratings(b, o);
  ASSERT_EQ(table.players.front().player, "champ");
  ASSERT_EQ(table.players.back().player, "loser");
  for (const auto& p : table.players) {
    EXPECT_TRUE(std::isfinite(p.rating)) << p.player;
    EXPECT_TRUE(std::isfinite(p.ci95.first) && std::isfinite(p.ci95.second)) << p.player;
    EXPECT_LE(p.ci95.first, p.rating);
    EXPECT_GE(p.ci95.second, p.rating);
  }
  auto r = fit_bradley_terry(b, {});
  EXPECT_GT(r["champ"] - r["mid1"], 300.0);    // clearly stronger...
  EXPECT_LT(r["champ"] - r["mid1"], 2000.0);   // ...but finite and bounded by the tiny prior
  EXPECT_NEAR(r["mid1"], r["mid2"], 1.0);      // symmetric data -> symmetric ratings
  EXPECT_NEAR(r["champ"] - r["mid1"], r["mid2"] - r["loser"], 1.0);

  // A single unbeaten pair (no other information at all) also stays finite.
  std::vector<Battle> one;
  add(one, "a", "b", W::kA, 3);
  auto r1 = fit_bradley_terry(one, {});
  EXPECT_TRUE(std::isfinite(r1["a"]));
  EXPECT_GT(r1["a"], r1["b"]);
}

TEST(Ratings, DisconnectedGroupsStayFinite) {
  std::vector<Battle> b;
  add(b, "a", "b", W::kA, 5);
  add(b, "a", "b", W::kB, 5);
  add(b, "c", "d", W::kA, 9);
  add(b, "c", "d", W::kB, 3);
  auto r = fit_bradley_terry(b, {});
  for (const auto& [p, v] : r) EXPECT_TRUE(std::isfinite(v)) << p;
  EXPECT_NEAR(r["a"], r["b"], 1e-6);
  EXPECT_GT(r["c"], r["d"]);
}

TEST(Ratings, AnchorShiftsWithoutChangingDifferences) {
  auto battles = simulate_league(kTruth, 30, 11);
  auto mean = fit_bradley_terry(battles, {});
  double sum = 0.0;
  for (const auto& [p, v] : mean) sum += v;
  EXPECT_NEAR(sum / static_cast<double>(mean.size()), 1000.0, 1e-6);

  RatingOptions o;
  o.anchor = RatingAnchor{"p6", 1114.0};
  auto anchored = fit_bradley_terry(battles, o);
  EXPECT_DOUBLE_EQ(anchored["p6"], 1114.0);
  for (const auto& [p, v] : mean) EXPECT_NEAR(anchored[p] - anchored["p6"], v - mean["p6"], 1e-6) << p;

  o.anchor = RatingAnchor{"nobody", 1000.0};
  EXPECT_THROW(compute_ratings(battles, o), std::invalid_argument);
}

TEST(Ratings, BootstrapIsReproducibleForASeed) {
  auto battles = simulate_league(kTruth, 20, 5);
  RatingOptions o;
  o.bootstrap = 100;
  o.seed = 123;
  o.threads = 1;
  auto t1 = compute_ratings(battles, o);
  o.threads = 4;  // thread count must not matter
  auto t2 = compute_ratings(battles, o);
  ASSERT_EQ(t1.players.size(), t2.players.size());
  for (std::size_t i = 0; i < t1.players.size(); ++i) {
    EXPECT_EQ(t1.players[i].player, t2.players[i].player);
    EXPECT_EQ(t1.players[i].rating, t2.players[i].rating);
    EXPECT_EQ(t1.players[i].ci95, t2.players[i].ci95);
  }
  o.seed = 124;
  auto t3 = compute_ratings(battles, o);
  bool differs = false;
  for (std::size_t i = 0; i < t1.players.size(); ++i) {
    EXPECT_EQ(t1.players[i].rating, t3.players[i].rating);  // the point estimate does not depend on the seed
    differs = differs || t1.players[i].ci95 != t3.players[i].ci95;
  }
  EXPECT_TRUE(differs);
}

TEST(Ratings, CiContainsEstimateAndNarrowsWithMoreGames) {
  RatingOptions o;
  o.bootstrap = 200;
  auto small = compute_ratings(simulate_league(kTruth, 10, 9), o);
  auto large = compute_ratings(simulate_league(kTruth, 160, 9), o);
  double w_small = 0.0, w_large = 0.0;
  for (const auto& p : small.players) {
    EXPECT_LE(p.ci95.first, p.rating);
    EXPECT_GE(p.ci95.second, p.rating);
    EXPECT_LT(p.ci95.first, p.ci95.second);
    w_small += p.ci95.second - p.ci95.first;
  }
  for (const auto& p : large.players) w_large += p.ci95.second - p.ci95.first;
  EXPECT_LT(w_large * 2.5, w_small);  // 16x the games: about 4x narrower

  o.bootstrap = 0;
  auto none = compute_ratings(simulate_league(kTruth, 10, 9), o);
  for (const auto& p : none.players) EXPECT_EQ(p.ci95.first, p.ci95.second);
}

TEST(Ratings, GroupedBattlesAreResampledTogether) {
  // 40 four-player matches with a fixed finishing order, each decomposed into 6 battles.
  std::vector<Battle> b;
  for (int m = 0; m < 40; ++m) {
    std::vector<std::pair<std::string, double>> scores = {{"a", 4.0}, {"b", 3.0}, {"c", 2.0}, {"d", 1.0}};
    if (m % 3 == 0) std::swap(scores[0].second, scores[1].second);  // b wins some
    if (m % 4 == 0) std::swap(scores[2].second, scores[3].second);
    if (m % 5 == 0) scores[1].second = scores[2].second;             // a tie
    auto battles = decompose_multiplayer(scores, m);
    b.insert(b.end(), battles.begin(), battles.end());
  }
  RatingOptions o;
  o.bootstrap = 100;
  auto grouped = compute_ratings(b, o);
  for (auto& bt : b) bt.group = -1;
  auto loose = compute_ratings(b, o);
  EXPECT_EQ(grouped.players.front().player, "a");
  EXPECT_EQ(grouped.players.back().player, "d");
  for (std::size_t i = 0; i < grouped.players.size(); ++i) {
    EXPECT_DOUBLE_EQ(grouped.players[i].rating, loose.players[i].rating);  // groups only affect the CIs
    EXPECT_EQ(grouped.players[i].games, 3 * 40);
  }
}

TEST(Ratings, DecomposesAFourPlayerResult) {
  auto b = decompose_multiplayer({{"A", 30.0}, {"B", 10.0}, {"C", 30.0}, {"D", 0.0}}, 7);
  ASSERT_EQ(b.size(), 6U);
  auto expect = [&](std::size_t k, const char* a, const char* bb, W w) {
    EXPECT_EQ(b[k].a, a);
    EXPECT_EQ(b[k].b, bb);
    EXPECT_EQ(b[k].winner, w) << a << " vs " << bb;
    EXPECT_EQ(b[k].group, 7);
  };
  expect(0, "A", "B", W::kA);
  expect(1, "A", "C", W::kTie);
  expect(2, "A", "D", W::kA);
  expect(3, "B", "C", W::kB);
  expect(4, "B", "D", W::kA);
  expect(5, "C", "D", W::kA);
  EXPECT_EQ(decompose_multiplayer({{"x", 1.0}, {"y", 2.0}}).size(), 1U);
  EXPECT_THROW(decompose_multiplayer({{"x", 1.0}, {"x", 2.0}}), std::invalid_argument);
}

TEST(Ratings, OnlineEloBasics) {
  RatingOptions o;  // K = 4, start 1000
  auto r = online_elo({battle("a", "b", W::kA)}, o);
  EXPECT_DOUBLE_EQ(r["a"], 1002.0);
  EXPECT_DOUBLE_EQ(r["b"], 998.0);
  auto d = online_elo({battle("a", "b", W::kTie)}, o);
  EXPECT_DOUBLE_EQ(d["a"], 1000.0);

  o.elo_k = 32.0;
  auto league = simulate_league(kTruth, 100, 21);
  auto elo = online_elo(league, o);
  double sum = 0.0;
  for (const auto& [p, v] : elo) sum += v;
  EXPECT_NEAR(sum / static_cast<double>(elo.size()), 1000.0, 1e-6);  // zero-sum updates
  EXPECT_GT(elo["p1"], elo["p4"]);
  EXPECT_GT(elo["p4"], elo["p6"]);

  // Order dependence: the same multiset in another order gives other ratings.
  std::vector<Battle> wins_first, losses_first;
  add(wins_first, "a", "b", W::kA, 5);
  add(wins_first, "a", "b", W::kB, 5);
  add(losses_first, "a", "b", W::kB, 5);
  add(losses_first, "a", "b", W::kA, 5);
  EXPECT_LT(online_elo(wins_first, o)["a"], 1000.0);
  EXPECT_GT(online_elo(losses_first, o)["a"], 1000.0);

  o.method = RatingMethod::kOnlineElo;
  o.bootstrap = 50;
  auto table = compute_ratings(league, o);
  EXPECT_EQ(table.players.front().player, "p1");
  for (const auto& p : table.players) EXPECT_LE(p.ci95.first, p.ci95.second);
}

TEST(Ratings, WdlMatrixMirrors) {
  std::vector<Battle> b = {battle("a", "b", W::kA), battle("b", "a", W::kA), battle("a", "b", W::kTie),
                           battle("c", "a", W::kB)};
  auto m = wdl_matrix(b);
  ASSERT_EQ(m.players, (std::vector<std::string>{"a", "b", "c"}));
  const WdlCell& ab = m.cells[0][1];
  EXPECT_EQ(ab.wins, 1);
  EXPECT_EQ(ab.draws, 1);
  EXPECT_EQ(ab.losses, 1);
  EXPECT_EQ(m.cells[1][0].wins, 1);
  EXPECT_EQ(m.cells[0][2].wins, 1);
  EXPECT_EQ(m.cells[2][0].losses, 1);
  EXPECT_EQ(m.cells[1][2].games(), 0);
  auto table = compute_ratings(b, RatingOptions{});
  for (const auto& p : table.players)
    if (p.player == "a") {
      EXPECT_EQ(p.wins, 2);
      EXPECT_EQ(p.draws, 1);
      EXPECT_EQ(p.losses, 1);
      EXPECT_EQ(p.games, 4);
    }
}

// An independent fit of the same penalised Bradley-Terry model by Hunter's minorization-maximization
// (each player also has prior/2 virtual wins and losses against a fixed reference of strength 1),
// run for many cheap iterations; returns mean-anchored Elo ratings by name.
std::map<std::string, double> mm_reference(const std::vector<Battle>& battles, double prior, int iterations) {
  std::map<std::string, int> id;
  for (const auto& b : battles) {
    id.emplace(b.a, 0);
    id.emplace(b.b, 0);
  }
  int n = 0;
  for (auto& [name, i] : id) i = n++;
  std::vector<double> wins(static_cast<std::size_t>(n), prior / 2);
  std::map<std::pair<int, int>, double> games;
  for (const auto& b : battles) {
    int i = id[b.a], j = id[b.b];
    double sa = b.winner == W::kA ? 1.0 : b.winner == W::kB ? 0.0 : 0.5;
    wins[static_cast<std::size_t>(i)] += sa;
    wins[static_cast<std::size_t>(j)] += 1.0 - sa;
    games[std::minmax(i, j)] += 1.0;
  }
  std::vector<double> gamma(static_cast<std::size_t>(n), 1.0), denom(static_cast<std::size_t>(n));
  for (int it = 0; it < iterations; ++it) {
    for (int i = 0; i < n; ++i) denom[static_cast<std::size_t>(i)] = prior / (gamma[static_cast<std::size_t>(i)] + 1.0);
    for (const auto& [pair, count] : games) {
      auto i = static_cast<std::size_t>(pair.first), j = static_cast<std::size_t>(pair.second);
      double d = count / (gamma[i] + gamma[j]);
      denom[i] += d;
      denom[j] += d;
    }
    for (std::size_t i = 0; i < gamma.size(); ++i) gamma[i] = wins[i] / denom[i];
  }
  std::map<std::string, double> out;
  double sum = 0.0;
  for (const auto& [name, i] : id) sum += out[name] = 400.0 * std::log10(gamma[static_cast<std::size_t>(i)]);
  for (auto& [name, r] : out) r += 1000.0 - sum / static_cast<double>(n);
  return out;
}

// The sparse Newton fit lands on the same maximiser as an independent method, to a hundredth of an
// Elo, on a dense league and on a sparse one with unbeaten and winless players.
TEST(Ratings, MatchesAnIndependentMmFit) {
  std::mt19937_64 rng(5);
  std::vector<Battle> dense = simulate_league(kTruth, 20, 9);
  std::vector<Battle> sparse;
  for (int k = 0; k < 60; ++k) {
    int i = static_cast<int>(rng() % 40), j = static_cast<int>(rng() % 40);
    if (i == j) continue;
    W w = i < j ? W::kA : (rng() % 4 == 0 ? W::kTie : W::kB);  // lower index wins unless it is the later one
    sparse.push_back(battle("p" + std::to_string(i), "p" + std::to_string(j), w));
  }
  for (const auto* battles : {&dense, &sparse}) {
    RatingOptions o;
    auto fit = fit_bradley_terry(*battles, o);
    auto reference = mm_reference(*battles, o.prior_draws, 200000);
    ASSERT_EQ(fit.size(), reference.size());
    for (const auto& [name, r] : fit) EXPECT_NEAR(r, reference[name], 0.01) << name;
  }
}

// Many players: every bootstrap refit is cheap (the fit grows with the battles); the point estimates
// do not depend on the bootstrap.
TEST(Ratings, FiveHundredPlayersBootstrapQuickly) {
  std::mt19937_64 rng(11);
  std::vector<double> skill(500);
  for (auto& s : skill) s = std::normal_distribution<double>(0.0, 1.0)(rng);
  std::vector<Battle> battles;
  for (int k = 0; k < 3000; ++k) {
    auto i = static_cast<std::size_t>(rng() % 500), j = static_cast<std::size_t>(rng() % 500);
    if (i == j) continue;
    double p = 1.0 / (1.0 + std::exp(skill[j] - skill[i]));
    double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    battles.push_back(battle("p" + std::to_string(i), "p" + std::to_string(j),
                             std::abs(u - p) < 0.05 ? W::kTie : u < p ? W::kA : W::kB));
  }
  RatingOptions o;
  o.bootstrap = 200;
  const auto start = std::chrono::steady_clock::now();
  auto table = compute_ratings(battles, o);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(table.bootstrap, 200);
  auto point = fit_bradley_terry(battles, o);
  for (const auto& p : table.players) {
    EXPECT_DOUBLE_EQ(p.rating, point[p.player]);
    EXPECT_LE(p.ci95.first, p.rating);
    EXPECT_GE(p.ci95.second, p.rating);
  }
}

TEST(Ratings, RejectsBadInput) {
  EXPECT_THROW(compute_ratings({}, RatingOptions{}), std::invalid_argument);
  EXPECT_THROW(compute_ratings({battle("a", "a", W::kA)}, RatingOptions{}), std::invalid_argument);
  EXPECT_THROW(compute_ratings({battle("", "a", W::kA)}, RatingOptions{}), std::invalid_argument);
}

TEST(BattleReader, ReadsBothSpellingsAndNamesBadLines) {
  std::istringstream in(
      "{\"a\":\"x\",\"b\":\"y\",\"winner\":\"a\"}\n"
      "\n"
      "{\"model_a\":\"y\",\"model_b\":\"z\",\"winner\":\"model_b\",\"question_id\":\"q1\"}\n"
      "{\"model_a\":\"x\",\"model_b\":\"z\",\"winner\":\"tie (bothbad)\",\"group\":3}\n"
      "{\"a\":\"x\",\"b\":\"z\",\"winner\":\"tie\",\"group\":\"m1\"}\n");
  auto b = read_battles_jsonl(in, "f.jsonl");
  ASSERT_EQ(b.size(), 4U);
  EXPECT_EQ(b[0].winner, W::kA);
  EXPECT_EQ(b[1].a, "y");
  EXPECT_EQ(b[1].winner, W::kB);
  EXPECT_EQ(b[2].winner, W::kTie);
  EXPECT_EQ(b[2].group, 3);
  EXPECT_GE(b[3].group, 0);

  auto error_of = [](const std::string& text) {
    std::istringstream s(text);
    try {
      read_battles_jsonl(s, "f.jsonl");
    } catch (const DatasetError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string ok = "{\"a\":\"x\",\"b\":\"y\",\"winner\":\"b\"}\n";
  EXPECT_NE(error_of(ok + "{\"a\":\"x\",\"b\":\"y\",\"winner\":\"c\"}\n").find("f.jsonl:2:"), std::string::npos);
  EXPECT_NE(error_of(ok + ok + "not json\n").find("f.jsonl:3: not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"a\":\"x\",\"winner\":\"a\"}\n").find("f.jsonl:1: missing \"b\""), std::string::npos);
  EXPECT_NE(error_of("{\"a\":\"x\",\"b\":\"x\",\"winner\":\"a\"}\n").find("against itself"), std::string::npos);
  EXPECT_NE(error_of("{\"a\":\"x\",\"b\":\"y\"}\n").find("missing \"winner\""), std::string::npos);
  EXPECT_NE(error_of("[1,2]\n").find("f.jsonl:1: expected a JSON object"), std::string::npos);
  // Issue 21: a winner nested 66,000 deep crashed printing it; now the line is refused as it is read,
  // and a merely odd winner is printed briefly.
  const std::string deep = std::string(66000, '[') + std::string(66000, ']');
  EXPECT_EQ(error_of(ok + "{\"a\":\"x\",\"b\":\"y\",\"winner\":" + deep + "}\n"),
            "f.jsonl:2: nested deeper than 128 levels (the limit)");
  auto odd = error_of("{\"a\":\"x\",\"b\":\"y\",\"winner\":\"" + std::string(5000, 'w') + "\"}\n");
  EXPECT_NE(odd.find("got \"www"), std::string::npos) << odd;
  EXPECT_LT(odd.size(), 300u);
}

TEST(RatingsReport, TextJsonAndHtml) {
  std::vector<Battle> b;
  add(b, "strong<1>", "weak", W::kA, 8);
  add(b, "strong<1>", "weak", W::kTie, 2);
  add(b, "weak", "strong<1>", W::kA, 1);
  RatingOptions o;
  o.bootstrap = 50;
  auto table = compute_ratings(b, o);
  auto wdl = wdl_matrix(b);
  auto desc = describe_ratings(o, table.bootstrap);
  EXPECT_NE(desc.find("Bradley-Terry"), std::string::npos);
  EXPECT_NE(desc.find("50 resamples"), std::string::npos);

  auto text = render_ratings_text(table, wdl, desc);
  EXPECT_NE(text.find("strong<1>"), std::string::npos);
  EXPECT_NE(text.find("8-2-1"), std::string::npos);  // strong's record against weak
  EXPECT_NE(text.find("1-2-8"), std::string::npos);

  auto j = render_ratings_json(table);
  ASSERT_EQ(j.size(), 1U);
  ASSERT_TRUE(j["ratings"].is_array());
  EXPECT_EQ(j["ratings"][0]["player"], "strong<1>");
  EXPECT_EQ(j["ratings"][0]["ci95"].size(), 2U);
  EXPECT_EQ(j["ratings"][0]["games"], 11);

  auto html = render_ratings_html(table, wdl, desc, "t");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("strong&lt;1&gt;"), std::string::npos);
  EXPECT_EQ(html.find("strong<1>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // no external resources
  EXPECT_EQ(html, render_ratings_html(table, wdl, desc, "t"));               // deterministic
}

}  // namespace
}  // namespace gauntlet::harness
