// The four judged/verified games in tournaments (their config checks are in tournament_test.cpp):
// bot tournaments run offline and reproducibly, model players keeping a conversation, the PyJail flag
// kept out of the attacker's view and out of the store, debate verdicts from hand-computed judge
// outputs (a win per seating, ties), and a failing judge making matches errors that the next run
// replays.
#include <gtest/gtest.h>

#include <set>

#include "games/pyjail_game.h"
#include "harness/errors/errors.h"
#include "harness/judges/rubric.h"
#include "harness/tournament/config.h"
#include "harness/tournament/match_battles.h"
#include "harness/tournament/match_export.h"
#include "harness/tournament/runner.h"
#include "tests/support/command.h"
#include "tests/support/scripted_client.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::error_result;
using gauntlet::testing::RequestLog;
using gauntlet::testing::ScriptedClient;
using gauntlet::testing::TempDir;
using gauntlet::testing::text_result;

std::string write_config(const TempDir& dir, const std::string& yaml) {
  dir.write("t.yaml", yaml);
  return dir.file("t.yaml");
}

// A judge reply giving every aspect of `for` the score f and of `against` the score a.
std::string sheet(int f, int a) {
  nlohmann::json scores;
  for (auto [side, v] : {std::pair<const char*, int>{"for", f}, {"against", a}})
    for (const auto& c : default_rubric().criteria)
      for (const auto& asp : c.aspects) scores[side][c.name][asp] = v;
  return nlohmann::json{{"reasoning", "scripted"}, {"scores", scores}}.dump();
}

const std::string kBots = "players:\n  - {name: h1, bot: heuristic}\n  - {name: h2, bot: heuristic}\n";

const std::string kFourGames =
    "name: four\nseed: 11\nconcurrency: 2\n" + kBots +
    "judges:\n  - {name: stats, bot: heuristic}\n"
    "games:\n  - game: mathquiz\n    rounds: 3\n  - game: pyjail\n    rounds: 2\n  - game: gandalf\n    rounds: 2\n"
    "    options: {max_turns: 8}\n  - game: debate\n    rounds: 2\n    judges: [stats]\n";

std::vector<std::tuple<std::string, std::string, std::vector<double>>> results(Store& store) {
  std::vector<std::tuple<std::string, std::string, std::vector<double>>> out;
  for (const auto& m : store.matches()) out.emplace_back(m.id, m.status, m.scores);
  return out;
}

TEST(ZseTournament, BotsPlayEveryNewGameOfflineAndReproducibly) {
  TempDir dir;
  auto config = load_tournament(write_config(dir, kFourGames));
  Store first(dir.file("a.db")), second(dir.file("b.db"));
  auto summary = run_tournament(config, first, {});
  EXPECT_EQ(summary.planned, 2 * (3 + 2 + 2 + 2));
  EXPECT_EQ(summary.played, summary.planned);
  EXPECT_EQ(summary.errors, 0);
  EXPECT_EQ(summary.forfeits, 0);
  run_tournament(config, second, {});
  EXPECT_EQ(results(first), results(second));  // seeds make every match reproducible

  std::map<std::string, std::set<std::string>> checks_by_game;
  std::map<std::string, std::string> debate_topic_by_pairing;
  for (const auto& m : first.matches("four")) {
    EXPECT_EQ(m.status, "finished") << m.id << " " << m.result_json;
    EXPECT_EQ(m.scores.size(), 2u);
    auto turns = first.turns(m.id);
    auto exported = match_to_json(m, turns);
    EXPECT_EQ(exported["turns"].size(), turns.size());
    for (const auto& t : turns) {
      if (t.role == "referee") {
        checks_by_game[m.game].insert(t.parsed_move);
        EXPECT_TRUE(t.legal) << t.error;
      }
    }
    if (m.game == "debate") {
      auto state = nlohmann::json::parse(turns.back().state);
      auto& topic = debate_topic_by_pairing[std::to_string(m.round)];
      if (topic.empty()) topic = state["topic"];
      EXPECT_EQ(topic, state["topic"].get<std::string>()) << "the paired match debates the same motion";
      auto result = nlohmann::json::parse(m.result_json);
      auto judgement = nlohmann::json::parse(result["final_state"].get<std::string>())["judgement"];
      ASSERT_EQ(judgement["judges"].size(), 1u);
      EXPECT_EQ(judgement["judges"][0]["judge"], "stats");
      EXPECT_TRUE(judgement["judges"][0]["scores"]["for"].contains("argumentation"));
      EXPECT_FALSE(judgement["judges"][0]["reasoning"].get<std::string>().empty());
    }
  }
  EXPECT_EQ(checks_by_game["mathquiz"], (std::set<std::string>{"math_answer"}));
  EXPECT_EQ(checks_by_game["pyjail"], (std::set<std::string>{"pyjail_run"}));
  EXPECT_EQ(checks_by_game["debate"], (std::set<std::string>{"debate_judgement"}));
  EXPECT_TRUE(checks_by_game["gandalf"].empty());  // no judge configured: the detectors decide
  EXPECT_EQ(matches_by_game(first.matches()).size(), 4u);
}

TEST(ZseTournament, ModelPlayersKeepOneConversationPerMatch) {
  TempDir dir;
  auto config = load_tournament(write_config(
      dir, "name: talk\nplayers:\n  - {name: bot, bot: heuristic}\n  - name: m\n    model: {provider: toy}\n"
           "games:\n  - game: gandalf\n    options: {max_turns: 6, password: lantern}\n"));
  Store store(dir.file("t.db"));
  auto log = std::make_shared<RequestLog>();
  TournamentOptions options;
  options.make_client = [&](const ModelSpec&) -> std::unique_ptr<ModelClient> {
    // The first answer of each match breaks the single-line rule, then plain lines.
    return std::make_unique<ScriptedClient>(
        [](const ChatRequest& r, std::size_t) {
          return text_result(r.messages.size() == 2 ? "line one\nline two" : "Tell me more, please.");
        },
        log);
  };
  auto summary = run_tournament(config, store, options);
  EXPECT_EQ(summary.errors + summary.forfeits, 0);
  auto requests = log->snapshot();
  // Per match, the model (sentinel in one seating, infiltrator in the other) gets a growing
  // conversation: system, then user/assistant pairs, the rejected answer and its reason included.
  std::size_t grew = 0;
  for (const auto& r : requests) {
    ASSERT_GE(r.messages.size(), 2u);
    EXPECT_EQ(r.messages[0].role, "system");
    for (std::size_t i = 1; i < r.messages.size(); ++i) EXPECT_EQ(r.messages[i].role, i % 2 ? "user" : "assistant");
    if (r.messages.size() >= 6) {
      ++grew;
      EXPECT_EQ(r.messages[2].content, "line one\nline two");
      EXPECT_NE(r.messages[3].content.find("Move cannot contain newline characters."), std::string::npos);
      EXPECT_EQ(r.messages[4].content, "Tell me more, please.");
      EXPECT_EQ(r.messages[5].content.find("Gandalf."), std::string::npos);  // the rules only in the first message
    }
  }
  EXPECT_GT(grew, 0u);
}

TEST(ZseTournament, UnreadableMovesAreRepromptedThenForfeitInEveryNewGame) {
  TempDir dir;
  auto config = load_tournament(write_config(
      dir, "name: bad\nplayers:\n  - {name: bot, bot: heuristic}\n  - name: m\n    model: {provider: toy}\n"
           "judges:\n  - {name: stats, bot: heuristic}\n"
           "games:\n  - game: mathquiz\n  - game: pyjail\n  - game: gandalf\n  - game: debate\n    judges: [stats]\n"
           "rules: {max_attempts_per_turn: 2}\n"));
  Store store(dir.file("t.db"));
  auto log = std::make_shared<RequestLog>();
  TournamentOptions options;
  options.make_client = [&](const ModelSpec&) -> std::unique_ptr<ModelClient> {
    return std::make_unique<ScriptedClient>(std::vector<std::string>{"   "}, log);  // nothing any game can read
  };
  auto summary = run_tournament(config, store, options);
  EXPECT_EQ(summary.played, 8);
  EXPECT_EQ(summary.forfeits, 8);
  for (const auto& m : store.matches("bad")) {
    EXPECT_EQ(m.status, "forfeit") << m.id;
    const std::size_t model_seat = m.players[0] == "m" ? 0 : 1;
    EXPECT_EQ(m.scores[model_seat], 0.0) << m.id;
    EXPECT_EQ(m.scores[1 - model_seat], 1.0) << m.id;
    auto result = nlohmann::json::parse(m.result_json);
    EXPECT_EQ(result["forfeit"]["player"], "m");
    EXPECT_NE(result["reason"].get<std::string>().find("2 invalid attempts in one turn"), std::string::npos) << m.id;
    std::vector<int> attempts;
    for (const auto& t : store.turns(m.id))
      if (t.player == "m") {
        attempts.push_back(t.attempt);
        EXPECT_FALSE(t.legal);
        EXPECT_FALSE(t.reason.empty());
      }
    EXPECT_EQ(attempts, (std::vector<int>{1, 2})) << m.id;
  }
  // The second attempt was told why the first failed.
  std::size_t told = 0;
  for (const auto& r : log->snapshot())
    if (r.messages.back().content.find("That move was not accepted: ") != std::string::npos) ++told;
  EXPECT_EQ(told, 8u);
}

TEST(ZseTournament, TheFlagNeverReachesTheAttackerOrTheStore) {
  TempDir dir;
  auto config = load_tournament(write_config(
      dir, "name: jail\nseed: 5\nplayers:\n  - {name: bot, bot: heuristic}\n  - name: m\n    model: {provider: toy}\n"
           "games:\n  - game: pyjail\n    rounds: 4\n    options: {attacker_attempts: 2}\n"));
  Store store(dir.file("t.db"));
  auto log = std::make_shared<RequestLog>();
  TournamentOptions options;
  options.make_client = [&](const ModelSpec&) -> std::unique_ptr<ModelClient> {
    // As defender, a jail that hands out the flag for "open"; as attacker, the classic payloads.
    return std::make_unique<ScriptedClient>(
        [](const ChatRequest& r, std::size_t) {
          const auto& last = r.messages.back().content;
          if (last.find("Write your jail") != std::string::npos)
            return text_result("###START\nimport os\ndef jail(s):\n    return os.environ['FLAG'] if s == 'open' else s\n###END");
          if (last.find("makes your jail print the flag") != std::string::npos) return text_result("###START\nopen\n###END");
          return text_result("###START\n__import__(\"os\").environ[\"FL\" + \"AG\"]\n###END");
        },
        log);
  };
  auto summary = run_tournament(config, store, options);
  EXPECT_EQ(summary.errors, 0);
  int attacker_wins = 0;
  for (const auto& m : store.matches("jail")) {
    const std::string flag = gauntlet::games::PyJailGame::flag_for_seed(m.seed);
    EXPECT_EQ(m.result_json.find(flag), std::string::npos);
    for (const auto& t : store.turns(m.id))
      for (const std::string* field : {&t.prompt, &t.raw_output, &t.state, &t.reason, &t.parsed_move})
        EXPECT_EQ(field->find(flag), std::string::npos) << m.id << " turn " << t.turn_index << ": " << *field;
    for (const auto& r : log->snapshot())
      for (const auto& msg : r.messages) EXPECT_EQ(msg.content.find(flag), std::string::npos) << msg.content;
    const std::size_t attacker = m.roles[0] == "defender" ? 1 : 0;
    attacker_wins += m.scores[attacker] == 1.0 && m.players[attacker] == "m";
  }
  // The model's own jail echoes the attacker's input, and the bot's weak jail falls to the payload.
  EXPECT_GT(attacker_wins, 0);
}

TEST(ZseTournament, DebateVerdictsFromHandComputedJudgesAndTies) {
  TempDir dir;
  const std::string yaml =
      "name: deb\nplayers:\n  - {name: a, bot: heuristic}\n  - {name: b, bot: heuristic}\n"
      "judges:\n  - name: j1\n    model: {provider: toy}\n  - name: j2\n    model: {provider: toy}\n"
      "games:\n  - game: debate\n    judges: [j1, j2]\n";
  auto config = load_tournament(write_config(dir, yaml));
  // j1 favours "for" by 5s to 1s (15 vs 3), j2 "against" by 4s to 2s (6 vs 12): for 21, against 15.
  {
    Store store(dir.file("for.db"));
    TournamentOptions options;
    options.make_client = [](const ModelSpec& m) -> std::unique_ptr<ModelClient> {
      return std::make_unique<ScriptedClient>(std::vector<std::string>{m.name == "j1" ? sheet(5, 1) : sheet(2, 4)});
    };
    run_tournament(config, store, options);
    auto matches = store.matches("deb");
    ASSERT_EQ(matches.size(), 2u);
    for (const auto& m : matches) {
      EXPECT_EQ(m.scores, (std::vector<double>{1.0, 0.0})) << m.id;  // "for" wins in both seatings
      auto state = nlohmann::json::parse(nlohmann::json::parse(m.result_json)["final_state"].get<std::string>());
      EXPECT_DOUBLE_EQ(state["judgement"]["totals"]["for"].get<double>(), 21.0);
      EXPECT_DOUBLE_EQ(state["judgement"]["totals"]["against"].get<double>(), 15.0);
      EXPECT_EQ(state["judgement"]["judges"][1]["judge"], "j2");
    }
    // Seats swapped: each player won once, so position bias cancels.
    auto battles = battles_from_matches(matches);
    std::map<std::string, int> wins;
    for (const auto& b : battles) wins[b.winner == Battle::Winner::kA ? b.a : b.b]++;
    EXPECT_EQ(wins["a"], 1);
    EXPECT_EQ(wins["b"], 1);
  }
  // j1 5s to 1s, j2 1s to 5s: 18 each, a tie, never a win for "against".
  {
    Store store(dir.file("tie.db"));
    TournamentOptions options;
    options.make_client = [](const ModelSpec& m) -> std::unique_ptr<ModelClient> {
      return std::make_unique<ScriptedClient>(std::vector<std::string>{m.name == "j1" ? sheet(5, 1) : sheet(1, 5)});
    };
    run_tournament(config, store, options);
    for (const auto& m : store.matches("deb")) EXPECT_EQ(m.scores, (std::vector<double>{0.5, 0.5})) << m.id;
    for (const auto& b : battles_from_matches(store.matches("deb"))) EXPECT_EQ(b.winner, Battle::Winner::kTie);
  }
}

TEST(ZseTournament, AFailingJudgeMakesErrorsThatTheNextRunReplays) {
  TempDir dir;
  auto config = load_tournament(write_config(
      dir, "name: fail\nplayers:\n  - {name: a, bot: heuristic}\n  - {name: b, bot: heuristic}\n  - {name: c, bot: heuristic}\n"
           "judges:\n  - name: j\n    model: {provider: toy}\n    attempts: 2\n"
           "games:\n  - game: debate\n    judges: [j]\n  - game: mathquiz\n"));
  Store store(dir.file("t.db"));
  auto log = std::make_shared<RequestLog>();
  bool healthy = false;
  TournamentOptions options;
  options.make_client = [&](const ModelSpec&) -> std::unique_ptr<ModelClient> {
    return std::make_unique<ScriptedClient>(
        [&healthy](const ChatRequest&, std::size_t) {
          return healthy ? text_result(sheet(3, 2)) : error_result("HTTP 503 after 6 retries");
        },
        log);
  };
  auto broken = run_tournament(config, store, options);
  EXPECT_EQ(broken.planned, 12);
  EXPECT_EQ(broken.errors, 6);  // every debate; mathquiz needs no judge
  int errors = 0;
  for (const auto& m : store.matches("fail")) {
    if (m.game != "debate") {
      EXPECT_NE(m.status, "error");
      continue;
    }
    ++errors;
    EXPECT_EQ(m.status, "error");
    auto result = nlohmann::json::parse(m.result_json);
    EXPECT_NE(result["error"].get<std::string>().find("judge j: the request failed: HTTP 503"), std::string::npos);
    EXPECT_EQ(result["replay"], 0);
    auto turns = store.turns(m.id);
    EXPECT_EQ(turns.back().role, "referee");
    EXPECT_FALSE(turns.back().error.empty());
  }
  EXPECT_EQ(errors, 6);
  EXPECT_EQ(matches_by_game(store.matches("fail")).count("debate"), 0u);  // no result, no leaderboard entry
  EXPECT_EQ(battles_from_matches(store.matches("fail")).size(), 6u);  // mathquiz only

  healthy = true;
  auto replay = run_tournament(config, store, options);
  EXPECT_EQ(replay.already_done, 6);
  EXPECT_EQ(replay.played, 6);
  EXPECT_EQ(replay.errors, 0);
  for (const auto& m : store.matches("fail")) {
    EXPECT_NE(m.status, "error") << m.id;
    if (m.game == "debate") {
      EXPECT_EQ(nlohmann::json::parse(m.result_json)["replay"], 1);
      int referee_turns = 0;
      for (const auto& t : store.turns(m.id)) referee_turns += t.role == "referee";
      EXPECT_EQ(referee_turns, 1);  // the failed attempt's turns were replaced
    }
  }
  // The replay asked the judge afresh (sample index 1), not from the cache of the failed run.
  auto requests = log->snapshot();
  EXPECT_EQ(requests.back().sample_index, 1);
  EXPECT_EQ(run_tournament(config, store, options).played, 0);
  // The judge's model config is recorded: a changed judge is refused on the same database.
  bool recorded = false;
  for (const auto& d : store.models()) recorded = recorded || d.name == "j";
  EXPECT_TRUE(recorded);
  auto changed = load_tournament(write_config(
      dir, "name: fail\nplayers:\n  - {name: a, bot: heuristic}\n  - {name: b, bot: heuristic}\n  - {name: c, bot: heuristic}\n"
           "judges:\n  - name: j\n    model: {provider: toy, params: {temperature: 0.5}}\n"
           "games:\n  - game: debate\n    judges: [j]\n  - game: mathquiz\n"));
  EXPECT_THROW(run_tournament(changed, store, options), StoreError);
}

}  // namespace
