// CodeOutputVerifier: Python values compared in the sandbox, never strings, never by running the
// texts; and the literal-argument check that guards abduction answers.
#include "verifiers/code_output_verifier.h"

#include <memory>

#include <gtest/gtest.h>

namespace gauntlet::verifiers {
namespace {

class CodeOutputVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sandbox::SandboxOptions options;
    options.lanes = 2;
    box_ = std::make_unique<sandbox::Sandbox>(options);
  }
  static void TearDownTestSuite() { box_.reset(); }
  static std::unique_ptr<sandbox::Sandbox> box_;
};
std::unique_ptr<sandbox::Sandbox> CodeOutputVerifierTest::box_;

struct Case {
  const char* gold;
  const char* pred;
  bool equal;
};

TEST_F(CodeOutputVerifierTest, ValuesNotStrings) {
  const std::vector<Case> cases = {
      {"'Hello world'", "\"Hello world\"", true},
      {"[1, 2]", "[1,2]", true},
      {"[1, 2]", " [ 1 , 2 ] \n", true},
      {"{'a': 1, 'b': 2}", "{'b': 2, 'a': 1}", true},
      {"{1, 2, 3}", "{3, 2, 1}", true},
      {"1", "1.0", true},  // Python ==, as AZR's eval(gold) == eval(pred)
      {"True", "1", true},
      {"-5", "- 5", true},
      {"(1+2j)", "1+2j", true},
      {"1e3", "1000.0", true},
      {"'a\\nb'", "\"a\\nb\"", true},
      {"b'xy'", "b\"xy\"", true},
      {"(1,)", "[1]", false},
      {"'1'", "1", false},
      {"[1, 2]", "[2, 1]", false},
      {"{'a': 1}", "{'a': 2}", false},
      {"None", "'None'", false},
      {"3", "", false},
      // Reprs that are not literals: read through the whitelisted constructors and names.
      {"inf", "float('inf')", true},
      {"nan", "nan", true},
      {"[nan]", "[float('nan')]", true},
      {"frozenset({1, 2})", "frozenset([2, 1])", true},
      {"Counter({'a': 2, 'b': 1})", "Counter({'b': 1, 'a': 2})", true},
      {"deque([1, 2])", "deque([1, 2], maxlen=5)", true},
      {"Fraction(1, 3)", "Fraction(2, 6)", true},
      {"Decimal('1.50')", "Decimal('1.5')", true},
      {"OrderedDict([('a', 1)])", "OrderedDict({'a': 1})", true},
      {"range(0, 3)", "range(3)", true},
      {"set()", "set()", true},
      // A gold that is no value at all: the texts must match.
      {"<object at 0x1>", "<object at 0x1>", true},
      {"defaultdict(<class 'int'>, {})", "defaultdict(<class 'int'>, {})", true},
      {"<object at 0x1>", "<object at 0x2>", false},
      // Predictions are never run: code is simply not a value.
      {"0", "__import__('os').system('true')", false},
      {"2", "1 + 1", false},
      {"[0, 1]", "list(range(2))", true},  // a whitelisted constructor on a whitelisted value
      {"[0, 1]", "[i for i in range(2)]", false},
      {"'ab'", "'a' + 'b'", false},
      {"1", "x", false},
  };
  CodeOutputVerifier v(*box_);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& c : cases) pairs.emplace_back(c.gold, c.pred);
  auto verdicts = v.equal(pairs);
  ASSERT_EQ(verdicts.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i)
    EXPECT_EQ(verdicts[i], cases[i].equal) << "gold " << cases[i].gold << " vs " << cases[i].pred;
  EXPECT_EQ(v.executions(), 1);  // all in one job
  EXPECT_TRUE(v.equal("[1, (2, 3)]", "[1, (2, 3)]"));
  EXPECT_FALSE(v.equal("[1, (2, 3)]", "[1, [2, 3]]"));
}

TEST_F(CodeOutputVerifierTest, OneBadPredictionDoesNotSinkTheOthers) {
  CodeOutputVerifier v(*box_, /*timeout_ms=*/500);
  // Running through this range takes far longer than the helper's time limit (in constant memory).
  auto verdicts = v.equal({{"[1]", "[1]"}, {"0", "deque(range(1000000000000), maxlen=1)"}, {"'x'", "'x'"}, {"2", "3"}});
  EXPECT_EQ(verdicts, (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(v.executions(), 1 + 4);  // the batch failed, then each pair alone
  // Inputs too long to be anyone's output are not even read.
  EXPECT_FALSE(v.equal("1", std::string(70000, '1')));
  // Invalid UTF-8 in model text is replaced, not an exception.
  EXPECT_FALSE(v.equal("'a'", "'\xff'"));
}

TEST_F(CodeOutputVerifierTest, LiteralArgumentsOnly) {
  CodeOutputVerifier v(*box_);
  auto reasons = v.literal_arguments({"1, 2", "'a', b=[3, {4: 5}]", "(1, 2)", "set()", "-1.5, None", "0) or (1", "1)(2",
                                      "0) if 0 else (10", "x", "*[1]", "**{'a': 1}", "f(2)", "1 + 1", "", "1,, 2"});
  ASSERT_EQ(reasons.size(), 15u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(reasons[i], "") << i;
  EXPECT_EQ(reasons[5], "f(<input>) is not a single call of f");
  EXPECT_EQ(reasons[6], "f(<input>) is not a single call of f");
  EXPECT_EQ(reasons[7], "f(<input>) is not a single call of f");
  for (int i : {8, 9, 10, 11, 12}) EXPECT_NE(reasons[i].find("plain literals"), std::string::npos) << i << reasons[i];
  EXPECT_EQ(reasons[13], "");  // f() is a call with no arguments
  EXPECT_NE(reasons[14].find("not an argument list"), std::string::npos) << reasons[14];
}

}  // namespace
}  // namespace gauntlet::verifiers
