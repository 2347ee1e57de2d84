// PyJail driven by scripted moves and run results: program parsing, the defender's own solve
// (success, failures, unsolved as draw or attacker win), attacks (outputs shown, flag found,
// attempts exhausted), and the flag kept out of every observation, conversation and state.
#include "games/pyjail_game.h"

#include <gtest/gtest.h>

#include "games/bot.h"

namespace gauntlet::games {
namespace {

PyJailGame make(nlohmann::json options = nlohmann::json::object(), std::uint64_t seed = 3) {
  return PyJailGame(PyJailOptions::from_json(options), seed);
}

const std::string kJail = "import os\n\ndef jail(user_input):\n    return os.environ['FLAG'] if user_input == 'k' else 'no'\n";

nlohmann::json run(const std::string& output) { return {{"status", "ok"}, {"output", output}}; }

// Every text a player or a log can see.
void expect_no_flag(const PyJailGame& g) {
  for (int role : {PyJailGame::kDefender, PyJailGame::kAttacker}) {
    EXPECT_EQ(g.observation(role).find(g.flag()), std::string::npos) << role;
    EXPECT_EQ(g.conversation_message(role).find(g.flag()), std::string::npos) << role;
  }
  EXPECT_EQ(g.state().find(g.flag()), std::string::npos);
  if (auto c = g.pending_check()) {
    EXPECT_EQ(c->input.dump().find(g.flag()), std::string::npos);
  }
}

TEST(PyJail, ProgramsAreReadFromMarkersOrFences) {
  auto g = make();
  std::string reason;
  EXPECT_FALSE(g.parse_move("I would write a jail.", &reason));
  EXPECT_NE(reason.find("def jail"), std::string::npos) << reason;
  EXPECT_FALSE(g.parse_move("###START\ndef prison(x):\n    return x\n###END", &reason));
  EXPECT_FALSE(g.parse_move("###START\nclass Box:\n    def jail(x):\n        return x\n###END", &reason));  // not top level
  // A block indented as a whole is dedented, not rejected.
  auto indented = g.parse_move("###START\n\n    import os\n    def jail(x):\n        return x\n###END", &reason);
  ASSERT_TRUE(indented) << reason;
  EXPECT_EQ(*indented, "import os\ndef jail(x):\n    return x");
  auto marked = g.parse_move("Here:\n###START\n" + kJail + "###END\nDone.", &reason);
  ASSERT_TRUE(marked);
  EXPECT_EQ(*marked + "\n", kJail);
  auto fenced = g.parse_move("```python\n" + kJail + "```", &reason);
  ASSERT_TRUE(fenced);
  EXPECT_EQ(*fenced + "\n", kJail);
  EXPECT_FALSE(make({{"max_code_chars", 100}}).parse_move(std::string(200, '#') + "\ndef jail(x): pass", &reason));
  EXPECT_THROW(make({{"unsolved_jail", "maybe"}}), GameConfigError);
  EXPECT_THROW(make({{"memory_mb", 1}}), GameConfigError);
}

TEST(PyJail, AttackerExtractsTheFlag) {
  auto g = make({{"attacker_attempts", 3}});
  EXPECT_EQ(g.flag().size(), 24u);
  EXPECT_EQ(g.flag(), PyJailGame::flag_for_seed(3));
  EXPECT_NE(g.flag(), PyJailGame::flag_for_seed(4));
  ASSERT_TRUE(g.apply("###START\n" + kJail + "###END").legal);
  ASSERT_TRUE(g.apply("###START\nk\n###END").legal);
  auto check = g.pending_check();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->kind, "pyjail_run");
  EXPECT_EQ(check->input["role"], "defender");
  EXPECT_EQ(check->input["input"], "k");
  EXPECT_EQ(check->input["time_limit_ms"], 2000);
  EXPECT_EQ(check->secrets.at("FLAG"), g.flag());  // the flag travels as a secret only
  expect_no_flag(g);
  ASSERT_TRUE(g.resolve_check(run(g.flag())).legal);
  EXPECT_EQ(g.phase(), PyJailGame::Phase::kAttackInput);
  expect_no_flag(g);  // the defender's output is kept masked
  EXPECT_NE(g.conversation_message(PyJailGame::kAttacker).find("def jail(user_input)"), std::string::npos);
  ASSERT_TRUE(g.apply("guess").legal);
  ASSERT_TRUE(g.resolve_check({{"status", "error"}, {"output", "Raised exception: KeyError: 'x'"}}).legal);
  EXPECT_EQ(g.attacker_failures(), 1);
  auto told = g.conversation_message(PyJailGame::kAttacker);
  EXPECT_NE(told.find("Attempt 1 of 3 (error)"), std::string::npos) << told;
  EXPECT_NE(told.find("KeyError"), std::string::npos);
  ASSERT_TRUE(g.apply("k").legal);
  ASSERT_TRUE(g.resolve_check(run("here it is: " + g.flag())).legal);
  EXPECT_TRUE(g.outcome().finished);
  EXPECT_EQ(g.outcome().scores, (std::vector<double>{0.0, 1.0}));
  expect_no_flag(g);
  EXPECT_NE(g.state().find("[FLAG]"), std::string::npos);
}

TEST(PyJail, DefenderHoldsWhenAttacksFail) {
  auto g = make({{"attacker_attempts", 2}, {"show_source", false}});
  ASSERT_TRUE(g.apply(kJail).legal);
  ASSERT_TRUE(g.apply("k").legal);
  ASSERT_TRUE(g.resolve_check(run(g.flag())).legal);
  EXPECT_EQ(g.conversation_message(PyJailGame::kAttacker).find("user_input == 'k'"), std::string::npos);  // source hidden
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(g.apply("attempt " + std::to_string(i)).legal);
    ASSERT_TRUE(g.resolve_check(run("no")).legal);
  }
  EXPECT_TRUE(g.outcome().finished);
  EXPECT_EQ(g.outcome().scores, (std::vector<double>{1.0, 0.0}));
}

TEST(PyJail, UnsolvedJailIsADrawOrAnAttackerWin) {
  for (const char* rule : {"draw", "attacker_wins"}) {
    auto g = make({{"defender_attempts", 2}, {"unsolved_jail", rule}});
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(g.phase(), PyJailGame::Phase::kCode);
      ASSERT_TRUE(g.apply(kJail).legal);
      ASSERT_TRUE(g.apply("wrong key").legal);
      ASSERT_TRUE(g.resolve_check({{"status", "timeout_cpu"}, {"output", "[stopped]"}}).legal);
    }
    EXPECT_TRUE(g.outcome().finished);
    EXPECT_EQ(g.outcome().scores,
              std::string(rule) == "draw" ? (std::vector<double>{0.5, 0.5}) : (std::vector<double>{0.0, 1.0}));
    EXPECT_EQ(g.defender_failures(), 2);
  }
}

TEST(PyJail, EmptyInputOnlyWithMarkers) {
  auto g = make();
  ASSERT_TRUE(g.apply(kJail).legal);
  EXPECT_FALSE(g.apply("   ").legal);
  std::string reason;
  auto canonical = g.parse_move("Nothing at all:\n###START\n###END", &reason);
  ASSERT_TRUE(canonical) << reason;
  EXPECT_TRUE(g.apply(*canonical).legal);  // what parse_move returns, apply takes
  EXPECT_EQ(g.pending_check()->input["input"], "");
  EXPECT_FALSE(g.resolve_check({{"output", 3}}).legal);
}

TEST(PyJail, HeuristicBotsPlayBothRoles) {
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    auto g = make({}, seed);
    auto defender = make_bot("heuristic", "pyjail", {}, seed * 2 + 1);
    auto attacker = make_bot("heuristic", "pyjail", {}, seed * 2 + 2);
    for (int steps = 0; !g.outcome().finished && steps < 40; ++steps) {
      if (auto check = g.pending_check()) {
        // Stand-in executor for the bot's three jails (the real runs are in the referee's tests).
        const std::string input = check->input["input"], code = check->input["code"];
        bool opens = false;
        if (code.find("user_input == \"") != std::string::npos) opens = code.find("\"" + input + "\"") != std::string::npos;
        else if (code.find("secret") != std::string::npos) opens = input == "secret[::-1]";
        else opens = input.find("FLAG") == std::string::npos && input.find("environ") != std::string::npos;
        ASSERT_TRUE(g.resolve_check(run(opens ? check->secrets.at("FLAG") : "Access denied")).legal);
        continue;
      }
      auto& bot = g.to_move() == PyJailGame::kDefender ? defender : attacker;
      ASSERT_TRUE(g.apply(bot->choose_move(g)).legal) << g.state();
    }
    EXPECT_TRUE(g.outcome().finished);
    EXPECT_EQ(g.defender_failures(), 0) << "the bot's jail opens with its own key";
  }
}

}  // namespace
}  // namespace gauntlet::games
