// Reading self-play answers: fenced blocks, the <answer> part, the format rule, proposals and
// solver answers.
#include "harness/selfplay/parse.h"

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

TEST(SelfPlayParse, FencedBlocksInOrderWithKindsAndCleanBodies) {
  auto b = fenced_blocks(
      "text\n```python\n\ndef f(x):\n    return x\n```\nmore\n``` Input \n  3 \n```\n```\nplain\n```\n```output\nnot "
      "closed");
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].kind, "python");
  EXPECT_EQ(b[0].body, "def f(x):\n    return x");
  EXPECT_EQ(b[1].kind, "input");
  EXPECT_EQ(b[1].body, "  3");  // first line keeps its indentation; trailing space dropped
  EXPECT_EQ(b[2].kind, "");
  EXPECT_EQ(b[2].body, "plain");
}

TEST(SelfPlayParse, AnswerPartIsAfterTheLastOpeningTag) {
  EXPECT_EQ(answer_part("<answer>a</answer> then <answer>b</answer>"), "b");
  EXPECT_EQ(answer_part("x <answer>\nfinal\n</answer> y"), "\nfinal\n");
  EXPECT_FALSE(answer_part("<answer>never closed").has_value());
  EXPECT_FALSE(answer_part("no tags").has_value());
  EXPECT_FALSE(answer_part("</answer> backwards <answer>").has_value());
}

TEST(SelfPlayParse, WellFormedNeedsReasoningThenAClosedAnswer) {
  Choice c;
  c.reasoning = "thinking";
  c.text = "<answer>x</answer>";
  EXPECT_TRUE(well_formed(c, true));
  c.reasoning = "  \n";
  EXPECT_FALSE(well_formed(c, true));
  EXPECT_TRUE(well_formed(c, false));
  c.reasoning = "thinking";
  c.text = "the answer is x";
  EXPECT_FALSE(well_formed(c, true));
  EXPECT_FALSE(well_formed(c, false));
}

TEST(SelfPlayParse, ProgramProposalNeedsPythonAndInputBlocks) {
  auto ok = parse_proposal(TaskType::deduction, "```python\ndef f(x):\n    return x + 1\n```\n```input\n 5 \n```", 10);
  EXPECT_EQ(ok.reason, "");
  EXPECT_EQ(ok.program, "def f(x):\n    return x + 1");
  ASSERT_EQ(ok.inputs.size(), 1u);
  EXPECT_EQ(ok.inputs[0], "5");
  // The first python and the first input block count.
  auto two = parse_proposal(TaskType::abduction,
                            "```python\na\n```\n```python\nb\n```\n```input\n1\n```\n```input\n2\n```", 10);
  EXPECT_EQ(two.program, "a");
  EXPECT_EQ(two.inputs[0], "1");
  auto no_code = parse_proposal(TaskType::abduction, "```input\n1\n```", 10);
  EXPECT_EQ(no_code.reason, "format");
  EXPECT_NE(no_code.detail.find("python"), std::string::npos);
  auto no_input = parse_proposal(TaskType::deduction, "```python\ndef f(x):\n    return x\n```", 10);
  EXPECT_EQ(no_input.reason, "format");
  EXPECT_NE(no_input.detail.find("input"), std::string::npos);
}

TEST(SelfPlayParse, InductionProposalNeedsEnoughInputsAndAMessage) {
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += "```input\n" + std::to_string(i) + "\n```\n";
  auto ok = parse_proposal(TaskType::induction, ten + "```message\n  doubles it \n```", 10);
  EXPECT_EQ(ok.reason, "");
  ASSERT_EQ(ok.inputs.size(), 10u);
  EXPECT_EQ(ok.inputs.front(), "0");
  EXPECT_EQ(ok.message, "doubles it");
  // More than needed: the last ones count (AZR's rule).
  auto twelve =
      parse_proposal(TaskType::induction, "```input\nA\n```\n```input\nB\n```\n" + ten + "```message\nm\n```", 10);
  EXPECT_EQ(twelve.reason, "");
  EXPECT_EQ(twelve.inputs.front(), "0");
  auto few = parse_proposal(TaskType::induction, "```input\n1\n```\n```message\nm\n```", 10);
  EXPECT_EQ(few.reason, "input_count");
  EXPECT_NE(few.detail.find("1 ```input blocks, 10 needed"), std::string::npos) << few.detail;
  auto no_message = parse_proposal(TaskType::induction, ten, 10);
  EXPECT_EQ(no_message.reason, "missing_message");
  auto empty_message = parse_proposal(TaskType::induction, ten + "```message\n\n```", 10);
  EXPECT_EQ(empty_message.reason, "missing_message");
  EXPECT_EQ(parse_proposal(TaskType::induction, "just words", 10).reason, "format");
  EXPECT_EQ(parse_proposal(TaskType::induction, ten + "```input\n\n```\n```message\nm\n```", 10).reason, "input_count");
}

TEST(SelfPlayParse, SolverAnswerTakesTheBlockOfItsKindElseTheWholeAnswer) {
  EXPECT_EQ(solver_answer(TaskType::deduction, "```input\n1\n```\n```output\n [1, 2] \n```"), "[1, 2]");
  EXPECT_EQ(solver_answer(TaskType::abduction, "```output\n9\n```\n```input\n'a', 2\n```"), "'a', 2");
  EXPECT_EQ(solver_answer(TaskType::induction, "```python\ndef f(x):\n    return x\n```"), "def f(x):\n    return x");
  EXPECT_EQ(solver_answer(TaskType::deduction, "\n  42  \n"), "42");
}

TEST(SelfPlayParse, RejoinedCompletionPutsTheReasoningBack) {
  Choice c;
  c.text = "<answer>1</answer>";
  EXPECT_EQ(rejoin_completion(c, false), "<answer>1</answer>");
  c.reasoning = "hmm";
  EXPECT_EQ(rejoin_completion(c, false), "<think>\nhmm\n</think>\n\n<answer>1</answer>");
  EXPECT_EQ(rejoin_completion(c, true), "hmm\n</think>\n\n<answer>1</answer>");
}

}  // namespace
}  // namespace gauntlet::harness
