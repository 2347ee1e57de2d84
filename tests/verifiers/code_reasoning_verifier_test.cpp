// CodeReasoningVerifier: deduction, abduction and induction answers checked by running programs in
// the sandbox and comparing values; programs cannot forge their own verdict.
#include "verifiers/code_reasoning_verifier.h"

#include <memory>

#include <gtest/gtest.h>

namespace gauntlet::verifiers {
namespace {

class CodeReasoningVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sandbox::SandboxOptions options;
    options.lanes = 2;
    box_ = std::make_unique<sandbox::Sandbox>(options);
  }
  static void TearDownTestSuite() { box_.reset(); }
  static CodeReasoningVerifier verifier() { return CodeReasoningVerifier(*box_, CodeLimits{300, 256}); }
  static std::unique_ptr<sandbox::Sandbox> box_;
};
std::unique_ptr<sandbox::Sandbox> CodeReasoningVerifierTest::box_;

TEST_F(CodeReasoningVerifierTest, OutputPrediction) {
  auto v = verifier();
  auto r = v.check(std::vector<OutputPrediction>{{"[3, 'a']", "[3, \"a\"]"}, {"[3, 'a']", "[3, 'b']"}, {"7", "seven"}});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].correct);
  EXPECT_EQ(r[0].reason, "");
  EXPECT_FALSE(r[1].correct);
  EXPECT_EQ(r[1].reason, "not_equal");
  EXPECT_FALSE(r[2].correct);
}

TEST_F(CodeReasoningVerifierTest, InputPredictionRunsTheProgramOnTheInput) {
  const std::string program = "def f(x, y=1):\n    return x * 2 + y";
  auto v = verifier();
  auto r = v.check(std::vector<InputPrediction>{
      {program, "11", "5"},                 // 5 * 2 + 1
      {program, "11", "4, y=3"},            // another input giving the same output is right too
      {program, "11", "4"},                 // 9
      {program, "11", "0) if 0 else (11"},  // would evaluate to 11 if the call were not checked
      {program, "11", "'a'"},               // TypeError
      {"def f(x):\n    while True:\n        pass", "1", "1"},
  });
  ASSERT_EQ(r.size(), 6u);
  EXPECT_TRUE(r[0].correct) << r[0].reason;
  EXPECT_TRUE(r[1].correct) << r[1].reason;
  EXPECT_EQ(r[2].reason, "not_equal");
  EXPECT_FALSE(r[3].correct);
  EXPECT_EQ(r[3].reason.rfind("bad_input: ", 0), 0u) << r[3].reason;
  EXPECT_FALSE(r[4].correct);
  EXPECT_EQ(r[4].reason.rfind("error: TypeError", 0), 0u) << r[4].reason;
  EXPECT_EQ(r[5].reason.rfind("timeout", 0), 0u) << r[5].reason;
}

TEST_F(CodeReasoningVerifierTest, ProgramPredictionMustReproduceEveryHiddenOutput) {
  const std::vector<std::string> inputs = {"3", "-2", "10"};
  const std::vector<std::string> golds = {"7", "-3", "21"};  // 2x + 1
  auto v = verifier();
  auto r = v.check(std::vector<ProgramPrediction>{
      {"def f(x):\n    return 2 * x + 1", inputs, golds},
      {"def f(n):\n    return n + n + 1.0", inputs, golds},                // 7.0 == 7
      {"def f(x):\n    return 2 * x + 1 if x > 0 else 0", inputs, golds},  // wrong on -2 only
      {"def f(x):\n    return 21 // (x - 10) + 2 * x", inputs, golds},     // fails on the last input
      {"def g(x):\n    return x", inputs, golds},                          // no f
      {"def f(x):\n    return 1", {}, {}},
  });
  ASSERT_EQ(r.size(), 6u);
  EXPECT_TRUE(r[0].correct) << r[0].reason;
  EXPECT_TRUE(r[1].correct) << r[1].reason;
  EXPECT_EQ(r[2].reason, "not_equal");
  EXPECT_EQ(r[3].reason.rfind("error: ZeroDivisionError", 0), 0u) << r[3].reason;
  EXPECT_EQ(r[4].reason.rfind("error: NameError", 0), 0u) << r[4].reason;
  EXPECT_FALSE(r[5].correct);
}

TEST_F(CodeReasoningVerifierTest, AProgramThatExitsInsteadOfReturningFails) {
  auto v = verifier();
  for (const char* leave : {"raise SystemExit", "import sys; sys.exit(0)", "import sys; sys.exit(None)",
                            "import os; os._exit(0)"}) {
    SCOPED_TRACE(leave);
    const std::string program = std::string("def f(x):\n    ") + leave + "\n    return x";
    // The gold outputs an exit would have "matched" when it read as a return of "".
    auto induction = v.check(std::vector<ProgramPrediction>{{program, {"1"}, {""}}, {program, {"1"}, {"''"}}});
    ASSERT_EQ(induction.size(), 2u);
    for (const auto& r : induction) {
      EXPECT_FALSE(r.correct);
      EXPECT_EQ(r.reason.rfind("no_result", 0), 0u) << r.reason;
    }
    auto abduction = v.check(std::vector<InputPrediction>{{program, "''", "1"}});
    ASSERT_EQ(abduction.size(), 1u);
    EXPECT_FALSE(abduction[0].correct);
    EXPECT_EQ(abduction[0].reason.rfind("no_result", 0), 0u) << abduction[0].reason;
  }
}

TEST_F(CodeReasoningVerifierTest, ProgramsCannotForgeTheirVerdict) {
  const std::vector<std::string> inputs = {"1", "2"};
  const std::vector<std::string> golds = {"10", "20"};
  auto v = verifier();
  auto r = v.check(std::vector<ProgramPrediction>{
      // An object equal to everything: compared by value in another job, it is just "A()".
      {"class A:\n    def __eq__(self, o):\n        return True\n    def __repr__(self):\n        return 'A()'\n"
       "def f(x):\n    return A()",
       inputs, golds},
      // Tampering with the comparison tools in its own process changes nothing.
      {"import ast, builtins\nast.literal_eval = lambda s: 0\nbuiltins.repr = lambda o: '10'\n"
       "def f(x):\n    return 'nope'",
       inputs, golds},
      // Writing a result frame by hand is only this program's own answer.
      {"import os\ndef f(x):\n    os.write(3, b'garbage')\n    return 10 * x", inputs, golds},
  });
  ASSERT_EQ(r.size(), 3u);
  EXPECT_FALSE(r[0].correct);
  EXPECT_EQ(r[0].reason, "not_equal");
  EXPECT_FALSE(r[1].correct) << r[1].reason;
  EXPECT_FALSE(r[2].correct) << r[2].reason;
  EXPECT_GT(v.executions(), 6);
}

}  // namespace
}  // namespace gauntlet::verifiers
