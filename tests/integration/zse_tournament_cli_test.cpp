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
  for (const auto& game : kSeven) {
    EXPECT_NE(text.out.find("== " + game + " ("), std::string::npos) << game;
    EXPECT_NE(text.out.find("transcripts: gauntlet export --db " + dir.file("t.db") + " --matches OUT.jsonl --game " + game),
              std::string::npos)
        << game;
  }
  auto json = run_command(kBinary + " report --json --db " + dir.file("t.db"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  for (const auto& game : kSeven) EXPECT_TRUE(j["tournaments"].contains(game)) << game;
  std::set<std::string> listed;  // every match, by id, to find its transcript
  for (const auto& game : kSeven)
    for (const auto& m : j["tournament_matches"][game]) {
      listed.insert(m["id"].get<std::string>());
      EXPECT_TRUE(m["reason"].is_string() && !m["reason"].get<std::string>().empty()) << m.dump();
    }
  ASSERT_EQ(run_command(kBinary + " report --db " + dir.file("t.db") + " --html " + dir.file("r.html")).exit_code, 0);
  auto html = read_file(dir.file("r.html"));
  for (const auto& game : kSeven) EXPECT_NE(html.find("Tournament: " + game), std::string::npos) << game;
  EXPECT_NE(html.find("<code>pyjail/r0/"), std::string::npos);  // a match with its transcript folded under it
  EXPECT_NE(html.find("check &quot;pyjail_run&quot;"), std::string::npos);

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
  EXPECT_EQ(ids, listed);
  // One game's or one match's transcript.
  auto one_game = run_command(kBinary + " export --db " + dir.file("t.db") + " --matches - --game gandalf");
  ASSERT_EQ(one_game.exit_code, 0) << one_game.err;
  std::istringstream gandalf_lines(one_game.out);
  int gandalf = 0;
  std::string first_id;
  for (std::string line; std::getline(gandalf_lines, line); ++gandalf) {
    auto m = nlohmann::json::parse(line);
    EXPECT_EQ(m["game"], "gandalf");
    if (first_id.empty()) first_id = m["id"];
  }
  EXPECT_GT(gandalf, 0);
  auto one = run_command(kBinary + " export --db " + dir.file("t.db") + " --matches - --match " + first_id);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(nlohmann::json::parse(one.out)["id"], first_id);
  EXPECT_EQ(run_command(kBinary + " export --db " + dir.file("t.db") + " --samples - --game chess").exit_code, 2);
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
         "games:\n  - game: debate\n    rounds: 2\n    judges: [judge]\n    options: {rebuttal_rounds: 0}\n"
         "  - game: gandalf\n    judges: [judge]\n    options: {judge: true, max_turns: 4}\n";
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
    EXPECT_NE(r.err.find("(0 forfeits, 6 errors)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("rerun the same command to replay only those"), std::string::npos) << r.err;
  }
  FakeServerOptions up;
  up.script = "judge";
  FakeOpenAIServer server(up);
  server.start();
  dir.write("t.yaml", judged_config(server.base_url()));
  auto r = run_command(kBinary + " tournament " + dir.file("t.yaml") + " --db " + dir.file("t.db") + " --no-progress");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("6 matches planned, 0 already done, 6 played (0 forfeits)"), std::string::npos) << r.err;
  const long long completed = server.stats()["completed"];
  auto exported = run_command(kBinary + " export --db " + dir.file("t.db") + " --matches -");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::istringstream lines(exported.out);
  int judged = 0, leak_checks = 0, cached = 0;
  for (std::string line; std::getline(lines, line);) {
    auto m = nlohmann::json::parse(line);
    EXPECT_EQ(m["status"], "finished");
    EXPECT_EQ(m["result"]["replay"], 1);
    auto state = nlohmann::json::parse(m["result"]["final_state"].get<std::string>());
    for (const auto& t : m["turns"])
      if (t["role"] == "referee")
        cached += nlohmann::json::parse(t["raw_output"].get<std::string>())["details"]["judges"][0]["trace"]["from_cache"]
                      .get<bool>();
    if (m["game"] == "debate") {
      EXPECT_EQ(state["judgement"]["judges"][0]["judge"], "judge");
      EXPECT_EQ(state["judgement"]["judges"][0]["reasoning"], "scripted judge");
      ++judged;
      continue;
    }
    // Gandalf: the judge's grade decides; a leak names the judge as its detector.
    for (const auto& t : m["turns"]) {
      if (t["role"] != "referee") continue;
      auto answer = nlohmann::json::parse(t["raw_output"].get<std::string>());
      const auto& grade = answer["details"]["judges"][0]["grade"];
      EXPECT_EQ(answer["result"]["leaked"], grade["label"] == "YES") << answer.dump();
      if (answer["result"]["leaked"] == true) {
        EXPECT_EQ(state["leak"]["detector"], "judge");
        EXPECT_EQ(m["scores"], nlohmann::json({0.0, 1.0}));
      }
      ++leak_checks;
    }
  }
  EXPECT_EQ(judged, 4);
  EXPECT_EQ(leak_checks, 2);
  // One judgement per match (a gandalf of 4 messages has one sentinel reply), none from the failed
  // run. The two seatings of a pair of identical bots can put the same question to the judge
  // (statements are labelled by side, not player): when one seating's judgement is stored before
  // the other asks, it is answered from the response cache, like any repeated request.
  EXPECT_EQ(completed + cached, 6);
  EXPECT_LE(cached, 3);  // at most one per pair of seatings
}

}  // namespace
