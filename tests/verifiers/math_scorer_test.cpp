// Math answer extraction, normalisation, numeric parsing and scoring.
#include "verifiers/math_scorer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace gauntlet::verifiers {
namespace {

using Opt = std::optional<std::string>;

// ---- extraction ----

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

// ---- normalisation ----

TEST(NormalizeMathAnswer, StripsLatexDecoration) {
  EXPECT_EQ(normalize_math_answer("$\\dfrac{3}{4}$"), "\\frac{3}{4}");
  EXPECT_EQ(normalize_math_answer("\\tfrac12"), "\\frac{1}{2}");
  EXPECT_EQ(normalize_math_answer("\\frac ab"), "\\frac{a}{b}");
  EXPECT_EQ(normalize_math_answer("\\left( 1, 2 \\right)"), "( 1, 2 )");
  EXPECT_EQ(normalize_math_answer("\\leftarrow"), "\\leftarrow");
  EXPECT_EQ(normalize_math_answer("10\\text{ cm}"), "10 cm");
  EXPECT_EQ(normalize_math_answer("\\mathrm{Tuesday}"), "Tuesday");
  EXPECT_EQ(normalize_math_answer("\\text{\\textbf{B}}"), "B");
  EXPECT_EQ(normalize_math_answer("90^\\circ"), "90");
  EXPECT_EQ(normalize_math_answer("90^{\\circ}"), "90");
  EXPECT_EQ(normalize_math_answer("3\\!\\,\\;x"), "3x");
  EXPECT_EQ(normalize_math_answer("\\displaystyle \\frac{1}{3}"), "\\frac{1}{3}");
  EXPECT_EQ(normalize_math_answer("+5"), "5");
  EXPECT_EQ(normalize_math_answer(" 7. "), "7");
  EXPECT_EQ(normalize_math_answer("\\$4.50"), "4.50");
  EXPECT_EQ(normalize_math_answer("50\\%"), "50%");
  EXPECT_EQ(normalize_math_answer("\\sqrt2"), "\\sqrt{2}");
  EXPECT_EQ(normalize_math_answer("x = 5"), "5");
  EXPECT_EQ(normalize_math_answer("y = 2x + 3"), "2x + 3");
  EXPECT_EQ(normalize_math_answer("x \\le 5"), "x \\le 5");
}

TEST(NormalizeMathAnswer, ThousandsSeparators) {
  EXPECT_EQ(normalize_math_answer("1,234,567"), "1234567");
  EXPECT_EQ(normalize_math_answer("1{,}234"), "1234");
  EXPECT_EQ(normalize_math_answer("10{,}000{,}000"), "10000000");
  EXPECT_EQ(normalize_math_answer("1,234.5"), "1234.5");
  EXPECT_EQ(normalize_math_answer("-2,500"), "-2500");
  // Groups that are not exactly three digits are not separators.
  EXPECT_EQ(normalize_math_answer("1,23"), "1,23");
  EXPECT_EQ(normalize_math_answer("12,3456"), "12,3456");
  EXPECT_EQ(normalize_math_answer("1234,567"), "1234,567");
  // A tuple or interval keeps its commas.
  EXPECT_EQ(normalize_math_answer("(1,000)"), "(1,000)");
  EXPECT_EQ(normalize_math_answer("[2,100]"), "[2,100]");
}

// ---- numbers ----

TEST(ParseMathNumber, AcceptedForms) {
  struct Case {
    const char* text;
    double value;
    bool percent;
  };
  const Case cases[] = {
      {"42", 42, false},          {"-17", -17, false},          {"3.25", 3.25, false},
      {".5", 0.5, false},         {"1e-3", 0.001, false},       {"2.5E4", 25000, false},
      {"\\frac{1}{2}", 0.5, false}, {"-\\frac{1}{2}", -0.5, false}, {"\\frac{-3}{4}", -0.75, false},
      {"\\frac{1}{2}", 0.5, false}, {"\\frac{7}{2}", 3.5, false},  {"3/4", 0.75, false},
      {"-3/4", -0.75, false},     {"50%", 50, true},            {"12.5\\%", 12.5, true},
      {"2\\times10^{3}", 2000, false}, {"1.5 \\times 10^{-2}", 0.015, false},
      {"6\\cdot10^2", 600, false},
  };
  for (const auto& c : cases) {
    auto parsed = parse_math_number(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_NEAR(parsed->value, c.value, 1e-12) << c.text;
    EXPECT_EQ(parsed->percent, c.percent) << c.text;
  }
}

TEST(ParseMathNumber, RejectedForms) {
  for (const char* text : {"", "x", "\\sqrt{2}", "\\pi", "1/0", "\\frac{1}{0}", "--5", "2x", "(1,2)",
                           "\\frac{1}{2}x", "3\\times10^{1.5}", "1e", "abc%", "1/2/3"}) {
    EXPECT_FALSE(parse_math_number(text).has_value()) << text;
  }
}

// ---- equivalence ----

TEST(MathAnswersEqual, NumericEquivalences) {
  EXPECT_TRUE(math_answers_equal("\\frac{1}{2}", "0.5"));
  EXPECT_TRUE(math_answers_equal("\\dfrac{3}{4}", "0.75"));
  EXPECT_TRUE(math_answers_equal("\\frac34", "3/4"));
  EXPECT_TRUE(math_answers_equal("1,234", "1234"));
  EXPECT_TRUE(math_answers_equal("1{,}234", "1234.0"));
  EXPECT_TRUE(math_answers_equal("-\\frac{1}{2}", "-0.5"));
  EXPECT_TRUE(math_answers_equal("+7", "7"));
  EXPECT_TRUE(math_answers_equal("1e3", "1000"));
  EXPECT_TRUE(math_answers_equal("0.333333333", "\\frac{1}{3}"));  // within 1e-6 relative
  EXPECT_FALSE(math_answers_equal("0.333", "\\frac{1}{3}"));
  EXPECT_FALSE(math_answers_equal("-5", "5"));
  EXPECT_FALSE(math_answers_equal("1,234", "1.234"));
  EXPECT_TRUE(math_answers_equal("0", "-0.0"));
  EXPECT_TRUE(math_answers_equal("1e-12", "0"));   // absolute tolerance near zero
  EXPECT_FALSE(math_answers_equal("1e-6", "0"));
}

TEST(MathAnswersEqual, Percentages) {
  EXPECT_TRUE(math_answers_equal("10\\%", "10"));
  EXPECT_TRUE(math_answers_equal("10\\%", "0.1"));
  EXPECT_TRUE(math_answers_equal("50%", "\\frac{1}{2}"));
  EXPECT_TRUE(math_answers_equal("25", "25%"));
  EXPECT_TRUE(math_answers_equal("50%", "50\\%"));
  EXPECT_FALSE(math_answers_equal("50%", "0.5%"));
  EXPECT_FALSE(math_answers_equal("10%", "1"));
}

TEST(MathAnswersEqual, ToleranceParameter) {
  EXPECT_TRUE(math_answers_equal("3.14", "3.14159", 1e-3));
  EXPECT_FALSE(math_answers_equal("3.14", "3.14159", 1e-6));
  EXPECT_FALSE(math_answers_equal("2", "2.000001", 0.0));
}

TEST(MathAnswersEqual, SymbolicFallsBackToWhitespaceFreeStrings) {
  EXPECT_TRUE(math_answers_equal("\\sqrt{2}", "\\sqrt2"));
  EXPECT_TRUE(math_answers_equal("2 \\sqrt{3}", "2\\sqrt{3}"));
  EXPECT_TRUE(math_answers_equal("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})"));
  EXPECT_TRUE(math_answers_equal("\\text{Tuesday}", "Tuesday"));
  EXPECT_TRUE(math_answers_equal("x^2 + 1", "x^2+1"));
  EXPECT_FALSE(math_answers_equal("\\sqrt{3}", "\\sqrt{2}"));
  EXPECT_FALSE(math_answers_equal("", ""));
  EXPECT_FALSE(math_answers_equal("x^2+1", "X^2+1"));
}

// ---- scorer ----

struct ScoreCase {
  const char* completion;
  const char* reference;
  bool correct;
};

void expect_scores(const MathScorer& scorer, std::initializer_list<ScoreCase> cases) {
  for (const auto& c : cases) {
    Verdict v = scorer.score(c.completion, c.reference);
    EXPECT_EQ(v.correct, c.correct) << "completion: " << c.completion << "\nreference: " << c.reference
                                    << "\nextracted: " << v.extracted.value_or("<none>");
    EXPECT_DOUBLE_EQ(v.score, c.correct ? 1.0 : 0.0) << c.completion;
  }
}

TEST(MathScorer, RealisticCompletions) {
  MathScorer scorer({});
  expect_scores(scorer, {
      {"Janet has 16 - 3 - 4 = 9 eggs, so she makes 9 * 2 = $18.\n#### 18", "18", true},
      {"The total is 1234 dollars.\n#### 1,234", "1234", true},
      {"#### 1,234", "1,234", true},
      {"Thus $\\boxed{\\frac{1}{2}}$.", "0.5", true},
      {"Therefore the probability is $\\boxed{\\dfrac{3}{4}}$.", "\\frac{3}{4}", true},
      {"The increase is $\\boxed{10\\%}$.", "10", true},
      {"The increase is $\\boxed{10\\%}$.", "0.1", true},
      {"The side length is $\\boxed{\\sqrt{2}}$.", "\\sqrt{2}", true},
      {"The side length is $\\boxed{\\sqrt{2}}$.", "\\sqrt{3}", false},
      {"So $x = \\boxed{-4}$.", "-4", true},
      {"So $x = \\boxed{-4}$.", "4", false},
      {"The angle measures $\\boxed{45^\\circ}$.", "45", true},
      {"Final Answer: The final answer is $\\frac{7}{2}$. I hope it is correct.", "3.5", true},
      {"We find \\boxed{\\left(2, -\\frac{1}{3}\\right)}", "(2,-\\frac{1}{3})", true},
      {"The answer is $\\boxed{\\text{(C)}}$", "\\text{(C)}", true},
      {"$\\boxed{1{,}000{,}000}$", "1000000", true},
      {"First I thought \\boxed{5} but then \\boxed{6}", "5", false},
      {"Final Answer: 2.50", "\\$2.50", true},
      {"answer: 3/4", "\\frac{3}{4}", true},
      {"\\boxed{x=7}", "7", true},
      {"So the answer is 18.", "18", true},
  });
}

TEST(MathScorer, ReferenceMayBeAWorkedSolution) {
  MathScorer scorer({});
  expect_scores(scorer, {
      {"\\boxed{72}", "She sold 48/2 = 24 clips in May.\nAltogether 48+24 = 72 clips.\n#### 72", true},
      {"\\boxed{0.5}", "Half of them, so $\\boxed{\\frac12}$.", true},
  });
}

TEST(MathScorer, NoAnswerIsIncorrectWithNothingExtracted) {
  MathScorer scorer({});
  Verdict v = scorer.score("I computed 3 + 4 = 7, then 7 * 2 = 14.", "14");
  EXPECT_FALSE(v.extracted.has_value());
  EXPECT_FALSE(v.correct);
  EXPECT_DOUBLE_EQ(v.score, 0.0);
}

TEST(MathScorer, LastNumberFallbackOption) {
  MathScorer scorer(ScorerOptions{{"fallback", "last_number"}});
  Verdict v = scorer.score("I computed 3 + 4 = 7, then 7 * 2 = 14.", "14");
  EXPECT_EQ(v.extracted, Opt("14"));
  EXPECT_TRUE(v.correct);
  EXPECT_TRUE(scorer.score("So she earns 1,250 dollars in total", "1250").correct);
  EXPECT_FALSE(scorer.score("maybe 12 or 13", "12").correct);
}

TEST(MathScorer, ExtractedIsTheRawAnswer) {
  MathScorer scorer({});
  Verdict v = scorer.score("$\\boxed{\\dfrac{3}{4}}$", "0.75");
  EXPECT_EQ(v.extracted, Opt("\\dfrac{3}{4}"));
  EXPECT_TRUE(v.correct);
}

TEST(MathScorer, ToleranceOption) {
  MathScorer loose(ScorerOptions{{"tolerance", "0.01"}});
  EXPECT_TRUE(loose.score("\\boxed{3.14}", "3.14159").correct);
  MathScorer strict({});
  EXPECT_FALSE(strict.score("\\boxed{3.14}", "3.14159").correct);
  MathScorer exact(ScorerOptions{{"tolerance", "0"}});
  EXPECT_TRUE(exact.score("\\boxed{0.5}", "\\frac{1}{2}").correct);
}

}  // namespace
}  // namespace gauntlet::verifiers
