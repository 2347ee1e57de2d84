// TrimR's rules on scripted verdict and token streams: converged after m equivalent answers, the
// counter reset on a mismatch, no trim from a failed verdict, underthinking and repetition.
#include <gtest/gtest.h>

#include "harness/budgets/repetition_detector.h"
#include "harness/budgets/trimr_rules.h"

namespace {

using namespace gauntlet::harness;

ThoughtVerdict answer(int thought, std::optional<bool> equivalent) {
  ThoughtVerdict v;
  v.thought = thought;
  v.has_answer = true;
  v.equivalent = equivalent;
  return v;
}
ThoughtVerdict no_answer(int thought) {
  ThoughtVerdict v;
  v.thought = thought;
  v.has_answer = false;
  return v;
}
ThoughtVerdict failed(int thought) {
  ThoughtVerdict v;
  v.thought = thought;
  v.error = "verifier timed out";
  return v;
}

TEST(TrimRRules, TwoConsecutiveEquivalentAnswersConverge) {
  TrimRRules rules({});
  EXPECT_EQ(rules.on_verdict(no_answer(0)), CutReason::kNone);
  EXPECT_EQ(rules.on_verdict(answer(1, std::nullopt)), CutReason::kNone);
  EXPECT_EQ(rules.run(), 1);
  EXPECT_EQ(rules.on_verdict(no_answer(2)), CutReason::kNone);  // no answer: the run goes on
  EXPECT_EQ(rules.on_verdict(answer(3, true)), CutReason::kConverged);
  EXPECT_EQ(rules.decided_thought(), 3);
  // The decision sticks.
  EXPECT_EQ(rules.on_verdict(answer(4, false)), CutReason::kConverged);
  EXPECT_EQ(rules.decided_thought(), 3);
}

TEST(TrimRRules, AMismatchResetsTheCounter) {
  TrimROptions o;
  o.m = 3;
  TrimRRules rules(o);
  EXPECT_EQ(rules.on_verdict(answer(0, std::nullopt)), CutReason::kNone);
  EXPECT_EQ(rules.on_verdict(answer(1, true)), CutReason::kNone);
  EXPECT_EQ(rules.run(), 2);
  EXPECT_EQ(rules.on_verdict(answer(2, false)), CutReason::kNone);  // a different answer: a new run of 1
  EXPECT_EQ(rules.run(), 1);
  EXPECT_EQ(rules.on_verdict(answer(3, true)), CutReason::kNone);
  EXPECT_EQ(rules.on_verdict(answer(4, true)), CutReason::kConverged);
  EXPECT_EQ(rules.decided_thought(), 4);
}

TEST(TrimRRules, AVerifierFailureNeverTrims) {
  TrimRRules rules({});
  EXPECT_EQ(rules.on_verdict(answer(0, std::nullopt)), CutReason::kNone);
  EXPECT_EQ(rules.on_verdict(failed(1)), CutReason::kNone);
  EXPECT_EQ(rules.run(), 0);
  // Even a verdict claiming equivalence right after a failure only starts a run.
  EXPECT_EQ(rules.on_verdict(answer(2, std::nullopt)), CutReason::kNone);
  EXPECT_EQ(rules.run(), 1);
  EXPECT_EQ(rules.on_verdict(answer(3, true)), CutReason::kConverged);
}

TEST(TrimRRules, UnderthinkingNeedsBothManyTokensAndManyThoughts) {
  TrimROptions o;
  o.thinking_tokens = 100;  // tokens > 50 and thoughts > 20
  o.repetition.enabled = false;
  TrimRRules rules(o);
  for (int t = 1; t <= 80; ++t) ASSERT_EQ(rules.on_token(static_cast<std::uint64_t>(t), t), CutReason::kNone);
  for (int n = 1; n <= 20; ++n) ASSERT_EQ(rules.on_thought(n), CutReason::kNone);
  EXPECT_EQ(rules.on_thought(21), CutReason::kUnderthinking);

  TrimRRules early(o);  // many thoughts first, then the tokens cross the line
  EXPECT_EQ(early.on_thought(25), CutReason::kNone);
  for (int t = 1; t <= 50; ++t) ASSERT_EQ(early.on_token(static_cast<std::uint64_t>(t), t), CutReason::kNone);
  EXPECT_EQ(early.on_token(51, 51), CutReason::kUnderthinking);
}

TEST(TrimRRules, ALoopIsCutAsRepetition) {
  TrimROptions o;
  o.thinking_tokens = 10000;
  o.repetition = {true, 8, 4, 12};  // a block of <= 8 tokens 4 times, spanning >= 12 tokens
  TrimRRules rules(o);
  int t = 0;
  for (std::uint64_t s : {1, 2, 3, 4, 5, 6, 7, 8, 9}) ASSERT_EQ(rules.on_token(s, ++t), CutReason::kNone);
  // The block 7 8 9 repeated: 3 copies so far (7 8 9 | 7 8 9 | 7 8 9) ... the 4th copy's last token fires.
  const std::vector<std::uint64_t> loop = {7, 8, 9, 7, 8, 9, 7, 8};
  for (auto s : loop) ASSERT_EQ(rules.on_token(s, ++t), CutReason::kNone) << t;
  EXPECT_EQ(rules.on_token(9, ++t), CutReason::kRepetition);
  EXPECT_EQ(rules.repetition_period(), 3);
}

TEST(RepetitionDetector, PeriodsSpansAndResets) {
  RepetitionDetector one({true, 4, 3, 6});  // period 1 needs 6 equal tokens (the span), not 3
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(one.push(5));
  EXPECT_TRUE(one.push(5));
  EXPECT_EQ(one.period(), 1);
  EXPECT_TRUE(one.push(5));  // still in the loop
  EXPECT_FALSE(one.push(6));  // the loop broke

  RepetitionDetector two({true, 4, 3, 1});  // "a b a b a b" fires at its 6th token
  const std::vector<std::uint64_t> s = {1, 2, 1, 2, 1};
  for (auto x : s) EXPECT_FALSE(two.push(x));
  EXPECT_TRUE(two.push(2));
  EXPECT_EQ(two.period(), 2);

  RepetitionDetector off({false, 4, 2, 1});
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(off.push(1));

  RepetitionDetector none({true, 50, 4, 40});
  for (std::uint64_t i = 0; i < 500; ++i) EXPECT_FALSE(none.push(i % 97 * 31 + i / 97));  // no short period
}

}  // namespace
