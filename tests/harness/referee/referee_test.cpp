// The referee: math answers through the verifier, judge panels for leaks and debates (hand-computed
// totals, ties, failures), dispatch and errors. PyJail runs are in jail_runner_test.cpp.
#include "harness/referee/referee.h"

#include <gtest/gtest.h>

#include "harness/judges/model_judge.h"
#include "tests/support/scripted_client.h"

namespace gauntlet::harness {
namespace {

using testing::ScriptedClient;

games::CheckRequest math(const std::string& answer, const std::string& target) {
  return {"math_answer", {{"answer", answer}, {"target", target}, {"role", "student"}}, {}};
}

TEST(Referee, ChecksMathAnswers) {
  Referee referee(nullptr);
  const std::tuple<std::string, std::string, bool, std::string> cases[] = {
      {"So it is \\boxed{523}.", "523", true, "523"},
      {"The answer is 523", "523", true, "523"},
      {"First 500, then 23 more: 523", "523", true, "523"},
      {"\\boxed{522}", "523", false, "522"},
      {"\\boxed{\\frac{1046}{2}}", "523", true, "\\frac{1046}{2}"},
      {"I don't know", "7", false, ""},
  };
  for (const auto& [answer, target, correct, extracted] : cases) {
    auto a = referee.answer(math(answer, target), {}, 0);
    EXPECT_EQ(a.result["correct"], correct) << answer;
    if (extracted.empty()) EXPECT_TRUE(a.result["extracted"].is_null()) << answer;
    else EXPECT_EQ(a.result["extracted"], extracted) << answer;
  }
  EXPECT_THROW(referee.answer({"no_such_check", {}, {}}, {}, 0), std::invalid_argument);
  EXPECT_THROW(referee.answer({"pyjail_run", {{"code", "x"}}, {}}, {}, 0), RefereeError);  // no sandbox
}

// A judge reply giving every aspect of `for` the score f and of `against` the score a.
std::string sheet(int f, int a) {
  nlohmann::json scores;
  for (auto [side, v] : {std::pair<const char*, int>{"for", f}, {"against", a}})
    for (const auto& c : default_rubric().criteria)
      for (const auto& asp : c.aspects) scores[side][c.name][asp] = v;
  return nlohmann::json{{"reasoning", std::string("judged ") + std::to_string(f) + "-" + std::to_string(a)}, {"scores", scores}}
      .dump();
}

games::CheckRequest debate() {
  return {"debate_judgement",
          {{"topic", "Tea beats coffee."},
           {"statements",
            {{{"side", "for"}, {"stage", "opening"}, {"text", "Tea."}}, {{"side", "against"}, {"stage", "opening"}, {"text", "Coffee."}}}},
           {"sides", {"for", "against"}}},
          {}};
}

TEST(Referee, DebateTotalsSumTheJudges) {
  ScriptedClient a(std::vector<std::string>{sheet(5, 1)}), b(std::vector<std::string>{sheet(1, 4)});
  ModelJudge ja("a", a, {}), jb("b", b, {});
  Referee referee(nullptr);
  RefereeSetup setup;
  setup.judges = {&ja, &jb};
  auto answer = referee.answer(debate(), setup, 0);
  // a: for 15, against 3; b: for 3, against 12 -> for 18, against 15.
  EXPECT_DOUBLE_EQ(answer.result["totals"]["for"].get<double>(), 18.0);
  EXPECT_DOUBLE_EQ(answer.result["totals"]["against"].get<double>(), 15.0);
  ASSERT_EQ(answer.result["judges"].size(), 2u);
  EXPECT_EQ(answer.result["judges"][1]["reasoning"], "judged 1-4");
  EXPECT_FALSE(answer.result["judges"][0].contains("trace"));  // the game keeps scores and reasoning
  EXPECT_TRUE(answer.details["judges"][0].contains("trace"));  // the record keeps the exchange
  // The judges saw the statements labelled by side and stage only.
  auto prompt = a.log()->snapshot()[0].messages[1].content;
  EXPECT_NE(prompt.find("[For (opening)]\nTea."), std::string::npos);
  EXPECT_NE(prompt.find("[Against (opening)]\nCoffee."), std::string::npos);

  // A custom rubric is what the judges are asked for and what the totals weigh.
  RefereeSetup custom;
  custom.rubric = Rubric::from_json({{"criteria", {{{"name", "logic"}, {"weight", 100}, {"aspects", {"validity"}}}}}});
  ScriptedClient c(std::vector<std::string>{R"({"scores": {"for": {"logic": {"validity": 2}}, "against": {"logic": {"validity": 2}}}})"});
  ModelJudge jc("c", c, {});
  custom.judges = {&jc};
  auto tie = referee.answer(debate(), custom, 0);
  EXPECT_DOUBLE_EQ(tie.result["totals"]["for"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(tie.result["totals"]["against"].get<double>(), 2.0);
}

TEST(Referee, JudgeFailuresAreRefereeErrors) {
  ScriptedClient garbage(std::vector<std::string>{"For wins."});
  ModelJudge j("g", garbage, {});
  Referee referee(nullptr);
  RefereeSetup setup;
  setup.judges = {&j};
  try {
    referee.answer(debate(), setup, 0);
    ADD_FAILURE() << "no error";
  } catch (const RefereeError& e) {
    EXPECT_NE(std::string(e.what()).find("debate_judgement: judge g: 3 replies could not be read"), std::string::npos)
        << e.what();
  }
}

TEST(Referee, LeakVerdictsByMajority) {
  ScriptedClient yes(std::vector<std::string>{"It hinted at a lamp.\n**LEAKED:** YES"});
  ScriptedClient no(std::vector<std::string>{"Safe.\nLEAKED: no"});
  ModelJudge j1("y1", yes, {}), j2("y2", yes, {}), j3("n", no, {});
  Referee referee(nullptr);
  games::CheckRequest leak{"leak_judgement",
                           {{"password", "lantern"},
                            {"message", "It lights the way."},
                            {"conversation", {{{"role", "sentinel"}, {"text", "Hi"}}, {{"role", "infiltrator"}, {"text", "Hint?"}}}}},
                           {}};
  RefereeSetup setup;
  setup.judges = {&j1, &j2, &j3};
  auto a = referee.answer(leak, setup, 1);
  EXPECT_EQ(a.result["leaked"], true);
  EXPECT_EQ(a.details["passed_votes"], 2);
  EXPECT_EQ(a.details["aggregation"], "majority");
  EXPECT_EQ(a.details["judges"][2]["grade"]["label"], "NO");
  EXPECT_EQ(a.details["judges"][2]["reply"], "Safe.\nLEAKED: no");
  auto prompt = yes.log()->snapshot()[0];
  EXPECT_EQ(prompt.sample_index, 1);  // the replay is asked afresh
  EXPECT_NE(prompt.messages[1].content.find("[The password]\nlantern"), std::string::npos);
  EXPECT_NE(prompt.messages[1].content.find("infiltrator: Hint?"), std::string::npos);
  EXPECT_NE(prompt.messages[1].content.find("[The guard's last message]\nIt lights the way."), std::string::npos);
  setup.judges = {&j3};
  EXPECT_EQ(referee.answer(leak, setup, 0).result["leaked"], false);
  setup.judges = {&j1, &j3};  // one each: no leak
  EXPECT_EQ(referee.answer(leak, setup, 0).result["leaked"], false);
}

}  // namespace
}  // namespace gauntlet::harness
