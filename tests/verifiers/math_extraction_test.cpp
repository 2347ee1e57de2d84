// Math answer extraction: boxed answers, answer lines, the last-number fallback, references.
#include "verifiers/math_extraction.h"

#include <gtest/gtest.h>

#include <string>

namespace gauntlet::verifiers {
namespace {

using Opt = std::optional<std::string>;

TEST(ExtractMathAnswer, LastBoxedWithNestedBraces) {
  EXPECT_EQ(extract_math_answer("So the answer is $\\boxed{\\frac{1}{2}}$."), Opt("\\frac{1}{2}"));
  EXPECT_EQ(extract_math_answer("\\boxed{\\sqrt{2}}"), Opt("\\sqrt{2}"));
  EXPECT_EQ(extract_math_answer("First \\boxed{3}, corrected: \\boxed{4}"), Opt("4"));
  EXPECT_EQ(extract_math_answer("\\fbox{7}"), Opt("7"));
  EXPECT_EQ(extract_math_answer("\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}"),
            Opt("\\left( 3, \\frac{\\pi}{2} \\right)"));
  EXPECT_EQ(extract_math_answer("\\boxed{x^{2^{3}}} done"), Opt("x^{2^{3}}"));
  EXPECT_EQ(extract_math_answer("$\\boxed 5$"), Opt("5"));
}

TEST(ExtractMathAnswer, BoxedBeatsAnswerLines) {
  EXPECT_EQ(extract_math_answer("\\boxed{12}\nFinal Answer: 13"), Opt("12"));
  EXPECT_EQ(extract_math_answer("Final Answer: The final answer is $\\boxed{-3}$. I hope it is correct."),
            Opt("-3"));
}

TEST(ExtractMathAnswer, TruncatedBoxedFallsBackToEarlierOne) {
  EXPECT_EQ(extract_math_answer("\\boxed{8} then \\boxed{\\frac{1}{"), Opt("8"));
  EXPECT_EQ(extract_math_answer("\\boxed{\\frac{1}{"), std::nullopt);
}

TEST(ExtractMathAnswer, GsmStyleHashes) {
  EXPECT_EQ(extract_math_answer("She pays 3 * 411 = 1,233 plus 1.\n#### 1,234"), Opt("1,234"));
  EXPECT_EQ(extract_math_answer("#### 72"), Opt("72"));
  EXPECT_EQ(extract_math_answer("#### $18."), Opt("18"));
  EXPECT_EQ(extract_math_answer("#### 5\nsome trailing chatter\n#### 6"), Opt("6"));
}

TEST(ExtractMathAnswer, FinalAnswerLines) {
  EXPECT_EQ(extract_math_answer("Work...\nFinal Answer: 42"), Opt("42"));
  EXPECT_EQ(extract_math_answer("The final answer is $\\frac{3}{4}$. I hope it is correct."), Opt("\\frac{3}{4}"));
  EXPECT_EQ(extract_math_answer("answer: -7."), Opt("-7"));
  EXPECT_EQ(extract_math_answer("**Final Answer:** 3.5"), Opt("3.5"));
  EXPECT_EQ(extract_math_answer("Final Answer:\n\n$2\\pi$\n"), Opt("2\\pi"));
  EXPECT_EQ(extract_math_answer("Answer: 10\nWait, recheck.\nAnswer: 12"), Opt("12"));
  // A bare "the answer is" counts only when no stronger phrase exists.
  EXPECT_EQ(extract_math_answer("So the answer is 18."), Opt("18"));
  EXPECT_EQ(extract_math_answer("Final answer: 20. I think the answer is correct"), Opt("20"));
}

TEST(ExtractMathAnswer, NoAnswerWithoutFallback) {
  EXPECT_EQ(extract_math_answer("I computed 3 + 4 = 7 and then 7 * 2 = 14."), std::nullopt);
  EXPECT_EQ(extract_math_answer(""), std::nullopt);
  EXPECT_EQ(extract_math_answer("\\boxed{}"), std::nullopt);
  EXPECT_EQ(extract_math_answer("Final Answer:"), std::nullopt);
  EXPECT_EQ(extract_math_answer("I cannot solve this."), std::nullopt);
}

TEST(ExtractMathAnswer, LastNumberFallback) {
  constexpr auto kLast = MathFallback::kLastNumber;
  EXPECT_EQ(extract_math_answer("I computed 3 + 4 = 7 and then 7 * 2 = 14.", kLast), Opt("14"));
  EXPECT_EQ(extract_math_answer("The total is 1,234,567 dollars.", kLast), Opt("1,234,567"));
  EXPECT_EQ(extract_math_answer("Temperature dropped to -12.5 degrees", kLast), Opt("-12.5"));
  EXPECT_EQ(extract_math_answer("so 10-3", kLast), Opt("3"));  // the dash is subtraction
  EXPECT_EQ(extract_math_answer("roughly 6.02e23 atoms", kLast), Opt("6.02e23"));
  EXPECT_EQ(extract_math_answer("no digits here", kLast), std::nullopt);
  // Explicit answers still take precedence.
  EXPECT_EQ(extract_math_answer("#### 9\nchecked with 3*3 and 81", kLast), Opt("9"));
}

TEST(MathReferenceAnswer, UnwrapsBoxedAndHashes) {
  EXPECT_EQ(math_reference_answer("We get $x=\\boxed{\\frac{1}{2}}$."), "\\frac{1}{2}");
  EXPECT_EQ(math_reference_answer("Natalia sold 48/2 = 24 clips.\n#### 72"), "72");
  EXPECT_EQ(math_reference_answer(" 15 "), "15");
}

}  // namespace
}  // namespace gauntlet::verifiers
