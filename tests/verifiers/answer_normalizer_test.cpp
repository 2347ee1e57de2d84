// Shared text helpers.
#include "verifiers/answer_normalizer.h"

#include <gtest/gtest.h>

namespace gauntlet::verifiers {
namespace {

TEST(AnswerNormalizer, TrimAndCollapse) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(collapse_whitespace("\t a \n\n b  c "), "a b c");
  EXPECT_EQ(ascii_lower("AbC\xC3\x89"), "abc\xC3\x89");
}

TEST(AnswerNormalizer, NormalizeExact) {
  EXPECT_EQ(normalize_exact("  Hello   World. "), "hello world");
  EXPECT_EQ(normalize_exact("Hello World .", true), "Hello World");
  EXPECT_EQ(normalize_exact("e.g.."), "e.g.");
  EXPECT_EQ(normalize_exact("."), "");
}

TEST(AnswerNormalizer, ParsePlainNumber) {
  EXPECT_EQ(parse_plain_number("42"), 42.0);
  EXPECT_EQ(parse_plain_number(" -3.5 "), -3.5);
  EXPECT_EQ(parse_plain_number("+.25"), 0.25);
  EXPECT_EQ(parse_plain_number("7."), 7.0);
  EXPECT_EQ(parse_plain_number("1,234,567.5"), 1234567.5);
  EXPECT_EQ(parse_plain_number("2E3"), 2000.0);
  for (const char* bad : {"", "-", ".", "1,23", "1234,567", ",123", "1e", "1e+", "0x10", "inf", "nan", "1 2",
                          "1e999", "12a"}) {
    EXPECT_FALSE(parse_plain_number(bad).has_value()) << bad;
  }
}

TEST(AnswerNormalizer, NumbersClose) {
  EXPECT_TRUE(numbers_close(100.0, 100.00001, 1e-6));
  EXPECT_FALSE(numbers_close(100.0, 100.001, 1e-6));
  EXPECT_TRUE(numbers_close(0.0, 1e-10, 0.0));
  EXPECT_FALSE(numbers_close(0.0, 1e-8, 1e-6));
}

TEST(AnswerNormalizer, FindBoxedContents) {
  EXPECT_EQ(find_boxed_contents("a \\boxed{1} b \\fbox{2} \\boxed{\\frac{a}{b}}"),
            (std::vector<std::string>{"1", "2", "\\frac{a}{b}"}));
  EXPECT_EQ(find_boxed_contents("\\boxed{\\{1,2\\}}"), (std::vector<std::string>{"\\{1,2\\}"}));
  EXPECT_EQ(find_boxed_contents("\\boxedtext{1} \\boxed{2"), std::vector<std::string>{});
  EXPECT_EQ(find_boxed_contents("\\boxed 7$"), (std::vector<std::string>{"7"}));
}

}  // namespace
}  // namespace gauntlet::verifiers
