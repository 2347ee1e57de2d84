// MathQuiz driven by scripted moves and check results through every branch: invalid questions,
// the teacher's self-check (right, wrong with a new target, out of attempts), the student's
// answers (right, wrong and retried, out of attempts), malformed results, conversations, seeds.
#include "games/mathquiz_game.h"

#include <gtest/gtest.h>

#include "games/bot.h"

namespace gauntlet::games {
namespace {

MathQuizGame make(nlohmann::json options = nlohmann::json::object(), std::uint64_t seed = 7) {
  return MathQuizGame(MathQuizOptions::from_json(options), seed);
}

nlohmann::json verdict(bool correct, const std::string& extracted) { return {{"correct", correct}, {"extracted", extracted}}; }

TEST(MathQuiz, OptionsAreValidated) {
  EXPECT_THROW(make({{"target_min", 10}, {"target_max", 5}}), GameConfigError);
  EXPECT_THROW(make({{"teacher_attempts", 0}}), GameConfigError);
  EXPECT_THROW(make({{"colour", "red"}}), GameConfigError);
  EXPECT_NO_THROW(make({{"target", 42}, {"student_attempts", 1}}));
}

TEST(MathQuiz, StudentAnswersRightAndWins) {
  auto g = make({{"target", 42}});
  EXPECT_EQ(g.roles(), (std::vector<std::string>{"teacher", "student"}));
  EXPECT_EQ(g.to_move(), MathQuizGame::kTeacher);
  EXPECT_FALSE(g.pending_check());
  // The question may not contain its answer; an empty reply is no move either.
  auto bad = g.apply("What is 42 + 0?");
  EXPECT_FALSE(bad.legal);
  EXPECT_NE(bad.reason.find("contains its answer 42"), std::string::npos) << bad.reason;
  EXPECT_FALSE(g.apply("   ").legal);
  EXPECT_TRUE(g.apply("What is 420 / 10?").legal);  // 420 is not 42
  EXPECT_EQ(g.phase(), MathQuizGame::Phase::kTeacherAnswer);
  EXPECT_EQ(g.to_move(), MathQuizGame::kTeacher);
  ASSERT_TRUE(g.apply("It is \\boxed{42}").legal);
  EXPECT_EQ(g.to_move(), -1);
  auto check = g.pending_check();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->kind, "math_answer");
  EXPECT_EQ(check->input["target"], "42");
  EXPECT_EQ(check->input["role"], "teacher");
  EXPECT_EQ(check->input["answer"], "It is \\boxed{42}");
  EXPECT_TRUE(check->secrets.empty());
  EXPECT_FALSE(g.resolve_check({{"correct", "yes"}}).legal);  // malformed: nothing changes
  EXPECT_TRUE(g.pending_check());
  ASSERT_TRUE(g.resolve_check(verdict(true, "42")).legal);
  EXPECT_EQ(g.to_move(), MathQuizGame::kStudent);
  EXPECT_NE(g.observation(MathQuizGame::kStudent).find("What is 420 / 10?"), std::string::npos);
  ASSERT_TRUE(g.apply("42").legal);
  ASSERT_EQ(g.pending_check()->input["role"], "student");
  ASSERT_TRUE(g.resolve_check(verdict(true, "42")).legal);
  auto o = g.outcome();
  EXPECT_TRUE(o.finished);
  EXPECT_EQ(o.scores, (std::vector<double>{0.0, 1.0}));
  EXPECT_FALSE(g.apply("anything").legal);
}

TEST(MathQuiz, StudentRetriesThenTeacherWins) {
  auto g = make({{"target", 7}, {"student_attempts", 2}});
  ASSERT_TRUE(g.apply("What is 3 + 4?").legal);
  ASSERT_TRUE(g.apply("\\boxed{7}").legal);
  ASSERT_TRUE(g.resolve_check(verdict(true, "7")).legal);
  ASSERT_TRUE(g.apply("8").legal);
  ASSERT_TRUE(g.resolve_check(verdict(false, "8")).legal);
  EXPECT_FALSE(g.outcome().finished);
  EXPECT_EQ(g.to_move(), MathQuizGame::kStudent);  // same question again
  EXPECT_EQ(g.student_failures(), 1);
  EXPECT_NE(g.conversation_message(MathQuizGame::kStudent).find("(8) is wrong (1 of 2"), std::string::npos);
  ASSERT_TRUE(g.apply("9").legal);
  ASSERT_TRUE(g.resolve_check(verdict(false, "9")).legal);
  EXPECT_TRUE(g.outcome().finished);
  EXPECT_EQ(g.outcome().scores, (std::vector<double>{1.0, 0.0}));
}

TEST(MathQuiz, TeacherMustSolveItsOwnQuestion) {
  auto g = make({{"teacher_attempts", 2}}, 99);
  const int first = g.target();
  ASSERT_TRUE(g.apply("What is the answer?").legal);
  ASSERT_TRUE(g.apply("\\boxed{0}").legal);
  ASSERT_TRUE(g.resolve_check(verdict(false, "0")).legal);
  EXPECT_EQ(g.teacher_failures(), 1);
  EXPECT_EQ(g.phase(), MathQuizGame::Phase::kQuestion);
  EXPECT_TRUE(g.question().empty());
  const int second = g.target();  // a new seeded target for the new question
  EXPECT_NE(g.conversation_message(MathQuizGame::kTeacher).find("withdrawn (1 of 2"), std::string::npos);
  EXPECT_EQ(make({{"teacher_attempts", 2}}, 99).target(), first);  // reproducible
  ASSERT_TRUE(g.apply("Another question?").legal);
  ASSERT_TRUE(g.apply("\\boxed{1}").legal);
  ASSERT_TRUE(g.resolve_check(verdict(false, "1")).legal);
  EXPECT_TRUE(g.outcome().finished);
  EXPECT_EQ(g.outcome().scores, (std::vector<double>{0.0, 1.0}));  // the student never saw a question
  EXPECT_NE(g.outcome().reason.find("teacher failed"), std::string::npos);
  // Different seeds give different targets (almost always).
  int differ = 0;
  for (std::uint64_t s = 0; s < 20; ++s) differ += make({}, s).target() != make({}, s + 100).target();
  EXPECT_GE(differ, 15);
  (void)second;
}

TEST(MathQuiz, TargetsStayInRange) {
  for (std::uint64_t s = 0; s < 200; ++s) {
    int t = make({{"target_min", -5}, {"target_max", 5}}, s).target();
    EXPECT_GE(t, -5);
    EXPECT_LE(t, 5);
  }
}

TEST(MathQuiz, ConversationMessagesHoldOnlyWhatIsNew) {
  auto g = make({{"target", 12}});
  auto first = g.conversation_message(MathQuizGame::kTeacher);
  EXPECT_NE(first.find("You are the teacher"), std::string::npos);
  EXPECT_NE(first.find("Your target is 12"), std::string::npos);
  ASSERT_TRUE(g.apply("What is 3 * 4?").legal);
  auto second = g.conversation_message(MathQuizGame::kTeacher);
  EXPECT_EQ(second.find("You are the teacher"), std::string::npos);  // the rules only once
  EXPECT_NE(second.find("Now answer your own question"), std::string::npos);
  // The student never sees the target or the teacher's private results.
  ASSERT_TRUE(g.apply("\\boxed{12}").legal);
  ASSERT_TRUE(g.resolve_check(verdict(true, "12")).legal);
  auto student = g.conversation_message(MathQuizGame::kStudent);
  EXPECT_NE(student.find("Question: What is 3 * 4?"), std::string::npos);
  EXPECT_EQ(student.find("target"), std::string::npos);
  EXPECT_EQ(student.find("12"), std::string::npos);
}

// The heuristic bot plays both roles; a test-side check reads the last integer of an answer.
TEST(MathQuiz, HeuristicBotsPlayWholeGames) {
  int student_wins = 0;
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    auto g = make({}, seed);
    auto teacher = make_bot("heuristic", "mathquiz", {}, seed + 1);
    auto student = make_bot("heuristic", "mathquiz", {}, seed + 2);
    for (int steps = 0; !g.outcome().finished && steps < 50; ++steps) {
      if (auto check = g.pending_check()) {
        std::string answer = check->input["answer"];
        auto open = answer.rfind('{'), close = answer.rfind('}');
        std::string value = open == std::string::npos ? answer : answer.substr(open + 1, close - open - 1);
        ASSERT_TRUE(g.resolve_check(verdict(value == check->input["target"].get<std::string>(), value)).legal);
        continue;
      }
      auto& bot = g.to_move() == MathQuizGame::kTeacher ? teacher : student;
      auto legality = g.apply(bot->choose_move(g));
      ASSERT_TRUE(legality.legal) << legality.reason << " in " << g.state();
    }
    ASSERT_TRUE(g.outcome().finished);
    EXPECT_EQ(g.teacher_failures(), 0);  // the bot always knows its own answer
    student_wins += g.outcome().scores[1] == 1.0;
  }
  // Arithmetic questions are solved; word problems only sometimes.
  EXPECT_GT(student_wins, 10);
  EXPECT_LT(student_wins, 30);
  EXPECT_FALSE(bot_supports("random", "mathquiz"));
  EXPECT_THROW(make_bot("random", "mathquiz", {}, 1), GameConfigError);
}

}  // namespace
}  // namespace gauntlet::games
