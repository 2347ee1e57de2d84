// End-to-end checks of `gauntlet ratings`: JSON shape and order, text leaderboard, seeds, errors.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
