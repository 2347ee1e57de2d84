// The shape of a normalised answer: scalars, percentages, tuples, intervals, sets, ±, inequalities.
#include "verifiers/math_answer.h"

#include <gtest/gtest.h>

#include <chrono>

#include "verifiers/math_expression_parser.h"

namespace gauntlet::verifiers {
namespace {

using Kind = MathAnswer::Kind;

// A compact description: S(expr) / P(expr%) / T[(..)] / U{..} / X"text".
std::string shape(const MathAnswer& a) {
  switch (a.kind) {
    case Kind::kText: return "X\"" + a.text + "\"";
    case Kind::kScalar: return (a.percent ? "P(" : "S(") + to_text(*a.expr) + ")";
    case Kind::kTuple:
    case Kind::kSet: {
      std::string out = a.kind == Kind::kTuple ? "T" : "U";
      out += a.open ? std::string(1, a.open) : "<";
      for (std::size_t i = 0; i < a.items.size(); ++i) out += (i ? "; " : "") + shape(a.items[i]);
      out += a.close ? std::string(1, a.close) : ">";
      return out;
    }
  }
  return "?";
}

std::string parsed(const std::string& text) { return shape(parse_math_answer(text)); }

TEST(ParseMathAnswer, Scalars) {
  EXPECT_EQ(parsed("\\frac{1}{2}"), "S(1/2)");
  EXPECT_EQ(parsed("50%"), "P(50)");
  EXPECT_EQ(parsed("(5)"), "S(5)");
  EXPECT_EQ(parsed("(x+1)(x-1)"), "S((x + 1)*(x - 1))");
  EXPECT_EQ(parsed("Tuesday"), "X\"Tuesday\"");
  EXPECT_EQ(parsed("(C)"), "S(C)");  // a grouped symbol
  EXPECT_EQ(parsed(""), "X\"\"");
}

TEST(ParseMathAnswer, TuplesAndIntervals) {
  EXPECT_EQ(parsed("(1, 2)"), "T(S(1); S(2))");
  EXPECT_EQ(parsed("[0, 1)"), "T[S(0); S(1))");
  EXPECT_EQ(parsed("(-\\infty, 3]"), "T(S(-oo); S(3)]");
  EXPECT_EQ(parsed("(3, \\frac{\\pi}{2})"), "T(S(3); S(pi/2))");
  EXPECT_EQ(parsed("((1, 2), (3, 4))"), "T(T(S(1); S(2)); T(S(3); S(4)))");
  EXPECT_EQ(parsed("(x, y) = (1, 2)"), "T(S(1); S(2))");
  EXPECT_EQ(parsed("f(x) = 2x"), "S(2*x)");
}

TEST(ParseMathAnswer, SetsPlusMinusAndUnions) {
  EXPECT_EQ(parsed("1, 2"), "U<S(1); S(2)>");
  EXPECT_EQ(parsed("\\{1, 2\\}"), "U{S(1); S(2)}");
  EXPECT_EQ(parsed("x = 1, x = -2"), "U<S(1); S(-2)>");
  EXPECT_EQ(parsed("1 \\pm \\sqrt{2}"), "U<S(1 + sqrt(2)); S(1 - sqrt(2))>");
  EXPECT_EQ(parsed("\\pm 3"), "U<S(3); S(-3)>");
  EXPECT_EQ(parsed("\\frac{-1 \\pm \\sqrt{5}}{2}"), "U<S((-1 + sqrt(5))/2); S((-1 - sqrt(5))/2)>");
  EXPECT_EQ(parsed("(-\\infty, 0) \\cup (1, \\infty)"), "U<T(S(-oo); S(0)); T(S(1); S(oo))>");
}

TEST(ParseMathAnswer, InequalitiesAreIntervals) {
  EXPECT_EQ(parsed("x < 3"), "T(S(-oo); S(3))");
  EXPECT_EQ(parsed("x \\ge -1"), "T[S(-1); S(oo))");
  EXPECT_EQ(parsed("1 \\le x < 2"), "T[S(1); S(2))");
  EXPECT_EQ(parsed("3 > x"), "T(S(-oo); S(3))");
  EXPECT_EQ(parsed("5 \\geq x > 2"), "T(S(2); S(5)]");
  EXPECT_EQ(parsed("x \\ne 3"), "X\"x \\ne 3\"");
  EXPECT_EQ(parsed("x < y < z < w"), "X\"x < y < z < w\"");
}

// Issue 21: nesting is bounded. Up to kMaxMathNesting groups parse as usual; deeper answers are
// text, at once (before: 13,200 nested parentheses recursed until the stack overflowed).
TEST(ParseMathAnswer, NestingBeyondTheLimitIsText) {
  auto wrapped = [](int depth, const std::string& leaf) {
    return std::string(static_cast<std::size_t>(depth), '(') + leaf + std::string(static_cast<std::size_t>(depth), ')');
  };
  EXPECT_EQ(parsed(wrapped(kMaxMathNesting - 1, "1")), "S(1)");
  EXPECT_EQ(parse_math_answer(wrapped(2 * kMaxMathNesting + 2, "1")).kind, Kind::kText);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(parse_math_answer(wrapped(13200, "1")).kind, Kind::kText);
  EXPECT_EQ(parse_math_answer(wrapped(13200, "1, 2")).kind, Kind::kText);
  std::string tuples = "1";
  for (int i = 0; i < 5000; ++i) tuples = "(" + tuples + ", 2)";
  EXPECT_EQ(parse_math_answer(tuples).kind, Kind::kTuple);  // the outer levels; the inner ones are text
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace gauntlet::verifiers
