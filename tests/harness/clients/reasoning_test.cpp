#include "harness/clients/reasoning.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

// ---------------------------------------------------------------------------------------------
// split_reasoning

Choice split(const std::optional<std::string>& content, const std::optional<std::string>& reasoning = std::nullopt,
             const std::optional<std::string>& reasoning_content = std::nullopt) {
  Choice c;
  split_reasoning(content, reasoning, reasoning_content, c);
  return c;
}

TEST(SplitReasoning, PlainContentUntouched) {
  const Choice c = split("  The answer is 4.\n");
  EXPECT_EQ(c.text, "  The answer is 4.\n");
  EXPECT_EQ(c.reasoning, "");
  EXPECT_FALSE(c.content_null);
}

TEST(SplitReasoning, ThinkBlock) {
  const Choice c = split("<think>\nLet me add.\n2+2=4\n</think>\n\nThe answer is 4.");
  EXPECT_EQ(c.text, "The answer is 4.");
  EXPECT_EQ(c.reasoning, "Let me add.\n2+2=4");
}

TEST(SplitReasoning, TextBeforeThinkIsKept) {
  const Choice c = split("Sure. <think>hmm</think> Four.");
  EXPECT_EQ(c.text, "Sure.  Four.");
  EXPECT_EQ(c.reasoning, "hmm");
}

TEST(SplitReasoning, MissingOpeningTag) {
  const Choice c = split("Okay, 2+2 is 4.\n</think>\n\n**4**");
  EXPECT_EQ(c.text, "**4**");
  EXPECT_EQ(c.reasoning, "Okay, 2+2 is 4.");
}

TEST(SplitReasoning, UnterminatedThink) {
  const Choice c = split("<think>\nStill going and going");
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.reasoning, "Still going and going");
  const Choice d = split("Prefix <think>cut off");
  EXPECT_EQ(d.text, "Prefix ");
  EXPECT_EQ(d.reasoning, "cut off");
}

TEST(SplitReasoning, EmptyThinkBlock) {
  const Choice c = split("<think>\n\n</think>\n\nHello");
  EXPECT_EQ(c.text, "Hello");
  EXPECT_EQ(c.reasoning, "");
}

TEST(SplitReasoning, ReasoningFieldFirst) {
  const Choice c = split("\n\nAnswer", "from reasoning", "from reasoning_content");
  EXPECT_EQ(c.reasoning, "from reasoning");
  EXPECT_EQ(c.text, "Answer");
}

TEST(SplitReasoning, EmptyReasoningFallsBackToReasoningContent) {
  const Choice c = split("Answer", "", "from reasoning_content");
  EXPECT_EQ(c.reasoning, "from reasoning_content");
  EXPECT_EQ(c.text, "Answer");
}

TEST(SplitReasoning, EmptyServerFieldsFallBackToTags) {
  const Choice c = split("<think>tagged</think>Answer", "", "");
  EXPECT_EQ(c.reasoning, "tagged");
  EXPECT_EQ(c.text, "Answer");
}

TEST(SplitReasoning, StrayThinkBlockStrippedWhenServerFieldUsed) {
  const Choice c = split("<think>stray</think>\nAnswer", "server reasoning");
  EXPECT_EQ(c.reasoning, "server reasoning");
  EXPECT_EQ(c.text, "Answer");
  const Choice d = split("leftover</think>Answer", std::nullopt, "server reasoning");
  EXPECT_EQ(d.reasoning, "server reasoning");
  EXPECT_EQ(d.text, "Answer");
}

TEST(SplitReasoning, NullContent) {
  const Choice c = split(std::nullopt, std::nullopt, "ran out of budget");
  EXPECT_TRUE(c.content_null);
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.reasoning, "ran out of budget");
}

// ---------------------------------------------------------------------------------------------
// split_reasoning_at: the engine's byte bounds

TEST(SplitReasoningAt, BlockOpenedByTheModel) {
  const std::string text = "<think>\nadd\n</think>\n\n4";
  Choice c;
  split_reasoning_at(text, {0, 7, 12, 20}, c);
  EXPECT_EQ(c.reasoning, "add");
  EXPECT_EQ(c.text, "4");
}

TEST(SplitReasoningAt, BlockOpenedByThePromptAndNeverClosed) {
  Choice c;
  split_reasoning_at("still thinking ", {0, 0, 15, 15}, c);
  EXPECT_EQ(c.reasoning, "still thinking");
  EXPECT_EQ(c.text, "");
}

TEST(SplitReasoningAt, TextBeforeTheBlockIsKeptAndBoundsAreClamped) {
  Choice c;
  split_reasoning_at("Hi <think>x</think> there", {3, 10, 11, 99}, c);
  EXPECT_EQ(c.reasoning, "x");
  EXPECT_EQ(c.text, "Hi ");
  split_reasoning_at("ab", {5, 1, 0, 7}, c);  // out of order and past the end: nothing breaks
  EXPECT_EQ(c.reasoning, "");
  EXPECT_EQ(c.text, "ab");
}

// The engine's split leaves a second </think> in the answer; the server's split plus split_reasoning
// would drop it. drop_stray_think_block makes the engine's answer the same.
TEST(DropStrayThinkBlock, TheAnswerIsWhatAServerSplitWouldGive) {
  const std::string generated = "<think>first</think>\n\nmore thoughts</think>\n\nThe answer is 4";
  Choice engine_side;
  split_reasoning_at(generated, {0, 7, 12, 20}, engine_side);
  ASSERT_EQ(engine_side.text, "more thoughts</think>\n\nThe answer is 4");
  drop_stray_think_block(engine_side);
  EXPECT_EQ(engine_side.text, "The answer is 4");
  EXPECT_EQ(engine_side.reasoning, "first");
  const Choice server_side = split(std::string("\n\nmore thoughts</think>\n\nThe answer is 4"), "first");
  EXPECT_EQ(server_side.text, engine_side.text);
  EXPECT_EQ(server_side.reasoning, engine_side.reasoning);
  Choice plain;
  plain.text = "No tags at all";
  drop_stray_think_block(plain);
  EXPECT_EQ(plain.text, "No tags at all");
}

}  // namespace
}  // namespace gauntlet::harness
