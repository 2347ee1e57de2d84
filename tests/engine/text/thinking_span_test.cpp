#include "engine/text/thinking_span.h"

#include <vector>

#include <gtest/gtest.h>

namespace gauntlet::engine {
namespace {

const ThinkingDelimiters kThink{"<think>", "</think>", 10, 11};

// Feeds ids as tokens that each decode to `width` bytes; returns the span for the whole text.
std::optional<ThinkingSpan> track(const std::vector<int>& prompt, const std::vector<int>& ids, std::size_t width = 3,
                                  std::optional<std::size_t> text_size = std::nullopt) {
  ThinkingTracker t(kThink, prompt);
  std::size_t size = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    t.push(i, ids[i], size, size + width);
    size += width;
  }
  return t.finish(text_size.value_or(size));
}

TEST(ThinkingTracker, ModelOpensAndClosesTheBlock) {
  auto s = track({1, 2}, {10, 5, 6, 11, 7});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->open_at, 0u);
  EXPECT_EQ(s->begin, 3u);
  EXPECT_EQ(s->end, 9u);
  EXPECT_EQ(s->answer_at, 12u);
  EXPECT_EQ(s->close_token, 3u);
}

TEST(ThinkingTracker, PromptLeftThinkingOpen) {
  auto s = track({1, 10, 2}, {5, 11, 7});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 0u);
  EXPECT_EQ(s->end, 3u);
  EXPECT_EQ(s->close_token, 1u);
  // A prompt whose last block is closed does not leave thinking open.
  EXPECT_FALSE(track({10, 5, 11, 2}, {5, 6}));
}

TEST(ThinkingTracker, CloseWithoutOpenMakesEverythingBeforeItReasoning) {
  auto s = track({1}, {5, 6, 11, 7});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->open_at, 0u);
  EXPECT_EQ(s->begin, 0u);
  EXPECT_EQ(s->end, 6u);
  EXPECT_EQ(s->close_token, 2u);
}

TEST(ThinkingTracker, NeverClosedRunsToTheEndAndIsClampedByStopStrings) {
  auto s = track({1}, {4, 10, 5, 6});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->open_at, 3u);
  EXPECT_EQ(s->end, 12u);
  EXPECT_FALSE(s->close_token);
  auto cut = track({1}, {4, 10, 5, 6}, 3, 5);  // a stop string cut the text to 5 bytes
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->begin, 5u);
  EXPECT_EQ(cut->end, 5u);
}

TEST(ThinkingTracker, OnlyTheFirstBlockCountsAndNoDelimitersMeansNone) {
  auto s = track({1}, {10, 11, 10, 5, 11});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->close_token, 1u);
  EXPECT_FALSE(track({1}, {5, 6, 7}));
  ThinkingTracker none(std::nullopt, std::vector<int>{10});
  none.push(0, 10, 0, 3);
  EXPECT_FALSE(none.finish(3));
}

}  // namespace
}  // namespace gauntlet::engine
