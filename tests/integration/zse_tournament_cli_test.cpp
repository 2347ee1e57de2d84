// gauntlet tournament with all seven games end to end: bots, the toy model and the built-in judge
// offline (leaderboards of every game in report text, JSON and HTML; transcripts through
// `export --matches`); a model judge behind the OpenAI client against the fake server, whose
// failures make matches errors (exit 1) that the next run replays.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"

namespace {

using gauntlet::testing::FakeOpenAIServer;
using gauntlet::testing::FakeServerOptions;
using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;
const std::vector<std::string> kSeven = {"chess", "liars_dice", "poker", "mathquiz", "pyjail", "gandalf", "debate"};

TEST(ZseTournamentCli, AllSevenGamesRunOfflineAndReport) {
  TempDir dir;
  dir.write("t.yaml",
            "name: seven\nconcurrency: 2\nplayers:\n  - {name: heuristic, bot: heuristic}\n"
            "  - {name: random, bot: random}\n  - name: toy\n    model: {provider: toy}\n"
            "judges:\n  - {name: stats, bot: heuristic}\n"
            "games:\n  - game: chess\n    options: {max_plies: 40}\n    players: [random, toy]\n"
            "  - game: liars_dice\n  - game: poker\n    options: {hands: 2}\n  - game: mathquiz\n  - game: pyjail\n"
            "  - game: gandalf\n    options: {max_turns: 6}\n  - game: debate\n    judges: [stats]\n");
  auto r = run_command(kBinary + " tournament " + dir.file("t.yaml") + " --db " + dir.file("t.db") + " --no-progress");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("played"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("errors"), std::string::npos) << r.err;
  for (const auto& game : kSeven) EXPECT_NE(r.out.find("== " + game + " ("), std::string::npos) << game << "\n" << r.out;

  auto text = run_command(kBinary + " report --db " + dir.file("t.db"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const auto& game : kSeven) EXPECT_NE(text.out.find("== " + game + " ("), std::string::npos) << game;
  auto json = run_command(kBinary + " report --json --db " + dir.file("t.db"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  for (const auto& game : kSeven) EXPECT_TRUE(j["tournaments"].contains(game)) << game;
  ASSERT_EQ(run_command(kBinary + " report --db " + dir.file("t.db") + " --html " + dir.file("r.html")).exit_code, 0);
  auto html = read_file(dir.file("r.html"));
  for (const auto& game : kSeven) EXPECT_NE(html.find("Tournament: " + game), std::string::npos) << game;

  // Every match's transcript, as JSON lines.
  auto exported = run_command(kBinary + " export --db " + dir.file("t.db") + " --matches " + dir.file("m.jsonl"));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::istringstream lines(read_file(dir.file("m.jsonl")));
  std::set<std::string> games, ids;
  int referee_turns = 0;
  for (std::string line; std::getline(lines, line);) {
    auto m = nlohmann::json::parse(line);
    games.insert(m["game"].get<std::string>());
    ids.insert(m["id"].get<std::string>());
    ASSERT_FALSE(m["turns"].empty()) << m["id"];
    for (const auto& t : m["turns"]) {
      if (t["role"] == "referee") {
        ++referee_turns;
        EXPECT_TRUE(t["check"].contains("check"));
      } else if (t["player"] == "toy") {
        EXPECT_TRUE(t["messages"].is_array());
      }
    }
  }
  EXPECT_EQ(games, std::set<std::string>(kSeven.begin(), kSeven.end()));
  EXPECT_NE(exported.err.find("exported " + std::to_string(ids.size()) + " matches"), std::string::npos) << exported.err;
  EXPECT_GT(referee_turns, 0);
  auto both = run_command(kBinary + " export --db " + dir.file("t.db") + " --matches - --samples -");
  EXPECT_EQ(both.exit_code, 2);

  auto again = run_command(kBinary + " tournament " + dir.file("t.yaml") + " --db " + dir.file("t.db") + " --no-progress");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find(", 0 played"), std::string::npos) << again.err;
}

std::string judged_config(const std::string& url) {
  return "name: judged\nplayers:\n  - {name: a, bot: heuristic}\n  - {name: b, bot: heuristic}\n"
         "judges:\n  - name: judge\n    model:\n      base_url: " + url +
         "\n      model: fake-model\n      max_retries: 1\n      backoff_initial: 0.01\n      backoff_max: 0.02\n"
         "      timeout: 2\n      params: {temperature: 0}\n"
         "games:\n  - game: debate\n    rounds: 2\n    judges: [judge]\n    options: {rebuttal_rounds: 0}\n";
}

TEST(ZseTournamentCli, ModelJudgeFailuresAreReplayed) {
  TempDir dir;
  {
    FakeServerOptions down;
    down.script = "judge";
    down.fault_rate = 1.0;
    down.fault_attempts = 1000;
    down.faults = {"500"};
    FakeOpenAIServer server(down);
    server.start();
    dir.write("t.yaml", judged_config(server.base_url()));
    auto r = run_command(kBinary + " tournament " + dir.file("t.yaml") + " --db " + dir.file("t.db") + " --no-progress");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("(0 forfeits, 4 errors)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("rerun the same command to replay only those"), std::string::npos) << r.err;
  }
  FakeServerOptions up;
  up.script = "judge";
  FakeOpenAIServer server(up);
  server.start();
  dir.write("t.yaml", judged_config(server.base_url()));
  auto r = run_command(kBinary + " tournament " + dir.file("t.yaml") + " --db " + dir.file("t.db") + " --no-progress");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("4 matches planned, 0 already done, 4 played (0 forfeits)"), std::string::npos) << r.err;
  EXPECT_EQ(server.stats()["completed"], 4);  // one judgement per match, each a fresh request
  auto exported = run_command(kBinary + " export --db " + dir.file("t.db") + " --matches -");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::istringstream lines(exported.out);
  int judged = 0;
  for (std::string line; std::getline(lines, line);) {
    auto m = nlohmann::json::parse(line);
    EXPECT_EQ(m["status"], "finished");
    EXPECT_EQ(m["result"]["replay"], 1);
    auto judgement = nlohmann::json::parse(m["result"]["final_state"].get<std::string>())["judgement"];
    EXPECT_EQ(judgement["judges"][0]["judge"], "judge");
    EXPECT_EQ(judgement["judges"][0]["reasoning"], "scripted judge");
    ++judged;
  }
  EXPECT_EQ(judged, 4);
}

}  // namespace
