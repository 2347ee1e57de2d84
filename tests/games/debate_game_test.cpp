// Debate driven by scripted statements and judgements: the stage order, statement limits, the
// verdict from the judges' totals (a tie is a tie), malformed results, seeded topics, the bot.
#include "games/debate_game.h"

#include <gtest/gtest.h>

#include "games/bot.h"
#include "games/debate_topics.h"

namespace gauntlet::games {
namespace {

DebateGame make(nlohmann::json options = nlohmann::json::object(), std::uint64_t seed = 2) {
  return DebateGame(DebateOptions::from_json(options), seed);
}

void play_statements(DebateGame& g) {
  while (g.to_move() >= 0) ASSERT_TRUE(g.apply(g.roles()[g.to_move()] + " speaks at " + g.next_stage()).legal);
}

TEST(Debate, StagesAlternateForFirst) {
  auto g = make({{"topic", "Tea is better than coffee."}, {"rebuttal_rounds", 2}});
  std::vector<std::pair<int, std::string>> order;
  while (g.to_move() >= 0) {
    order.emplace_back(g.to_move(), g.next_stage());
    ASSERT_TRUE(g.apply("statement " + std::to_string(order.size())).legal);
  }
  const std::vector<std::pair<int, std::string>> want = {
      {0, "opening"}, {1, "opening"}, {0, "rebuttal"}, {1, "rebuttal"}, {0, "rebuttal"}, {1, "rebuttal"},
      {0, "closing"}, {1, "closing"}};
  EXPECT_EQ(order, want);
  auto check = g.pending_check();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->kind, "debate_judgement");
  EXPECT_EQ(check->input["topic"], "Tea is better than coffee.");
  ASSERT_EQ(check->input["statements"].size(), 8u);
  EXPECT_EQ(check->input["statements"][3]["side"], "against");
  EXPECT_EQ(check->input["statements"][3]["stage"], "rebuttal");
  EXPECT_FALSE(g.outcome().finished);
}

TEST(Debate, HigherTotalWinsAndEqualTotalsTie) {
  struct Case {
    double f, a;
    std::vector<double> scores;
  };
  // Totals as a panel sums them: two judges' weighted totals, e.g. 12.3 + 11.85 vs 11.85 + 12.3.
  const Case cases[] = {{24.15, 24.0, {1.0, 0.0}}, {20.0, 20.45, {0.0, 1.0}}, {12.3 + 11.85, 11.85 + 12.3, {0.5, 0.5}},
                        {0.1 + 0.2, 0.3, {0.5, 0.5}}};
  for (const auto& c : cases) {
    auto g = make();
    play_statements(g);
    EXPECT_FALSE(g.resolve_check({{"totals", {{"for", c.f}}}}).legal);  // "against" missing
    nlohmann::json result = {{"totals", {{"for", c.f}, {"against", c.a}}}, {"judges", {{{"judge", "j"}, {"reasoning", "r"}}}}};
    ASSERT_TRUE(g.resolve_check(result).legal);
    EXPECT_TRUE(g.outcome().finished);
    EXPECT_EQ(g.outcome().scores, c.scores) << c.f << " vs " << c.a;
    EXPECT_EQ(nlohmann::json::parse(g.state())["judgement"], result);  // the judges' scores and reasoning are kept
  }
}

TEST(Debate, StatementsAreCheckedAndConversationsShowTheOpponent) {
  auto g = make({{"topic", "Cats rule."}, {"max_chars", 60}, {"rebuttal_rounds", 0}});
  EXPECT_FALSE(g.apply(std::string(61, 'x')).legal);
  EXPECT_FALSE(g.apply("  ").legal);
  auto first_for = g.conversation_message(DebateGame::kFor);
  EXPECT_NE(first_for.find("You argue FOR the motion"), std::string::npos);
  EXPECT_NE(first_for.find("Give your opening statement"), std::string::npos);
  ASSERT_TRUE(g.apply("Cats are independent.").legal);
  auto against = g.conversation_message(DebateGame::kAgainst);
  EXPECT_NE(against.find("You argue AGAINST"), std::string::npos);
  EXPECT_NE(against.find("For (opening):\nCats are independent."), std::string::npos);
  ASSERT_TRUE(g.apply("Dogs are loyal.").legal);
  auto second_for = g.conversation_message(DebateGame::kFor);
  EXPECT_EQ(second_for.find("You argue"), std::string::npos);
  EXPECT_EQ(second_for.find("Cats are independent."), std::string::npos);  // its own words are not repeated
  EXPECT_NE(second_for.find("Against (opening):\nDogs are loyal."), std::string::npos);
  EXPECT_NE(second_for.find("closing statement"), std::string::npos);
}

TEST(Debate, TopicsAreSeededFromTheList) {
  EXPECT_EQ(make({}, 9).topic(), make({}, 9).topic());
  std::set<std::string> seen;
  for (std::uint64_t s = 0; s < 60; ++s) seen.insert(make({}, s).topic());
  EXPECT_GT(seen.size(), 10u);
  for (const auto& t : seen)
    EXPECT_NE(std::find(debate_topics().begin(), debate_topics().end(), t), debate_topics().end());
  auto own = make({{"topics", {"A.", "B."}}}, 1).topic();
  EXPECT_TRUE(own == "A." || own == "B.");
  EXPECT_THROW(make({{"topics", nlohmann::json::array()}}), GameConfigError);
  EXPECT_THROW(make({{"topic", "x"}, {"topics", {"y"}}}), GameConfigError);
}

TEST(Debate, HeuristicBotDebatesBothSides) {
  auto g = make({}, 4);
  auto pro = make_bot("heuristic", "debate", {}, 1);
  auto con = make_bot("heuristic", "debate", {}, 2);
  while (g.to_move() >= 0) ASSERT_TRUE(g.apply((g.to_move() == 0 ? pro : con)->choose_move(g)).legal);
  ASSERT_EQ(g.statements().size(), 6u);
  EXPECT_NE(g.statements()[0].text.find(g.topic()), std::string::npos);
  EXPECT_NE(g.statements()[0].text.find("in favour of"), std::string::npos);
  EXPECT_NE(g.statements()[1].text.find("against"), std::string::npos);
  EXPECT_NE(g.statements()[2].text.find("My opponent"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::games
