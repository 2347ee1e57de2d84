// The math equivalence table: gold/prediction pairs, equivalent and not, across every form the
// verifier handles, each with the method that must decide it. Pairs decided by "symbolic" run SymPy
// in the sandbox (SymbolicChecker::shared(); needs user namespaces and python3-sympy, as the
// sandbox tests do).
#include <gtest/gtest.h>

#include <string>

#include "verifiers/math_verifier.h"
#include "verifiers/symbolic_checker.h"

namespace gauntlet::verifiers {
namespace {

struct Pair {
  const char* gold;
  const char* pred;
  bool equivalent;
  const char* method;
};

constexpr bool T = true;
constexpr bool F = false;

const Pair kPairs[] = {
    // Fractions.
    {"\\frac{1}{2}", "0.5", T, "numeric"},
    {"\\dfrac{3}{4}", "\\frac{3}{4}", T, "exact"},
    {"\\frac34", "3/4", T, "numeric"},
    {"\\tfrac{2}{4}", "\\frac{1}{2}", T, "numeric"},
    {"\\frac{1}{3}", "0.333", F, "numeric"},
    {"\\frac{1}{3}", "0.3333333333", T, "numeric"},
    {"\\frac{2}{3}", "\\frac{3}{2}", F, "numeric"},
    {"-\\frac{1}{2}", "\\frac{-1}{2}", T, "numeric"},
    {"\\frac{-1}{2}", "\\frac{1}{-2}", T, "numeric"},
    {"\\frac{7}{2}", "3\\frac{1}{2}", T, "numeric"},
    {"3\\frac{1}{2}", "3.5", T, "numeric"},
    {"\\frac{1}{2}", "\\frac{1}{2}x", F, "symbolic"},
    {"\\frac{10}{4}", "\\frac{5}{2}", T, "numeric"},
    {"\\frac{1}{7}", "0.1428571429", T, "numeric"},
    {"\\frac{22}{7}", "\\pi", F, "numeric"},
    {"\\frac{9}{2}", "4.5", T, "numeric"},
    {"\\frac{3}{2}", "1\\frac{1}{2}", T, "numeric"},
    // Square roots.
    {"\\sqrt{12}", "2\\sqrt{3}", T, "numeric"},
    {"\\frac{\\sqrt{3}}{2}", "\\sqrt{3}/2", T, "numeric"},
    {"\\frac{\\sqrt{3}}{2}", "\\frac{1}{2}\\sqrt{3}", T, "numeric"},
    {"\\sqrt{2}", "\\sqrt2", T, "exact"},
    {"\\sqrt{2}", "1.41421356", T, "numeric"},
    {"\\sqrt{2}", "1.414", F, "numeric"},
    {"\\sqrt{8}", "2\\sqrt{2}", T, "numeric"},
    {"\\sqrt{3}", "\\sqrt{2}", F, "numeric"},
    {"\\frac{1}{\\sqrt{2}}", "\\frac{\\sqrt{2}}{2}", T, "numeric"},
    {"\\sqrt[3]{27}", "3", T, "numeric"},
    {"3\\sqrt{2}", "\\sqrt{18}", T, "numeric"},
    {"2+\\sqrt{3}", "\\sqrt{3}+2", T, "numeric"},
    {"\\frac{\\sqrt{6}}{3}", "\\sqrt{\\frac{2}{3}}", T, "numeric"},
    {"\\sqrt{5}-1", "1-\\sqrt{5}", F, "numeric"},
    {"\\sqrt{16}", "4", T, "numeric"},
    {"16", "2^4", T, "numeric"},
    // Decimals, trailing zeros.
    {"0.25", "\\frac{1}{4}", T, "numeric"},
    {"2.50", "2.5", T, "exact"},
    {"5.0", "5", T, "exact"},
    {"5", "5.00", T, "exact"},
    {"0.125", "1/8", T, "numeric"},
    {"1.5", "\\frac{3}{2}", T, "numeric"},
    {"0.1", "0.01", F, "numeric"},
    {"3.14", "\\pi", F, "numeric"},
    {"3.14159265", "\\pi", T, "numeric"},
    {".5", "0.5", T, "numeric"},
    {"12.5", "12.05", F, "numeric"},
    {"2\\pi", "6.283185307", T, "numeric"},
    // Integers, signs, thousands separators.
    {"1,234", "1234", T, "exact"},
    {"1{,}234", "1234", T, "exact"},
    {"1,234,567", "1234567", T, "exact"},
    {"1000000", "1000001", F, "numeric"},
    {"1\\,000", "1000", T, "exact"},
    {"10{,}000", "10,000", T, "exact"},
    {"-5", "5", F, "numeric"},
    {"-7", "\xE2\x88\x92" "7", T, "exact"},
    {"+7", "7", T, "exact"},
    {"0", "-0", T, "numeric"},
    {"007", "7", T, "numeric"},
    {"123456789012345678901234567890", "123456789012345678901234567891", F, "numeric"},
    {"2^{100}", "1267650600228229401496703205376", T, "symbolic"},
    {"2^{100}", "1267650600228229401496703205377", F, "symbolic"},
    {"42", "24", F, "numeric"},
    {"1,000", "1.000", F, "numeric"},
    // Percentages.
    {"10\\%", "10", T, "numeric"},
    {"10\\%", "0.1", T, "numeric"},
    {"50%", "\\frac{1}{2}", T, "numeric"},
    {"25", "25%", T, "numeric"},
    {"50%", "50\\%", T, "exact"},
    {"50%", "0.5%", F, "numeric"},
    {"12.5\\%", "\\frac{1}{8}", T, "numeric"},
    {"10%", "1", F, "numeric"},
    {"50 \\text{ percent}", "50\\%", T, "exact"},
    {"33\\frac{1}{3}\\%", "\\frac{1}{3}", T, "numeric"},
    // Degrees and units.
    {"45^\\circ", "45", T, "exact"},
    {"90^{\\circ}", "90\xC2\xB0", T, "exact"},
    {"30", "30\\text{ degrees}", T, "exact"},
    {"60^\\circ", "60\\degree", T, "exact"},
    {"45^\\circ", "135^\\circ", F, "numeric"},
    {"10\\text{ cm}", "10", T, "exact"},
    {"5\\text{ cm}^2", "5", T, "exact"},
    {"18", "18 \\text{ apples}", T, "exact"},
    {"12 \\mbox{ inches}", "12", T, "exact"},
    {"3\\,\\mathrm{m/s}", "3", T, "exact"},
    {"60 \\text{ km/h}", "65", F, "numeric"},
    {"\\$18.00", "18", T, "exact"},
    {"4.50 dollars", "4.5", T, "exact"},
    {"3 square feet", "3", T, "exact"},
    // Dollar signs, spaces, LaTeX decoration.
    {"$\\frac{1}{2}$", "\\frac12", T, "exact"},
    {"\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})", T, "exact"},
    {"\\displaystyle \\frac{1}{3}", "1/3", T, "numeric"},
    {"\\text{Tuesday}", "Tuesday", T, "exact"},
    {"\\text{(C)}", "C", T, "exact"},
    {"\\textbf{(B)}", "(C)", F, "exact"},
    {"x = 5", "5", T, "exact"},
    {"y = 2x+3", "2x + 3", T, "exact"},
    {"\\(x^2\\)", "x^2", T, "exact"},
    // Scientific notation.
    {"1.5 \\times 10^{-2}", "0.015", T, "numeric"},
    {"6.02e23", "6.02 \\times 10^{23}", T, "numeric"},
    {"1e-3", "0.001", T, "numeric"},
    {"3 \\cdot 10^5", "300000", T, "numeric"},
    {"2.5E4", "25000", T, "numeric"},
    {"1.5 \\times 10^{-2}", "0.15", F, "numeric"},
    {"6.02e23", "6.02e22", F, "numeric"},
    // Tuples and vectors.
    {"(1, 2)", "(1,2)", T, "exact"},
    {"(1, 2)", "(2, 1)", F, "numeric"},
    {"(\\frac{1}{2}, 3)", "(0.5, 3)", T, "numeric"},
    {"(1, 2)", "1, 2", T, "exact"},
    {"(1, 2, 3)", "(1, 2)", F, "exact"},
    {"\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1, 2)", T, "exact"},
    {"(x, y) = (3, -4)", "(3, -4)", T, "exact"},
    {"(3, -4)", "(3, 4)", F, "numeric"},
    {"(2\\sqrt{2}, \\sqrt{8})", "(\\sqrt{8}, 2\\sqrt{2})", T, "numeric"},
    {"\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", "((1, 2), (3, 4))", T, "exact"},
    {"(1, x+1)", "(1, 1+x)", T, "symbolic"},
    // Intervals.
    {"[1, 2]", "[1,2]", T, "exact"},
    {"(1, 2]", "(1, 2)", F, "exact"},
    {"[0, 1)", "(0, 1]", F, "exact"},
    {"(-\\infty, 3)", "x < 3", T, "exact"},
    {"[2, \\infty)", "x \\ge 2", T, "exact"},
    {"(-\\infty, 3]", "x < 3", F, "exact"},
    {"[-1, 1]", "-1 \\le x \\le 1", T, "exact"},
    {"(0, \\frac{1}{2}]", "(0, 0.5]", T, "numeric"},
    {"(-\\infty, -1) \\cup (1, \\infty)", "(1, \\infty) \\cup (-\\infty, -1)", T, "exact"},
    {"(-\\infty, 0) \\cup (0, \\infty)", "(-\\infty, \\infty)", F, "exact"},
    {"x \\in [1, 2]", "[1, 2]", T, "exact"},
    {"[1, 2]", "[1, 3]", F, "numeric"},
    {"(2, 5]", "2 < x \\le 5", T, "exact"},
    {"(-\\infty, \\infty)", "(-\\infty, \\infty)", T, "exact"},
    // Sets, lists, plus-minus.
    {"2, 3", "3, 2", T, "exact"},
    {"\\{1, 2, 3\\}", "\\{3, 1, 2\\}", T, "exact"},
    {"x = 1, x = 2", "2, 1", T, "exact"},
    {"1 \\pm \\sqrt{2}", "1+\\sqrt{2}, 1-\\sqrt{2}", T, "exact"},
    {"\\pm 3", "3, -3", T, "exact"},
    {"\\frac{1 \\pm \\sqrt{5}}{2}", "\\frac{1-\\sqrt5}{2}, \\frac{1+\\sqrt5}{2}", T, "exact"},
    {"\\frac{1 \\pm \\sqrt{5}}{2}", "\\frac{1}{2} - \\frac{\\sqrt{5}}{2}, \\frac{1}{2} + \\frac{\\sqrt{5}}{2}", T, "numeric"},
    {"2, 3", "2, 4", F, "numeric"},
    {"2, 3", "2, 3, 4", F, "exact"},
    {"\\{1, 2\\}", "\\{1, 2, 2\\}", F, "exact"},
    {"3 \\text{ and } 5", "5, 3", T, "exact"},
    {"1, 2", "1", F, "exact"},
    {"4", "\\{4\\}", T, "exact"},
    {"-2, \\frac{1}{2}", "0.5, -2", T, "numeric"},
    {"x^2, 2x", "2x, x \\cdot x", T, "symbolic"},
    // Symbolic expressions.
    {"x^2+2x+1", "(x+1)^2", T, "symbolic"},
    {"x^2-1", "(x-1)(x+1)", T, "symbolic"},
    {"\\frac{x}{2}", "0.5x", T, "symbolic"},
    {"\\frac{x^2-1}{x-1}", "x+1", T, "symbolic"},
    {"2x+1", "2x-1", F, "symbolic"},
    {"x^2", "x^3", F, "symbolic"},
    {"\\sin^2 x + \\cos^2 x", "1", T, "symbolic"},
    {"\\frac{1}{x}+\\frac{1}{y}", "\\frac{x+y}{xy}", T, "symbolic"},
    {"(a+b)^2", "a^2+b^2", F, "symbolic"},
    {"e^{i\\pi}", "-1", T, "symbolic"},
    {"3+4i", "4i+3", T, "symbolic"},
    {"\\sqrt{x^2}", "|x|", T, "symbolic"},
    {"\\log_2 8", "3", T, "numeric"},
    {"\\ln(e^2)", "2", T, "numeric"},
    {"\\frac{a}{b} \\cdot \\frac{b}{c}", "\\frac{a}{c}", T, "symbolic"},
    {"x+y=1", "2x+2y=2", T, "symbolic"},
    {"x+y=1", "x-y=1", F, "symbolic"},
    {"\\frac{x+1}{2}", "\\frac{x}{2}+\\frac{1}{2}", T, "symbolic"},
    {"(x-2)(x+3)", "x^2+x-6", T, "symbolic"},
    {"(x-2)(x+3)", "x^2-x-6", F, "symbolic"},
    {"\\binom{n}{2}", "\\frac{n(n-1)}{2}", T, "symbolic"},
    {"2^{x+1}", "2 \\cdot 2^x", T, "symbolic"},
    {"\\frac{1}{2}x^2", "\\frac{x^2}{2}", T, "symbolic"},
    {"x", "y", F, "exact"},
    {"\\sqrt{3}x", "x\\sqrt{3}", T, "symbolic"},
    {"a_1 + a_2", "a_2 + a_1", T, "symbolic"},
    {"1 - x", "-(x - 1)", T, "symbolic"},
    {"\\frac{2}{x+1}", "\\frac{2}{x-1}", F, "symbolic"},
    {"\\alpha+\\beta", "\\beta+\\alpha", T, "symbolic"},
    {"\\pi r^2", "r^2\\pi", T, "symbolic"},
    {"x^2+1", "X^2+1", F, "symbolic"},
    // Wrong answers that look close.
    {"\\frac{1}{3}", "0.33", F, "numeric"},
    {"\\sqrt{2}", "1.41", F, "numeric"},
    {"\\pi", "3.1416", F, "numeric"},
    {"12", "12.5", F, "numeric"},
    {"-\\frac{1}{2}", "\\frac{1}{2}", F, "numeric"},
    {"\\frac{1}{2}", "\\frac{1}{3}", F, "numeric"},
    {"2\\sqrt{3}", "3\\sqrt{2}", F, "numeric"},
    {"1001", "1000", F, "numeric"},
    {"99.99", "100", F, "numeric"},
    {"\\frac{\\pi}{3}", "\\frac{\\pi}{6}", F, "numeric"},
    {"10^{-10}", "0", F, "numeric"},
    {"0.0001", "0", F, "numeric"},
    {"\\frac{1}{2}", "12", F, "numeric"},
    {"2.5", "25", F, "numeric"},
    {"1,234", "1.234", F, "numeric"},
    {"\\frac{\\pi}{4}", "45", F, "numeric"},
    {"\\infty", "\\infty", T, "exact"},
    {"-\\infty", "\\infty", F, "numeric"},
    // Text and missing answers.
    {"\\text{Tuesday}", "Monday", F, "exact"},
    {"5", "five", F, "exact"},
    {"5", "", F, "none"},
    {"\\text{No solution}", "no solution", T, "exact"},
    {"A", "B", F, "exact"},
    {"k \\neq 3", "k\\ne 3", T, "exact"},
    {"\\frac{1}{0}", "\\frac{2}{0}", F, "none"},
    {"\\text{Yes}", "yes", T, "exact"},
    {"e", "2.718281828", T, "numeric"},
    {"5\\sqrt{2}", "\\sqrt{50}", T, "numeric"},
};

class MathEquivalenceTable : public ::testing::TestWithParam<Pair> {};

TEST_P(MathEquivalenceTable, Pair) {
  const Pair& pair = GetParam();
  MathVerifier verifier({}, &SymbolicChecker::shared());
  MathVerdict v = verifier.verify(pair.gold, pair.pred);
  EXPECT_EQ(v.equivalent, pair.equivalent) << "gold: " << pair.gold << "\npred: " << pair.pred << "\nverdict: "
                                           << v.to_json().dump();
  EXPECT_EQ(std::string(to_string(v.method)), pair.method) << "gold: " << pair.gold << "\npred: " << pair.pred
                                                           << "\nverdict: " << v.to_json().dump();
}

std::string pair_name(const ::testing::TestParamInfo<Pair>& info) {
  char name[32];
  std::snprintf(name, sizeof(name), "pair_%03zu_%s", info.index, info.param.equivalent ? "equal" : "unequal");
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, MathEquivalenceTable, ::testing::ValuesIn(kPairs), pair_name);

TEST(MathEquivalenceTableSize, AtLeast150PairsOfBothKinds) {
  int equal = 0, unequal = 0;
  for (const auto& pair : kPairs) (pair.equivalent ? equal : unequal)++;
  EXPECT_GE(equal + unequal, 150);
  EXPECT_GE(equal, 60);
  EXPECT_GE(unequal, 60);
}

}  // namespace
}  // namespace gauntlet::verifiers
