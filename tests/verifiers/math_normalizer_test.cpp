// Math answer normalisation: LaTeX decoration, units, degrees, percentages, separators, matrices.
#include "verifiers/math_normalizer.h"

#include <gtest/gtest.h>

namespace gauntlet::verifiers {
namespace {

TEST(NormalizeMathAnswer, StripsLatexDecoration) {
  EXPECT_EQ(normalize_math_answer("$\\dfrac{3}{4}$"), "\\frac{3}{4}");
  EXPECT_EQ(normalize_math_answer("\\tfrac12"), "\\frac{1}{2}");
  EXPECT_EQ(normalize_math_answer("\\cfrac{1}{x}"), "\\frac{1}{x}");
  EXPECT_EQ(normalize_math_answer("\\frac ab"), "\\frac{a}{b}");
  EXPECT_EQ(normalize_math_answer("\\left( 1, 2 \\right)"), "( 1, 2 )");
  EXPECT_EQ(normalize_math_answer("\\leftarrow"), "\\leftarrow");
  EXPECT_EQ(normalize_math_answer("\\mathrm{Tuesday}"), "Tuesday");
  EXPECT_EQ(normalize_math_answer("\\text{\\textbf{B}}"), "B");
  EXPECT_EQ(normalize_math_answer("3\\!\\,\\;x"), "3x");
  EXPECT_EQ(normalize_math_answer("\\displaystyle \\frac{1}{3}"), "\\frac{1}{3}");
  EXPECT_EQ(normalize_math_answer("\\bigl(1,2\\bigr)"), "(1,2)");
  EXPECT_EQ(normalize_math_answer("+5"), "5");
  EXPECT_EQ(normalize_math_answer(" 7. "), "7");
  EXPECT_EQ(normalize_math_answer("\\$4.50"), "4.5");
  EXPECT_EQ(normalize_math_answer("\\(x^2\\)"), "x^2");
  EXPECT_EQ(normalize_math_answer("\\sqrt2"), "\\sqrt{2}");
  EXPECT_EQ(normalize_math_answer("\\sqrt[3]2"), "\\sqrt[3]{2}");
  EXPECT_EQ(normalize_math_answer("\\dbinom{5}{2}"), "\\binom{5}{2}");
  EXPECT_EQ(normalize_math_answer("x = 5"), "5");
  EXPECT_EQ(normalize_math_answer("y = 2x + 3"), "2x + 3");
  EXPECT_EQ(normalize_math_answer("x^2 + y^2 = 4"), "x^2 + y^2 = 4");
  EXPECT_EQ(normalize_math_answer("x \\in [1, 2]"), "[1, 2]");
  EXPECT_EQ(normalize_math_answer("x \\le 5"), "x \\le 5");
  EXPECT_EQ(normalize_math_answer("\\infty"), "\\infty");
}

TEST(NormalizeMathAnswer, UnicodeMath) {
  EXPECT_EQ(normalize_math_answer("\xE2\x88\x92" "3"), "-3");            // U+2212 minus
  EXPECT_EQ(normalize_math_answer("2\xCF\x80"), "2\\pi");                  // π
  EXPECT_EQ(normalize_math_answer("\xE2\x88\x9A" "2"), "\\sqrt{2}");      // √2
  EXPECT_EQ(normalize_math_answer("45\xC2\xB0"), "45");                   // 45°
  EXPECT_EQ(normalize_math_answer("x \xE2\x89\xA4 3"), "x \\le 3");       // ≤
}

TEST(NormalizeMathAnswer, DegreesPercentAndUnits) {
  EXPECT_EQ(normalize_math_answer("90^\\circ"), "90");
  EXPECT_EQ(normalize_math_answer("90^{\\circ}"), "90");
  EXPECT_EQ(normalize_math_answer("30\\degree"), "30");
  EXPECT_EQ(normalize_math_answer("50\\%"), "50%");
  EXPECT_EQ(normalize_math_answer("50 percent"), "50%");
  EXPECT_EQ(normalize_math_answer("10\\text{ cm}"), "10");
  EXPECT_EQ(normalize_math_answer("5\\text{ cm}^2"), "5");
  EXPECT_EQ(normalize_math_answer("3\\,\\mathrm{m/s}"), "3");
  EXPECT_EQ(normalize_math_answer("12\\mbox{ inches}"), "12");
  EXPECT_EQ(normalize_math_answer("\\text{(C)}"), "(C)");  // the whole answer is text: kept
  EXPECT_EQ(normalize_math_answer("18 apples"), "18");
  EXPECT_EQ(normalize_math_answer("3 square feet"), "3");
  EXPECT_EQ(normalize_math_answer("60 km/h"), "60");
  EXPECT_EQ(normalize_math_answer("2\\sqrt{3} cm"), "2\\sqrt{3}");
  EXPECT_EQ(normalize_math_answer("2\\sqrt{3} apples"), "2\\sqrt{3} apples");  // not a number, not a unit
  EXPECT_EQ(normalize_math_answer("2 pi"), "2 pi");                            // math words stay
  EXPECT_EQ(normalize_math_answer("5 x"), "5 x");                              // single letters stay
}

TEST(NormalizeMathAnswer, ThousandsSeparatorsAndDecimals) {
  EXPECT_EQ(normalize_math_answer("1,234,567"), "1234567");
  EXPECT_EQ(normalize_math_answer("1{,}234"), "1234");
  EXPECT_EQ(normalize_math_answer("10{,}000{,}000"), "10000000");
  EXPECT_EQ(normalize_math_answer("1,234.5"), "1234.5");
  EXPECT_EQ(normalize_math_answer("-2,500"), "-2500");
  EXPECT_EQ(normalize_math_answer("1\\,000"), "1000");
  // Groups that are not exactly three digits are not separators.
  EXPECT_EQ(normalize_math_answer("1,23"), "1,23");
  EXPECT_EQ(normalize_math_answer("12,3456"), "12,3456");
  EXPECT_EQ(normalize_math_answer("1234,567"), "1234,567");
  // A tuple or interval keeps its commas.
  EXPECT_EQ(normalize_math_answer("(1,000)"), "(1,000)");
  EXPECT_EQ(normalize_math_answer("[2,100]"), "[2,100]");
  // Trailing zeros of decimals go; integers and exponents are untouched.
  EXPECT_EQ(normalize_math_answer("5.0"), "5");
  EXPECT_EQ(normalize_math_answer("2.50"), "2.5");
  EXPECT_EQ(normalize_math_answer("100"), "100");
  EXPECT_EQ(normalize_math_answer("1.500e3"), "1.5e3");
  EXPECT_EQ(normalize_math_answer("x_{10}"), "x_{10}");
}

TEST(NormalizeMathAnswer, MatricesBecomeTuples) {
  EXPECT_EQ(normalize_math_answer("\\begin{pmatrix} 1 \\\\ -2 \\end{pmatrix}"), "(1, -2)");
  EXPECT_EQ(normalize_math_answer("\\begin{pmatrix} 1 & 2 \\end{pmatrix}"), "(1, 2)");
  EXPECT_EQ(normalize_math_answer("\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}"), "((1, 2), (3, 4))");
}

TEST(NormalizeMathAnswer, ConjunctionsListAnswers) {
  EXPECT_EQ(normalize_math_answer("3 \\text{ and } 5"), "3, 5");
  EXPECT_EQ(normalize_math_answer("x = 1 or x = 2"), "x = 1, x = 2");
}

}  // namespace
}  // namespace gauntlet::verifiers
