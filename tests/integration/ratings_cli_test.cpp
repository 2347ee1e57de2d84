// End-to-end checks of `gauntlet ratings`: JSON shape and order, text leaderboard, seeds, errors.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;

std::string line(const std::string& a, const std::string& b, const std::string& winner) {
  return "{\"a\":\"" + a + "\",\"b\":\"" + b + "\",\"winner\":\"" + winner + "\"}\n";
}

// strong > mid > weak, with draws, in both spellings.
std::string battles_file() {
  std::string s;
  for (int i = 0; i < 30; ++i) {
    s += line("strong", "mid", i % 5 == 0 ? "b" : "a");
    s += line("mid", "weak", i % 4 == 0 ? "tie" : "a");
    s += "{\"model_a\":\"weak\",\"model_b\":\"strong\",\"winner\":\"" +
         std::string(i % 10 == 0 ? "tie (bothbad)" : "model_b") + "\"}\n";
  }
  return s;
}

TEST(RatingsCli, JsonShapeAndOrder) {
  TempDir dir;
  dir.write("b.jsonl", battles_file());
  auto r = run_command(kBinary + " ratings --battles " + dir.file("b.jsonl") + " --bootstrap 200 --seed 3 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_object());
  ASSERT_EQ(j.size(), 1U);
  const auto& list = j.at("ratings");
  ASSERT_EQ(list.size(), 3U);
  std::vector<std::string> names;
  double sum = 0.0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i];
    names.push_back(e.at("player").get<std::string>());
    ASSERT_TRUE(e.at("rating").is_number());
    ASSERT_TRUE(e.at("ci95").is_array());
    ASSERT_EQ(e.at("ci95").size(), 2U);
    EXPECT_LE(e["ci95"][0].get<double>(), e["rating"].get<double>());
    EXPECT_GE(e["ci95"][1].get<double>(), e["rating"].get<double>());
    EXPECT_EQ(e.at("games").get<int>(), 60);
    if (i > 0) {
      EXPECT_GE(list[i - 1]["rating"].get<double>(), e["rating"].get<double>());
    }
    sum += e["rating"].get<double>();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"strong", "mid", "weak"}));
  EXPECT_NEAR(sum / 3.0, 1000.0, 1e-6);

  // Same seed: identical output; another seed: other intervals, same point estimates.
  auto again = run_command(kBinary + " ratings --battles " + dir.file("b.jsonl") + " --bootstrap 200 --seed 3 --json");
  EXPECT_EQ(again.out, r.out);
  auto other = run_command(kBinary + " ratings --battles " + dir.file("b.jsonl") + " --bootstrap 200 --seed 4 --json");
  EXPECT_NE(other.out, r.out);

  auto anchored = run_command(kBinary + " ratings --battles " + dir.file("b.jsonl") + " --anchor weak=800 --json");
  ASSERT_EQ(anchored.exit_code, 0) << anchored.err;
  auto ja = nlohmann::json::parse(anchored.out);
  EXPECT_DOUBLE_EQ(ja["ratings"][2]["rating"].get<double>(), 800.0);

  auto elo = run_command(kBinary + " ratings --battles " + dir.file("b.jsonl") + " --elo --elo-k 16 --json");
  ASSERT_EQ(elo.exit_code, 0) << elo.err;
  EXPECT_EQ(nlohmann::json::parse(elo.out)["ratings"][0]["player"], "strong");
}

TEST(RatingsCli, TextLeaderboardAndHtml) {
  TempDir dir;
  dir.write("b.jsonl", battles_file());
  auto r = run_command(kBinary + " ratings --battles " + dir.file("b.jsonl") + " --bootstrap 50 --html " +
                       dir.file("r.html"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Bradley-Terry"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("95% CI"), std::string::npos);
  EXPECT_NE(r.out.find("W-D-L"), std::string::npos);
  EXPECT_LT(r.out.find("strong"), r.out.find("weak"));
  auto html = read_file(dir.file("r.html"));
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("strong"), std::string::npos);
}

TEST(RatingsCli, ErrorsExitTwo) {
  TempDir dir;
  dir.write("bad.jsonl", line("a", "b", "a") + "{\"a\":\"a\",\"b\":\"b\",\"winner\":\"draw\"}\n");
  auto bad = run_command(kBinary + " ratings --battles " + dir.file("bad.jsonl"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.jsonl:2:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("winner"), std::string::npos) << bad.err;

  dir.write("empty.db", "");  // an empty file is an empty SQLite database
  auto db = run_command(kBinary + " ratings --db " + dir.file("empty.db"));
  EXPECT_EQ(db.exit_code, 2);
  EXPECT_NE(db.err.find("no tournament matches in DB"), std::string::npos) << db.err;

  EXPECT_EQ(run_command(kBinary + " ratings --db " + dir.file("missing.db")).exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " ratings").exit_code, 2);
  dir.write("b.jsonl", battles_file());
  EXPECT_EQ(run_command(kBinary + " ratings --battles " + dir.file("b.jsonl") + " --anchor nobody=1000").exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " ratings --battles " + dir.file("b.jsonl") + " --anchor weak=abc").exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " ratings --battles " + dir.file("missing.jsonl")).exit_code, 2);
}

// Issue 21: ratings scale. 1,000 players and 20,000 battles with the default 1,000 bootstrap
// resamples in under a minute on two cores (before: a dense Newton fit per resample, cubic in the
// players: 200 players took 7 s and 867 about 35 minutes).
TEST(RatingsCli, ThousandPlayersTwentyThousandBattlesWithinAMinute) {
  TempDir dir;
  std::mt19937_64 rng(7);
  std::vector<double> skill(1000);
  for (auto& s : skill) s = std::normal_distribution<double>(0.0, 1.0)(rng);
  std::string text;
  for (int k = 0; k < 20000; ++k) {
    auto i = static_cast<std::size_t>(k < 1000 ? k : rng() % 1000);
    auto j = static_cast<std::size_t>(k < 1000 ? (k + 1) % 1000 : rng() % 1000);
    if (i == j) j = (j + 1) % 1000;
    double p = 1.0 / (1.0 + std::exp(skill[j] - skill[i]));
    double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    text += line("p" + std::to_string(i), "p" + std::to_string(j), std::abs(u - p) < 0.05 ? "tie" : u < p ? "a" : "b");
  }
  dir.write("big.jsonl", text);
  const auto start = std::chrono::steady_clock::now();
  auto r = run_command(kBinary + " ratings --battles " + dir.file("big.jsonl") + " --json");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(seconds, 60.0);
  auto list = nlohmann::json::parse(r.out).at("ratings");
  ASSERT_EQ(list.size(), 1000u);
  for (const auto& e : list) {
    EXPECT_LE(e.at("ci95")[0].get<double>(), e.at("rating").get<double>());
    EXPECT_GE(e.at("ci95")[1].get<double>(), e.at("rating").get<double>());
  }
  std::cout << "1,000 players, 20,000 battles, 1,000 resamples: " << seconds << " s\n";
}

}  // namespace
