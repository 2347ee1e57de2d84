// The `math` scorer: extraction, then the MathVerifier, with its options.
#include "verifiers/math_scorer.h"

#include <gtest/gtest.h>

#include <string>

namespace gauntlet::verifiers {
namespace {

using Opt = std::optional<std::string>;

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

TEST(MathScorer, SymbolicOption) {
  const char* completion = "Expanding, we get $\\boxed{x^2 + 2x + 1}$.";
  MathScorer symbolic({});
  EXPECT_TRUE(symbolic.score(completion, "(x+1)^2").correct);
  EXPECT_FALSE(symbolic.score(completion, "(x-1)^2").correct);
  MathScorer off(ScorerOptions{{"symbolic", "false"}});
  EXPECT_FALSE(off.score(completion, "(x+1)^2").correct);
  EXPECT_TRUE(off.score("\\boxed{\\frac{\\sqrt{3}}{2}}", "\\sqrt{3}/2").correct) << "numeric needs no SymPy";
  MathScorer quick(ScorerOptions{{"symbolic_timeout_ms", "2000"}});
  EXPECT_TRUE(quick.score(completion, "(x+1)^2").correct);
}

TEST(MathScorer, BadOptionsAreNamed) {
  auto message = [](const ScorerOptions& options) {
    try {
      MathScorer scorer(options);
    } catch (const ScorerConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(message({{"symbolic", "yes"}}).find("'symbolic' must be \"true\" or \"false\""), std::string::npos);
  EXPECT_NE(message({{"symbolic_timeout_ms", "0"}}).find("'symbolic_timeout_ms' must be a positive whole number"),
            std::string::npos);
  EXPECT_NE(message({{"symbolic_timeout_ms", "1.5"}}).find("got \"1.5\""), std::string::npos);
  EXPECT_NE(message({{"tolerance", "-1"}}).find("'tolerance'"), std::string::npos);
  EXPECT_NO_THROW(make_scorer("math", {{"symbolic", "false"}, {"symbolic_timeout_ms", "100"}}));
  EXPECT_THROW(make_scorer("math", {{"symbolc", "false"}}), ScorerConfigError);
}

TEST(MathScorer, UnavailableSandboxIsAnErrorNotAWrongAnswer) {
  SymbolicCheckerOptions options;
  options.python = "/nonexistent/bin/python3";
  SymbolicChecker broken(options);
  MathScorer scorer({}, &broken);
  // Decided without SymPy: scored as usual.
  EXPECT_TRUE(scorer.score("\\boxed{0.5}", "\\frac{1}{2}").correct);
  EXPECT_FALSE(scorer.score("\\boxed{7}", "8").correct);
  // Needs SymPy: the scorer refuses to guess.
  try {
    scorer.score("\\boxed{(x+1)^2}", "x^2+2x+1");
    FAIL() << "expected ScorerError";
  } catch (const ScorerError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("symbolic check unavailable"), std::string::npos) << what;
    EXPECT_NE(what.find("/nonexistent/bin/python3"), std::string::npos) << what;
    EXPECT_NE(what.find("symbolic: false"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace gauntlet::verifiers
