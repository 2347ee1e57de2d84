// ThoughtSplitter: boundaries at reflection markers that start a line, the same thoughts whatever
// the chunking, undecided prefixes held back until the next bytes decide.
#include <gtest/gtest.h>

#include "harness/budgets/thought_splitter.h"

namespace {

using namespace gauntlet::harness;

std::vector<std::string> texts(const std::vector<Thought>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) out.push_back(t.text);
  return out;
}

std::vector<Thought> split_all(const std::string& text, std::size_t chunk,
                               std::vector<std::string> markers = default_reflection_markers()) {
  ThoughtSplitter s(std::move(markers));
  std::vector<Thought> out;
  for (std::size_t i = 0; i < text.size(); i += chunk) {
    auto got = s.feed(std::string_view(text).substr(i, chunk));
    out.insert(out.end(), got.begin(), got.end());
  }
  auto last = s.finish();
  out.insert(out.end(), last.begin(), last.end());
  return out;
}

const std::string kTrace =
    "2+3: 5.\nSo the answer is 5.\n\nWait, let me check: 2+3=5. Yes.\n\nHmm. Waiting is not a marker.\n"
    "But wait\nLet me double-check it once more: 5.\n  Alternatively, count: 3, 4, 5.\nLet me checkout nothing";

TEST(ThoughtSplitter, SplitsAtMarkersThatStartALine) {
  const auto got = split_all(kTrace, kTrace.size());
  EXPECT_EQ(texts(got), (std::vector<std::string>{
                            "2+3: 5.\nSo the answer is 5.\n\n",
                            "Wait, let me check: 2+3=5. Yes.\n\n",
                            "Hmm. Waiting is not a marker.\n",
                            "But wait\n",
                            "Let me double-check it once more: 5.\n",
                            "  Alternatively, count: 3, 4, 5.\nLet me checkout nothing",
                        }));
  std::vector<std::string> markers;
  for (const auto& t : got) markers.push_back(t.marker);
  EXPECT_EQ(markers, (std::vector<std::string>{"", "Wait", "Hmm", "But wait", "Let me double-check",
                                               "Alternatively"}));
  std::size_t at = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].index, static_cast<int>(i));
    EXPECT_EQ(got[i].begin, at);
    EXPECT_EQ(got[i].end, at + got[i].text.size());
    at = got[i].end;
  }
  EXPECT_EQ(at, kTrace.size());
}

TEST(ThoughtSplitter, ChunkingDoesNotChangeTheThoughts) {
  const auto whole = texts(split_all(kTrace, kTrace.size()));
  for (std::size_t chunk : {1u, 2u, 3u, 5u, 7u, 13u}) EXPECT_EQ(texts(split_all(kTrace, chunk)), whole) << chunk;
}

TEST(ThoughtSplitter, FeedReturnsAThoughtOnlyWhenTheNextMarkerIsDecided) {
  ThoughtSplitter s;
  EXPECT_TRUE(s.feed("x = 4.\n").empty());
  EXPECT_TRUE(s.feed("Wai").empty());    // could still be "Wait"
  EXPECT_TRUE(s.feed("t").empty());      // "Wait" or "Waiting": the next byte decides
  auto got = s.feed(",");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "x = 4.\n");
  EXPECT_EQ(s.closed(), 1);
  EXPECT_TRUE(s.feed(" no.\nWaiting").empty());
  got = s.finish();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "Wait, no.\nWaiting");
  EXPECT_EQ(got[0].marker, "Wait");
}

TEST(ThoughtSplitter, MarkerAtTheVeryEndClosesOnFinish) {
  ThoughtSplitter s;
  EXPECT_TRUE(s.feed("a\nHmm").empty());
  const auto got = s.finish();
  EXPECT_EQ(texts(got), (std::vector<std::string>{"a\n", "Hmm"}));
}

TEST(ThoughtSplitter, LeadingMarkerOrBlankLinesDoNotMakeAnEmptyThought) {
  EXPECT_EQ(texts(split_all("Hmm, 1.\nWait 2.", 1)), (std::vector<std::string>{"Hmm, 1.\n", "Wait 2."}));
  const auto got = split_all("\n\nWait, 1.\nWait, 2.", 4);
  EXPECT_EQ(texts(got), (std::vector<std::string>{"\n\nWait, 1.\n", "Wait, 2."}));
  EXPECT_EQ(got[0].marker, "Wait");
}

TEST(ThoughtSplitter, MidLineMarkersAndWordPrefixesDoNotSplit) {
  EXPECT_EQ(split_all("so. Wait, no.\nHmmm.\nWait2\nWaitéé", 3).size(), 1u);
}

TEST(ThoughtSplitter, MarkersAreConfigurable) {
  EXPECT_EQ(texts(split_all("a\nWait b\nCheck: c", 2, {"Check"})),
            (std::vector<std::string>{"a\nWait b\n", "Check: c"}));
  EXPECT_EQ(split_all("a\nWait b", 2, {}).size(), 1u);
  // The longest marker wins where two match.
  const auto got = split_all("a\nLet me check it\nLet me check-in", 1, {"Let me", "Let me check"});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].marker, "Let me check");
  EXPECT_EQ(got[2].marker, "Let me check");
}

}  // namespace
