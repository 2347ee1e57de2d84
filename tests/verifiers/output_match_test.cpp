// Output comparison for stdin/stdout tests: exact, whitespace-insensitive tokens, and numbers within
// a tolerance.
#include "verifiers/output_match.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gauntlet::verifiers {
namespace {

TEST(OutputMatch, ExactIsByteForByte) {
  EXPECT_TRUE(output_matches("3\n7\n", "3\n7\n", OutputComparison::kExact, 0));
  EXPECT_FALSE(output_matches("3\n7", "3\n7\n", OutputComparison::kExact, 0));
  EXPECT_FALSE(output_matches("3 \n", "3\n", OutputComparison::kExact, 0));
}

TEST(OutputMatch, WhitespaceComparesTokens) {
  const auto w = OutputComparison::kWhitespace;
  EXPECT_TRUE(output_matches("3 7", "3\n7\n", w, 0));
  EXPECT_TRUE(output_matches("3\r\n7\r\n", "3\n7", w, 0));
  EXPECT_TRUE(output_matches("", "\n\n", w, 0));
  EXPECT_FALSE(output_matches("3\n7\n8\n", "3\n7\n", w, 0));
  EXPECT_FALSE(output_matches("3\n", "3\n7\n", w, 0));
  EXPECT_FALSE(output_matches("1.5", "1.50", w, 0));  // numbers only under float
  EXPECT_FALSE(output_matches("ab", "a b", w, 0));
}

TEST(OutputMatch, FloatAcceptsNumbersWithinTheTolerance) {
  const auto f = OutputComparison::kFloat;
  EXPECT_TRUE(output_matches("1.3333333333333333\n", "1.3333333333", f, 1e-6));
  EXPECT_TRUE(output_matches("-7.000000", "-7", f, 1e-6));
  EXPECT_TRUE(output_matches("+2", "2", f, 1e-6));
  EXPECT_TRUE(output_matches("1000000.25", "1000000.2500004", f, 1e-6));  // relative above 1
  EXPECT_FALSE(output_matches("0.0001", "0.0002", f, 1e-6));              // absolute below 1
  EXPECT_FALSE(output_matches("1.5 x", "1.5 y", f, 1e-6));                // words still exact
  EXPECT_FALSE(output_matches("nan", "nan1", f, 1e-6));
  EXPECT_FALSE(output_matches("inf", "1e308", f, 1e-6));
  EXPECT_TRUE(output_matches("YES", "YES", f, 1e-6));
}

TEST(OutputMatch, NamesParse) {
  EXPECT_EQ(output_comparison_from_string("float"), OutputComparison::kFloat);
  EXPECT_THROW(output_comparison_from_string("fuzzy"), std::invalid_argument);
}

}  // namespace
}  // namespace gauntlet::verifiers
