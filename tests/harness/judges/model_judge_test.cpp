// ModelJudge through a scripted client: the prompt it sends, re-asking after an unreadable reply
// (with the problem), failure after its attempts or a failed request (JudgeError, never a score),
// replays asked afresh (sample index and seed), grades read with a pattern from a templated
// prompt, and the panel: sums of totals, majority and mean grades with hand-computed ties, one
// failing judge failing the panel; the text-statistics judge.
#include "harness/judges/model_judge.h"

#include <gtest/gtest.h>

#include "harness/judges/judge_error.h"
#include "harness/judges/judge_panel.h"
#include "harness/prompts/prompt_template.h"
#include "harness/judges/text_stats_judge.h"
#include "tests/support/scripted_client.h"

namespace gauntlet::harness {
namespace {

using testing::ScriptedClient;

RubricTask debate_task() {
  RubricTask t;
  t.instructions = "You judge a debate on the motion \"Tea beats coffee.\"";
  t.passages = {{"for", "For (opening)", "Tea is calm because it has less caffeine; studies show 40% less."},
                {"against", "Against (opening)", "Coffee wins."}};
  t.candidates = {"for", "against"};
  t.rubric = default_rubric();
  return t;
}

GradeTask correctness_task(int replay = 0) {
  PromptTemplate t("Question: {question}\nReference: {reference}\nAnswer: {answer}\n"
                   "Grade the answer C (correct) or I (incorrect); end with GRADE: C or GRADE: I.");
  GradeTask task{{{"user", t.render({{"question", "2+2?"}, {"reference", "4"}, {"answer", "four"}})}},
                 GradePattern::from_json({{"pattern", "GRADE:\\s*([A-Za-z])"}, {"choices", {{"C", 1}, {"I", 0}}}}),
                 "a last line GRADE: C or GRADE: I",
                 replay};
  return task;
}

GradeTask score_task() {
  return {{{"user", "Rate it from 1 to 10; end with SCORE: n."}},
          GradePattern::from_json({{"pattern", "SCORE:\\s*(\\S+)"}, {"range", {1, 10}}, {"pass", 7}}),
          "a last line SCORE: n",
          0};
}

// A full score sheet: every aspect of `for` = f, of `against` = a.
std::string sheet(int f, int a, const std::string& reasoning = "because") {
  nlohmann::json scores;
  for (auto [side, v] : {std::pair<const char*, int>{"for", f}, {"against", a}})
    for (const auto& c : default_rubric().criteria)
      for (const auto& asp : c.aspects) scores[side][c.name][asp] = v;
  return nlohmann::json{{"reasoning", reasoning}, {"scores", scores}}.dump();
}

TEST(ModelJudge, ScoresFromAReadableReply) {
  ScriptedClient client(std::vector<std::string>{"Here you go: " + sheet(4, 2)});
  ModelJudgeOptions options;
  options.params.temperature = 0.0;
  ModelJudge judge("j1", client, options);
  auto r = judge.score(debate_task());
  EXPECT_EQ(r.judge, "j1");
  EXPECT_DOUBLE_EQ(r.totals["for"], 12.0);  // all 4s: 12 per criterion, weights sum to 100
  EXPECT_DOUBLE_EQ(r.totals["against"], 6.0);
  EXPECT_EQ(r.reasoning, "because");
  EXPECT_EQ(r.trace.replies.size(), 1u);
  auto sent = client.log()->snapshot();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].messages.size(), 2u);
  EXPECT_NE(sent[0].messages[0].content.find("impartial judge"), std::string::npos);
  const auto& user = sent[0].messages[1].content;
  EXPECT_NE(user.find("[For (opening)]\nTea is calm"), std::string::npos);
  EXPECT_NE(user.find("argumentation (weight 30): clarity, coherence, relevance"), std::string::npos);
  EXPECT_NE(user.find("\"scores\":{\"for\":{\"argumentation\""), std::string::npos);
  EXPECT_EQ(sent[0].sample_index, 0);
}

TEST(ModelJudge, ReasksAfterAnUnreadableReplyThenFails) {
  ScriptedClient twice(std::vector<std::string>{"For wins, obviously.", sheet(3, 3)});
  ModelJudge judge("j", twice, {});
  auto r = judge.score(debate_task());
  EXPECT_EQ(r.trace.replies.size(), 2u);
  ASSERT_EQ(r.trace.problems.size(), 1u);
  auto sent = twice.log()->snapshot();
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_EQ(sent[1].messages.size(), 4u);
  EXPECT_EQ(sent[1].messages[2].content, "For wins, obviously.");
  EXPECT_NE(sent[1].messages[3].content.find("could not be read: no JSON object found"), std::string::npos);

  ScriptedClient never(std::vector<std::string>{"no idea"});
  ModelJudgeOptions two;
  two.attempts = 2;
  ModelJudge stubborn("stubborn", never, two);
  try {
    stubborn.score(debate_task());
    ADD_FAILURE() << "no JudgeError";
  } catch (const JudgeError& e) {
    EXPECT_NE(std::string(e.what()).find("judge stubborn: 2 replies could not be read"), std::string::npos) << e.what();
  }
  EXPECT_EQ(never.log()->snapshot().size(), 2u);
}

TEST(ModelJudge, AFailedRequestIsAnErrorNotAScore) {
  ScriptedClient down([](const ChatRequest&, std::size_t) { return testing::error_result("HTTP 500 after 6 retries"); });
  ModelJudge judge("down", down, {});
  EXPECT_THROW(judge.score(debate_task()), JudgeError);
  EXPECT_THROW(judge.grade(correctness_task()), JudgeError);
  EXPECT_EQ(down.log()->snapshot().size(), 2u);  // one request each: the client already retried
}

TEST(ModelJudge, ReplaysAreAskedAfresh) {
  ScriptedClient client(std::vector<std::string>{sheet(3, 3)});
  ModelJudgeOptions options;
  options.params.seed = 10;
  ModelJudge judge("j", client, options);
  auto task = debate_task();
  task.replay = 2;
  judge.score(task);
  auto sent = client.log()->snapshot();
  EXPECT_EQ(sent[0].sample_index, 2);
  EXPECT_EQ(sent[0].params.seed, 12);
}

TEST(JudgePanel, SumsTotalsAndVotes) {
  ScriptedClient a(std::vector<std::string>{sheet(4, 3)}), b(std::vector<std::string>{sheet(2, 3)});
  ModelJudge ja("a", a, {}), jb("b", b, {});
  // a: for 12, against 9; b: for 6, against 9 -> for 18, against 18: a tie by hand.
  auto scores = panel_score({&ja, &jb}, debate_task());
  ASSERT_EQ(scores.judgements.size(), 2u);
  EXPECT_EQ(scores.judgements[0].judge, "a");
  EXPECT_DOUBLE_EQ(scores.totals["for"], 18.0);
  EXPECT_DOUBLE_EQ(scores.totals["against"], 18.0);
  auto j = scores.to_json();
  EXPECT_EQ(j["judges"][1]["scores"]["for"]["rebuttal"]["balance"], 2);
  EXPECT_EQ(j["judges"][0]["reasoning"], "because");

  ScriptedClient broken(std::vector<std::string>{"?"});
  ModelJudge jx("broken", broken, {});
  try {
    panel_score({&ja, &jx}, debate_task());
    ADD_FAILURE() << "the panel hid a failed judge";
  } catch (const JudgeError& e) {
    EXPECT_NE(std::string(e.what()).find("judge broken"), std::string::npos);
  }
  EXPECT_THROW(panel_score({}, debate_task()), std::invalid_argument);
}

TEST(ModelJudge, GradesFromATemplatedPromptAndPattern) {
  // The last GRADE line counts; "GRADE: X" is off the scale and asked again with the format.
  ScriptedClient client(std::vector<std::string>{"GRADE: C at first glance... GRADE: X", "Checked: GRADE: c"});
  ModelJudge judge("j", client, {});
  auto g = judge.grade(correctness_task(1));
  EXPECT_EQ(g.grade.label, "C");
  EXPECT_DOUBLE_EQ(g.grade.value, 1.0);
  EXPECT_TRUE(g.grade.passed);
  EXPECT_EQ(g.reply, "Checked: GRADE: c");
  ASSERT_EQ(g.trace.problems.size(), 1u);
  EXPECT_NE(g.trace.problems[0].find("\"X\" is not C or I"), std::string::npos) << g.trace.problems[0];
  auto sent = client.log()->snapshot();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].messages[0].content.substr(0, 35), "Question: 2+2?\nReference: 4\nAnswer:");
  EXPECT_EQ(sent[0].sample_index, 1);
  EXPECT_NE(sent[1].messages.back().content.find("Reply again with a last line GRADE: C or GRADE: I."),
            std::string::npos);
  auto j = g.to_json();
  EXPECT_EQ(j["grade"]["label"], "C");
  EXPECT_EQ(j["trace"]["replies"].size(), 2u);

  ScriptedClient never(std::vector<std::string>{"It is fine."});
  ModelJudge stubborn("s", never, {});
  EXPECT_THROW(stubborn.grade(correctness_task()), JudgeError);
  EXPECT_EQ(never.log()->snapshot().size(), 3u);  // attempts = 3
}

TEST(JudgePanel, GradesByMajorityAndMean) {
  auto judge_saying = [](const std::string& reply) { return std::make_unique<ScriptedClient>(std::vector<std::string>{reply}); };
  auto c1 = judge_saying("GRADE: C"), c2 = judge_saying("GRADE: C"), i1 = judge_saying("GRADE: I");
  ModelJudge a("a", *c1, {}), b("b", *c2, {}), n("n", *i1, {});
  auto two_of_three = panel_grade({&a, &n, &b}, correctness_task(), Aggregation::kMajority);
  EXPECT_EQ(two_of_three.grade.label, "C");
  EXPECT_TRUE(two_of_three.grade.passed);
  EXPECT_EQ(two_of_three.passed_votes, 2);
  EXPECT_EQ(two_of_three.judgements[1].judge, "n");
  // One each: a tie goes to the lower grade.
  auto tie = panel_grade({&a, &n}, correctness_task(), Aggregation::kMajority);
  EXPECT_EQ(tie.grade.label, "I");
  EXPECT_FALSE(tie.grade.passed);
  // Mean of 1, 0, 1 = 2/3 < pass mark 1 (the top of the scale by default).
  auto mean = panel_grade({&a, &n, &b}, correctness_task(), Aggregation::kMean);
  EXPECT_NEAR(mean.grade.value, 2.0 / 3.0, 1e-12);
  EXPECT_FALSE(mean.grade.passed);
  EXPECT_EQ(mean.to_json()["aggregation"], "mean");

  // Numeric: 8, 6, 9 -> mean 23/3 >= 7 passes; majority (all different) -> the lowest, 6, fails.
  auto s8 = judge_saying("SCORE: 8"), s6 = judge_saying("SCORE: 6.0"), s9 = judge_saying("SCORE: 9");
  ModelJudge j8("8", *s8, {}), j6("6", *s6, {}), j9("9", *s9, {});
  auto scored = panel_grade({&j8, &j6, &j9}, score_task(), Aggregation::kMean);
  EXPECT_NEAR(scored.grade.value, 23.0 / 3.0, 1e-12);
  EXPECT_TRUE(scored.grade.passed);
  EXPECT_EQ(scored.passed_votes, 2);
  auto voted = panel_grade({&j8, &j6, &j9}, score_task(), Aggregation::kMajority);
  EXPECT_EQ(voted.grade.label, "6");
  EXPECT_FALSE(voted.grade.passed);
  EXPECT_EQ(aggregation_from_string("mean"), Aggregation::kMean);
  EXPECT_THROW(aggregation_from_string("median"), std::invalid_argument);

  ScriptedClient down([](const ChatRequest&, std::size_t) { return testing::error_result("HTTP 503"); });
  ModelJudge jd("down", down, {});
  try {
    panel_grade({&a, &jd}, correctness_task(), Aggregation::kMajority);
    ADD_FAILURE() << "the panel hid a failed judge";
  } catch (const JudgeError& e) {
    EXPECT_NE(std::string(e.what()).find("judge down"), std::string::npos) << e.what();
  }
}

TEST(TextStatsJudge, ScoresDeterministicallyAndOnlyScores) {
  TextStatsJudge judge("stats");
  auto task = debate_task();
  auto first = judge.score(task), second = judge.score(task);
  EXPECT_EQ(first.to_json(), second.to_json());
  EXPECT_EQ(default_rubric().check(first.scores["for"]), "");
  EXPECT_EQ(default_rubric().check(first.scores["against"]), "");
  EXPECT_GT(first.totals["for"], first.totals["against"]);  // the longer, evidenced case
  EXPECT_FALSE(judge.grades());
  EXPECT_THROW(judge.grade(correctness_task()), JudgeError);
}

}  // namespace
}  // namespace gauntlet::harness
