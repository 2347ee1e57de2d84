// Math expression parsing (normalised LaTeX -> MathExpr), constant evaluation and the SymPy tree.
#include "verifiers/math_expression.h"

#include <gtest/gtest.h>

#include <cmath>

#include "verifiers/math_expression_parser.h"

namespace gauntlet::verifiers {
namespace {

std::string parsed(const std::string& text) {
  auto e = parse_math_expression(text);
  return e ? to_text(*e) : "<none>";
}

TEST(ParseMathExpression, ArithmeticAndImplicitProducts) {
  EXPECT_EQ(parsed("1+2*3"), "1 + 2*3");
  EXPECT_EQ(parsed("2x"), "2*x");
  EXPECT_EQ(parsed("2\\sqrt{3}"), "2*sqrt(3)");
  EXPECT_EQ(parsed("(x+1)(x-1)"), "(x + 1)*(x - 1)");
  EXPECT_EQ(parsed("xy"), "x*y");
  EXPECT_EQ(parsed("x^2+2x+1"), "x**2 + 2*x + 1");
  EXPECT_EQ(parsed("-x^2"), "-x**2");
  EXPECT_EQ(parsed("3 \\cdot 4 \\times 5 \\div 6"), "3*4*5/6");
  EXPECT_EQ(parsed("1/2x"), "1/2*x");  // left to right
  EXPECT_EQ(parsed("a-b-c"), "a - b - c");
  EXPECT_EQ(parsed("2 \\cdot -3"), "2*(-3)");
}

TEST(ParseMathExpression, PowersRootsAndFractions) {
  EXPECT_EQ(parsed("x^{10}"), "x**10");
  EXPECT_EQ(parsed("x^10"), "x**10");
  EXPECT_EQ(parsed("2^3^2"), "2**(3**2)");
  EXPECT_EQ(parsed("e^{-x}"), "E**(-x)");
  EXPECT_EQ(parsed("x^-1"), "x**(-1)");
  EXPECT_EQ(parsed("\\frac{\\sqrt{3}}{2}"), "sqrt(3)/2");
  EXPECT_EQ(parsed("\\frac{x+1}{x-1}"), "(x + 1)/(x - 1)");
  EXPECT_EQ(parsed("\\sqrt[3]{x}"), "root(x, 3)");
  EXPECT_EQ(parsed("sqrt(2)/2"), "sqrt(2)/2");
  EXPECT_EQ(parsed("2\\frac{1}{2}"), "2 + 1/2");  // a mixed number
  EXPECT_EQ(parsed("2\\frac{x}{2}"), "2*(x/2)");     // not a mixed number
  EXPECT_EQ(parsed("|x-1|"), "Abs(x - 1)");
  EXPECT_EQ(parsed("5!"), "factorial(5)");
  EXPECT_EQ(parsed("\\binom{5}{2}"), "binomial(5, 2)");
}

TEST(ParseMathExpression, ConstantsSymbolsAndFunctions) {
  EXPECT_EQ(parsed("2\\pi"), "2*pi");
  EXPECT_EQ(parsed("pi/4"), "pi/4");
  EXPECT_EQ(parsed("-\\infty"), "-oo");
  EXPECT_EQ(parsed("3+4i"), "3 + 4*I");
  EXPECT_EQ(parsed("x_1 + x_{12}"), "x_1 + x_12");
  EXPECT_EQ(parsed("\\alpha+\\beta"), "alpha + beta");
  EXPECT_EQ(parsed("\\sin x"), "sin(x)");
  EXPECT_EQ(parsed("\\sin 2x"), "sin(2*x)");
  EXPECT_EQ(parsed("\\sin^2 x + \\cos^2 x"), "sin(x)**2 + cos(x)**2");
  EXPECT_EQ(parsed("\\sin x \\cos x"), "sin(x)*cos(x)");
  EXPECT_EQ(parsed("\\ln(x) + 1"), "log(x) + 1");
  EXPECT_EQ(parsed("\\log_2 8"), "log(8, 2)");
  EXPECT_EQ(parsed("\\log_{3}(x)"), "log(x, 3)");
  EXPECT_EQ(parsed("\\arctan(1)"), "atan(1)");
  EXPECT_EQ(parsed("sinx"), "sin(x)");
  EXPECT_EQ(parsed("1.5e-3"), "1.5e-3");
  EXPECT_EQ(parsed("x+1=2"), "Eq(x + 1, 2)");
}

TEST(ParseMathExpression, RejectsWhatIsNotOneExpression) {
  for (const char* text : {"", "Tuesday", "(1, 2)", "[0, 1)", "x \\le 3", "1 \\pm 2", "2 3", "\\foo{x}", "(x+1",
                           "x+", "x = 1 = y", "\\{1\\}", "50%", "abc", "\\frac{1}", "1..2", "x__1"}) {
    EXPECT_FALSE(parse_math_expression(text).has_value()) << text;
  }
  std::string deep(200, '(');
  deep += "1" + std::string(200, ')');
  EXPECT_FALSE(parse_math_expression(deep).has_value()) << "nesting is bounded";
}

TEST(EvaluateConstant, Values) {
  struct Case {
    const char* text;
    double value;
  };
  const Case cases[] = {
      {"42", 42},          {"-17", -17},           {"3.25", 3.25},
      {".5", 0.5},         {"1e-3", 0.001},        {"\\frac{1}{2}", 0.5},
      {"-\\frac{1}{2}", -0.5}, {"\\frac{-3}{4}", -0.75}, {"3/4", 0.75},
      {"2\\times10^{3}", 2000}, {"1.5 \\times 10^{-2}", 0.015}, {"6\\cdot10^2", 600},
      {"\\sqrt{12}", std::sqrt(12.0)}, {"2\\sqrt{3}", 2 * std::sqrt(3.0)}, {"\\sqrt[3]{-8}", -2},
      {"2\\pi", 2 * M_PI}, {"e^2", std::exp(2.0)}, {"\\sin(\\pi/6)", 0.5},
      {"5!", 120},          {"\\binom{10}{3}", 120}, {"\\log_2 8", 3},
      {"|-3|", 3},          {"2\\frac{1}{2}", 2.5},  {"\\frac{\\sqrt{3}}{2}", std::sqrt(3.0) / 2},
  };
  for (const auto& c : cases) {
    auto e = parse_math_expression(c.text);
    ASSERT_TRUE(e.has_value()) << c.text;
    auto v = evaluate_constant(*e);
    ASSERT_TRUE(v.has_value()) << c.text;
    EXPECT_NEAR(*v, c.value, 1e-12 * std::max(1.0, std::fabs(c.value))) << c.text;
  }
  auto inf = evaluate_constant(*parse_math_expression("-\\infty"));
  ASSERT_TRUE(inf.has_value());
  EXPECT_TRUE(std::isinf(*inf) && *inf < 0);
}

TEST(EvaluateConstant, NotConstantOrUndefined) {
  for (const char* text : {"x", "2x+1", "1/0", "\\frac{1}{0}", "\\sqrt{-1}", "3+4i", "\\ln(0)", "\\log_1 5",
                           "(-8)^{1/3}", "x=1", "(-1)!", "\\infty-\\infty"}) {
    auto e = parse_math_expression(text);
    ASSERT_TRUE(e.has_value()) << text;
    EXPECT_FALSE(evaluate_constant(*e).has_value()) << text;
  }
}

TEST(MathExpression, DecimalsAndIntegerLiterals) {
  EXPECT_TRUE(has_decimal(*parse_math_expression("\\frac{0.5}{x}")));
  EXPECT_FALSE(has_decimal(*parse_math_expression("\\frac{1}{2}")));
  EXPECT_EQ(integer_literal(*parse_math_expression("-0012")), std::optional<std::string>("-12"));
  EXPECT_EQ(integer_literal(*parse_math_expression("-0")), std::optional<std::string>("0"));
  EXPECT_EQ(integer_literal(*parse_math_expression("12.0")), std::nullopt);
  EXPECT_EQ(integer_literal(*parse_math_expression("2+1")), std::nullopt);
}

TEST(MathExpression, SympyTree) {
  auto e = parse_math_expression("\\frac{\\sqrt{3}}{2} - x^2");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(to_sympy_tree(*e).dump(),
            R"(["add",["div",["root",["int","3"],["int","2"]],["int","2"]],["neg",["pow",["sym","x"],["int","2"]]]])");
  EXPECT_EQ(to_sympy_tree(*parse_math_expression("\\sin(\\pi)=0.5")).dump(),
            R"(["eq",["fn","sin",["const","pi"]],["dec","0.5"]])");
}

}  // namespace
}  // namespace gauntlet::verifiers
