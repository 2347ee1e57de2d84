// SymbolicChecker: SymPy verdicts from the sandbox pool, lazy start, failures, and latency.
#include "verifiers/symbolic_checker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "verifiers/math_expression_parser.h"

namespace gauntlet::verifiers {
namespace {

std::pair<MathExpr, MathExpr> pair_of(const std::string& a, const std::string& b) {
  auto x = parse_math_expression(a);
  auto y = parse_math_expression(b);
  EXPECT_TRUE(x && y) << a << " / " << b;
  return {*x, *y};
}

TEST(SymbolicChecker, VerdictsInOrder) {
  SymbolicChecker checker;
  EXPECT_EQ(checker.isolated(), std::nullopt) << "no pool before it is needed";
  auto batch = checker.compare({pair_of("x^2-1", "(x-1)(x+1)"), pair_of("x+1", "x+2"),
                                pair_of("\\sin^2 x + \\cos^2 x", "1"), pair_of("x+y=1", "2y+2x=2")},
                               5000);
  ASSERT_EQ(batch.error, "");
  ASSERT_EQ(batch.results.size(), 4u);
  EXPECT_EQ(batch.results[0], SymbolicResult::kEqual);
  EXPECT_EQ(batch.results[1], SymbolicResult::kDifferent);
  EXPECT_EQ(batch.results[2], SymbolicResult::kEqual);
  EXPECT_EQ(batch.results[3], SymbolicResult::kEqual);
  EXPECT_FALSE(batch.unavailable);
  EXPECT_TRUE(batch.isolated);
  EXPECT_EQ(checker.isolated(), std::optional<bool>(true));
}

TEST(SymbolicChecker, EmptyBatchStartsNothing) {
  SymbolicChecker checker;
  auto batch = checker.compare({}, 1000);
  EXPECT_TRUE(batch.results.empty());
  EXPECT_EQ(batch.error, "");
  EXPECT_EQ(checker.isolated(), std::nullopt);
}

TEST(SymbolicChecker, NamesAreDataNeverCode) {
  // The tree is rebuilt node by node; a symbol's name is only a name.
  MathExpr planted = MathExpr::leaf(MathExpr::Kind::kSymbol, "__import__('os').system('touch /tmp/pwned')");
  MathExpr other = MathExpr::leaf(MathExpr::Kind::kSymbol, "y");
  auto batch = SymbolicChecker::shared().compare({{planted, planted}, {planted, other}}, 5000);
  ASSERT_EQ(batch.error, "");
  EXPECT_EQ(batch.results[0], SymbolicResult::kEqual);
  EXPECT_EQ(batch.results[1], SymbolicResult::kDifferent);
}

TEST(SymbolicChecker, RunawayWorkTimesOut) {
  auto batch = SymbolicChecker::shared().compare({pair_of("10^{10^{10}}", "10^{10^{10}}+1")}, 300);
  EXPECT_FALSE(batch.unavailable);
  EXPECT_NE(batch.error, "");
  EXPECT_EQ(batch.results[0], SymbolicResult::kUnknown);
  // The pool still works afterwards.
  auto after = SymbolicChecker::shared().compare({pair_of("2x", "x+x")}, 5000);
  ASSERT_EQ(after.error, "");
  EXPECT_EQ(after.results[0], SymbolicResult::kEqual);
}

TEST(SymbolicChecker, UnavailableIsStickyAndNamed) {
  SymbolicCheckerOptions options;
  options.python = "/nonexistent/bin/python3";
  SymbolicChecker checker(options);
  for (int i = 0; i < 2; ++i) {
    auto batch = checker.compare({pair_of("x", "x+0")}, 1000);
    EXPECT_TRUE(batch.unavailable);
    EXPECT_EQ(batch.results[0], SymbolicResult::kUnknown);
    EXPECT_NE(batch.error.find("symbolic check unavailable: sandbox: interpreter /nonexistent/bin/python3"),
              std::string::npos)
        << batch.error;
  }
}

// Prints the warm-pool latency of one check (one sandbox job) and bounds it loosely.
TEST(SymbolicChecker, WarmLatency) {
  SymbolicChecker& checker = SymbolicChecker::shared();
  checker.compare({pair_of("x", "x")}, 5000);  // starts the pool
  const std::pair<const char*, const char*> kPairs[] = {
      {"x^2+2x+1", "(x+1)^2"}, {"\\frac{x^2-1}{x-1}", "x+1"}, {"2x+1", "2x-1"}, {"(x-2)(x+3)", "x^2+x-6"},
      {"\\frac{1}{x}+\\frac{1}{y}", "\\frac{x+y}{xy}"}};
  constexpr int kRounds = 4;
  int checks = 0;
  auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    for (const auto& [a, b] : kPairs) {
      auto batch = checker.compare({pair_of(a, b)}, 5000);
      ASSERT_EQ(batch.error, "") << a << " / " << b;
      ++checks;
    }
  }
  double per_check_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() / checks;
  std::printf("symbolic check, warm pool: %.1f ms per check (%d checks)\n", per_check_ms, checks);
  RecordProperty("ms_per_check", std::to_string(per_check_ms));
  EXPECT_LT(per_check_ms, 1000.0);
}

}  // namespace
}  // namespace gauntlet::verifiers
