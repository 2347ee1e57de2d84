#include "engine/text/pretokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gauntlet::engine {
namespace {

std::vector<std::string> split(SplitPattern p, const std::string& text) {
  std::vector<std::string_view> pieces;
  PreTokenizer(p).split(text, pieces);
  return {pieces.begin(), pieces.end()};
}
using V = std::vector<std::string>;

TEST(PreTokenizer, Qwen2Basics) {
  auto q = SplitPattern::kQwen2;
  EXPECT_EQ(split(q, "Hello world"), (V{"Hello", " world"}));
  EXPECT_EQ(split(q, "x=123"), (V{"x", "=", "1", "2", "3"}));  // digits one by one
  EXPECT_EQ(split(q, "I'm sure it'S don't"), (V{"I", "'m", " sure", " it", "'S", " don", "'t"}));
  EXPECT_EQ(split(q, "a  b"), (V{"a", " ", " b"}));
  EXPECT_EQ(split(q, "x   "), (V{"x", "   "}));
  EXPECT_EQ(split(q, "  \n\n  x"), (V{"  \n\n", " ", " x"}));
  EXPECT_EQ(split(q, "ok!!!\n\nnext"), (V{"ok", "!!!\n\n", "next"}));
  EXPECT_EQ(split(q, "(hello) {world}"), (V{"(hello", ")", " {", "world", "}"}));
  EXPECT_EQ(split(q, "\tfoo"), (V{"\tfoo"}));
  EXPECT_EQ(split(q, "数学 test"), (V{"数学", " test"}));
  EXPECT_EQ(split(q, "a\u00a0b"), (V{"a", "\u00a0b"}));
  EXPECT_EQ(split(q, "\u3000\u3000x"), (V{"\u3000", "\u3000x"}));
  EXPECT_EQ(split(q, "'sa"), (V{"'s", "a"}));
  EXPECT_EQ(split(q, ""), V{});
  // \s is Unicode White_Space, as in the Rust tokenizers (Oniguruma): U+0085 is a space, U+FEFF is not.
  EXPECT_EQ(split(q, "a\u0085'm"), (V{"a", "\u0085", "'m"}));
  EXPECT_EQ(split(q, "a\ufeff#"), (V{"a", "\ufeff#"}));
}

TEST(PreTokenizer, Llama3GroupsDigitsByThree) {
  EXPECT_EQ(split(SplitPattern::kLlama3, "1234567 x"), (V{"123", "456", "7", " x"}));
}

TEST(PreTokenizer, Gpt2) {
  auto g = SplitPattern::kGpt2;
  EXPECT_EQ(split(g, "hello 123 !! x  "), (V{"hello", " 123", " !!", " x", "  "}));
  EXPECT_EQ(split(g, "I'M it's"), (V{"I", "'", "M", " it", "'s"}));  // case-sensitive contractions
}

TEST(PreTokenizer, RecognisesTheRegexStrings) {
  for (auto p : {SplitPattern::kQwen2, SplitPattern::kLlama3, SplitPattern::kGpt2})
    EXPECT_EQ(PreTokenizer::recognise(PreTokenizer::regex_of(p)), p);
  EXPECT_FALSE(PreTokenizer::recognise("\\w+"));
}

}  // namespace
}  // namespace gauntlet::engine
