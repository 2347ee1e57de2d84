// Tournament config validation, scheduling, the match runner's re-prompting and forfeits, resume.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "harness/errors/errors.h"
#include "harness/judges/rubric.h"
#include "harness/tournament/match_battles.h"
#include "harness/tournament/match_schedule.h"
#include "harness/tournament/config.h"
#include "harness/tournament/runner.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::TempDir;

// What a scripted model was asked; outlives the clients (the runner owns and destroys them).
struct RequestLog {
  std::mutex mutex;
  std::vector<ChatRequest> requests;
};

// A model that answers from a script, one answer per request (the last one repeats).
class ScriptedClient : public ModelClient {
 public:
  ScriptedClient(std::vector<std::string> answers, std::shared_ptr<RequestLog> log)
      : answers_(std::move(answers)), log_(std::move(log)) {}
  void submit_async(ChatRequest request, Callback done) override {
    ChatResult r;
    Choice c;
    {
      std::lock_guard lock(log_->mutex);
      c.text = answers_[std::min(next_, answers_.size() - 1)];
      ++next_;
      log_->requests.push_back(request);
    }
    c.finish_reason = "stop";
    r.choices.push_back(c);
    done(std::move(r));
  }
  ClientStats stats() const override { return {}; }
  void drain() override {}

 private:
  std::vector<std::string> answers_;
  std::shared_ptr<RequestLog> log_;
  std::size_t next_ = 0;
};

std::string write_config(const TempDir& dir, const std::string& yaml) {
  dir.write("t.yaml", yaml);
  return dir.file("t.yaml");
}

// Loading `yaml` fails with a ConfigError whose message holds `needle`.
void expect_config_error(const TempDir& dir, const std::string& yaml, const std::string& needle) {
  try {
    load_tournament(write_config(dir, yaml));
    ADD_FAILURE() << "no error for: " << needle;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(TournamentConfig, ValidatesPlayersGamesAndRules) {
  TempDir dir;
  auto expect_error = [&](const std::string& yaml, const std::string& needle) { expect_config_error(dir, yaml, needle); };
  const std::string players = "players:\n  - {name: a, bot: random}\n  - {name: b, bot: heuristic}\n";
  expect_error(players + "games:\n  - game: chess\n    players: [a, b]\n", "cannot play chess");
  expect_error(players + "games:\n  - game: go\n", "unknown game 'go'");
  expect_error(players + "games:\n  - game: liars_dice\n    rounds: 0\n", "rounds");
  expect_error(players + "games:\n  - game: liars_dice\n    players: [a, zed]\n", "no player named 'zed'");
  expect_error(players + "games:\n  - game: liars_dice\n    options: {dice: 0}\n", "games[0].options");
  expect_error(players + "games:\n  - game: liars_dice\nrules: {max_attempts_per_turn: 0}\n", "max_attempts_per_turn");
  expect_error(players + "games:\n  - game: liars_dice\nrulez: {}\n", "rulez");
  expect_error("players:\n  - {name: a, bot: random}\n  - {name: a, bot: random}\ngames:\n  - game: poker\n",
               "duplicate player name");
  expect_error("players:\n  - {name: a, bot: random, model: {provider: toy}}\n  - {name: b, bot: random}\n"
               "games:\n  - game: poker\n",
               "exactly one of");
  expect_error("players:\n  - {name: a, bot: random}\n  - {name: b, bot: random}\ngames:\n"
               "  - game: poker\n    options: {players: 3}\n",
               "needs 3 players");
  auto ok = load_tournament(write_config(dir, players + "  - name: m\n    model: {provider: toy}\n"
                                                        "games:\n  - game: liars_dice\n  - game: chess\n"));
  ASSERT_EQ(ok.games.size(), 2u);
  EXPECT_EQ(ok.games[0].players, (std::vector<std::string>{"a", "b", "m"}));
  EXPECT_EQ(ok.games[1].players, (std::vector<std::string>{"a", "m"}));  // the heuristic bot can't play chess
  ASSERT_TRUE(ok.player("m").model.has_value());
  EXPECT_EQ(ok.player("m").model->name, "m");
}

TEST(TournamentConfig, AModelPlayerWithVariantsIsOnePlayerPerVariant) {
  TempDir dir;
  const std::string players = "players:\n  - {name: a, bot: random}\n  - {name: b, bot: heuristic}\n"
                              "  - name: m\n    model:\n      provider: toy\n"
                              "      variants: [{name: x}, {name: y}]\n";
  auto ok = load_tournament(write_config(dir, players + "games:\n  - game: liars_dice\n  - game: chess\n"
                                                        "    players: [a, m]\n"));
  ASSERT_EQ(ok.players.size(), 4u);
  EXPECT_EQ(ok.games[0].players, (std::vector<std::string>{"a", "b", "m/x", "m/y"}));
  EXPECT_EQ(ok.games[1].players, (std::vector<std::string>{"a", "m/x", "m/y"}));  // `m` names its variants
  ASSERT_TRUE(ok.player("m/y").model.has_value());
  EXPECT_EQ(ok.player("m/y").model->name, "m/y");
  expect_config_error(dir, players + "  - {name: m/x, bot: random}\ngames:\n  - game: liars_dice\n",
                      "duplicate player name 'm/x'");
  expect_config_error(dir, players + "  - {name: m, bot: random}\ngames:\n  - game: liars_dice\n",
                      "'m' names both a player and a player with variants");
  expect_config_error(dir,
                      "players:\n  - {name: a, bot: random}\n  - name: m\n    model:\n      provider: toy\n"
                      "      variants: [{name: x, path: model}]\ngames:\n  - game: liars_dice\n",
                      "t.yaml:6: players[1].model.variants[0].path");
}

TEST(TournamentConfig, JudgesAndRubricsAreValidated) {
  TempDir dir;
  auto expect_error = [&](const std::string& yaml, const std::string& needle) { expect_config_error(dir, yaml, needle); };
  const std::string kBots = "players:\n  - {name: h1, bot: heuristic}\n  - {name: h2, bot: heuristic}\n";
  const std::string judges = "judges:\n  - {name: stats, bot: heuristic}\n  - name: m\n    model: {provider: toy}\n";
  expect_error(kBots + "games:\n  - game: debate\n", "a debate needs at least one judge");
  expect_error(kBots + judges + "games:\n  - game: debate\n    judges: [nobody]\n", "no judge named 'nobody'");
  expect_error(kBots + judges + "games:\n  - game: debate\n    judges: [stats, stats]\n", "listed twice");
  expect_error(kBots + judges + "games:\n  - game: gandalf\n    judges: [m]\n", "options.judge");
  expect_error(kBots + judges + "games:\n  - game: gandalf\n    options: {judge: true}\n", "name the judges");
  expect_error(kBots + judges + "games:\n  - game: gandalf\n    options: {judge: true}\n    judges: [stats]\n",
               "cannot answer gandalf's");
  expect_error(kBots + judges + "games:\n  - game: mathquiz\n    judges: [m]\n", "mathquiz has no judges");
  expect_error(kBots + judges + "games:\n  - game: pyjail\n    rubric: {}\n", "only a debate has a rubric");
  expect_error(kBots + judges + "games:\n  - game: debate\n    judges: [stats]\n    rubric: {criteria: []}\n",
               "games[0].rubric");
  expect_error(kBots + "judges:\n  - {name: h1, bot: heuristic}\ngames:\n  - game: mathquiz\n", "already a player");
  expect_error(kBots + "judges:\n  - {name: j, bot: oracle}\ngames:\n  - game: mathquiz\n", "unknown judge bot");
  expect_error(kBots + "judges:\n  - {name: j}\ngames:\n  - game: mathquiz\n", "exactly one of");
  expect_error(kBots + "games:\n  - game: pyjail\n    options: {attacker_attempts: 0}\n", "attacker_attempts");
  auto ok = load_tournament(write_config(
      dir, kBots + "  - {name: r, bot: random}\n" + judges +
               "games:\n  - game: debate\n    judges: [stats, m]\n    rubric:\n      criteria:\n"
               "        - {name: logic, weight: 100, aspects: [validity]}\n  - game: gandalf\n"
               "    options: {judge: true}\n    judges: [m]\n  - game: mathquiz\n"));
  EXPECT_EQ(ok.games[0].judges, (std::vector<std::string>{"stats", "m"}));
  EXPECT_EQ(ok.games[0].players, (std::vector<std::string>{"h1", "h2"}));  // the random bot has no free-text moves
  EXPECT_EQ(Rubric::from_json(ok.games[0].rubric).criteria[0].name, "logic");
  EXPECT_TRUE(ok.games[2].rubric.is_null());
  EXPECT_EQ(ok.judge("m").model->name, "m");
  EXPECT_EQ(ok.judge("stats").bot, "heuristic");
}

TEST(MatchSchedule, EverySetPlaysEveryRotationWithSharedSeeds) {
  TempDir dir;
  auto config = load_tournament(write_config(
      dir, "players:\n  - {name: a, bot: random}\n  - {name: b, bot: random}\n  - {name: c, bot: random}\n"
           "games:\n  - game: liars_dice\n    rounds: 2\n  - game: poker\n    name: poker3\n    options: {players: 3}\n"));
  auto matches = schedule_matches(config);
  // dice: 3 pairs x 2 rotations x 2 rounds; poker3: 1 set x 3 rotations.
  ASSERT_EQ(matches.size(), 12u + 3u);
  std::set<std::string> ids;
  std::map<std::string, std::set<std::uint64_t>> seeds_by_set;
  for (const auto& m : matches) {
    EXPECT_TRUE(ids.insert(m.id).second) << m.id;
    seeds_by_set[m.game->name + "/" + std::to_string(m.round) + "/" + m.pairing].insert(m.seed);
  }
  for (const auto& [set, seeds] : seeds_by_set) EXPECT_EQ(seeds.size(), 1u) << set;
  EXPECT_EQ(matches[0].seats, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(matches[1].seats, (std::vector<std::string>{"b", "a"}));
  // Round 0 of every pair comes before any round 1.
  EXPECT_EQ(matches[5].round, 0);
  EXPECT_EQ(matches[6].round, 1);
  EXPECT_EQ(schedule_matches(config)[7].seed, matches[7].seed);  // deterministic
}

TEST(TournamentRunner, ModelPlayersAreRepromptedWithTheReasonAndForfeitWhenOutOfAttempts) {
  TempDir dir;
  auto config = load_tournament(write_config(
      dir, "name: t\nplayers:\n  - name: good\n    model: {provider: toy}\n  - name: bad\n    model: {provider: toy}\n"
           "games:\n  - game: liars_dice\n    options: {mode: single_round}\n"
           "rules: {max_attempts_per_turn: 2, max_attempts_per_game: 5}\n"));
  Store store(dir.file("t.db"));
  auto bad_log = std::make_shared<RequestLog>();
  TournamentOptions options;
  options.make_client = [&](const ModelSpec& m) -> std::unique_ptr<ModelClient> {
    // "good" first answers nonsense, then bids; "bad" never gives a move.
    if (m.name == "good")
      return std::make_unique<ScriptedClient>(std::vector<std::string>{"hmm", "[Bid] 1 2"},
                                              std::make_shared<RequestLog>());
    return std::make_unique<ScriptedClient>(std::vector<std::string>{"I refuse."}, bad_log);
  };
  auto summary = run_tournament(config, store, options);
  EXPECT_EQ(summary.planned, 2);
  EXPECT_EQ(summary.played, 2);
  auto matches = store.matches("t");
  ASSERT_EQ(matches.size(), 2u);
  int forfeits = 0;
  for (const auto& m : matches) {
    auto turns = store.turns(m.id);
    ASSERT_FALSE(turns.empty());
    for (const auto& t : turns) {
      EXPECT_FALSE(t.prompt.empty());
      EXPECT_FALSE(t.state.empty());
      if (!t.legal) {
        EXPECT_FALSE(t.reason.empty());
      }
    }
    if (m.status == "forfeit") {
      ++forfeits;
      std::size_t bad_seat = m.players[0] == "bad" ? 0 : 1;
      EXPECT_EQ(m.scores[bad_seat], 0.0);
      EXPECT_EQ(m.scores[1 - bad_seat], 1.0);
      auto result = nlohmann::json::parse(m.result_json);
      EXPECT_EQ(result["forfeit"]["player"], "bad");
    }
  }
  EXPECT_EQ(forfeits, 2);  // "bad" forfeits in both seatings
  // The retry saw the previous answer and the reason it was rejected.
  bool saw_reprompt = false;
  for (const auto& r : bad_log->requests)
    if (r.messages.size() == 4) {
      EXPECT_EQ(r.messages[2].role, "assistant");
      EXPECT_NE(r.messages[3].content.find("not accepted"), std::string::npos);
      saw_reprompt = true;
    }
  EXPECT_TRUE(saw_reprompt);
  auto battles = battles_from_matches(matches);
  ASSERT_EQ(battles.size(), 2u);
  for (const auto& b : battles) {
    std::string winner = b.winner == Battle::Winner::kA ? b.a : b.b;
    EXPECT_EQ(winner, "good");
  }
}

TEST(TournamentRunner, RerunPlaysOnlyMissingMatchesAndStopAbandonsCleanly) {
  TempDir dir;
  auto config = load_tournament(write_config(
      dir, "name: r\nconcurrency: 2\nplayers:\n  - {name: a, bot: random}\n  - {name: b, bot: heuristic}\n"
           "  - {name: c, bot: random}\ngames:\n  - game: liars_dice\n    rounds: 2\n"));
  Store store(dir.file("r.db"));
  std::atomic<bool> stop{true};
  TournamentOptions stopped;
  stopped.stop = &stop;
  auto none = run_tournament(config, store, stopped);
  EXPECT_EQ(none.played, 0);
  EXPECT_TRUE(store.matches("r").empty());

  TournamentOptions half;
  half.shard = Shard::parse("0/2");
  auto first = run_tournament(config, store, half);
  EXPECT_EQ(first.planned, 6);
  EXPECT_EQ(first.played, 6);
  auto all = run_tournament(config, store, {});
  EXPECT_EQ(all.planned, 12);
  EXPECT_EQ(all.already_done, 6);
  EXPECT_EQ(all.played, 6);
  EXPECT_EQ(run_tournament(config, store, {}).played, 0);
  EXPECT_EQ(store.matches("r").size(), 12u);
}

}  // namespace
