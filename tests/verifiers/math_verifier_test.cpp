// MathVerifier behaviour beyond the pair table: options, the JSON contract, what "none" says.
#include "verifiers/math_verifier.h"

#include <gtest/gtest.h>

#include <chrono>

namespace gauntlet::verifiers {
namespace {

MathVerdict verify(const std::string& gold, const std::string& pred, MathVerifierOptions options = {}) {
  options.symbolic = false;
  return MathVerifier(options).verify(gold, pred);
}

TEST(MathVerifier, ToleranceAppliesToDecimalsOnly) {
  MathVerifierOptions loose;
  loose.tolerance = 1e-3;
  EXPECT_TRUE(verify("3.14159", "3.14", loose).equivalent);
  EXPECT_FALSE(verify("3.14159", "3.14").equivalent);
  MathVerifierOptions zero;
  zero.tolerance = 0;
  EXPECT_TRUE(verify("\\frac{1}{2}", "0.5", zero).equivalent);
  EXPECT_FALSE(verify("2", "2.000001", zero).equivalent);
  // Integers compare exactly whatever the tolerance.
  MathVerifierOptions huge;
  huge.tolerance = 0.5;
  EXPECT_FALSE(verify("1000000", "1000001", huge).equivalent);
  // Exact forms compare at 1e-10 whatever the tolerance.
  EXPECT_FALSE(verify("\\frac{1000000}{1000001}", "1", huge).equivalent);
  EXPECT_TRUE(verify("\\frac{1000000}{1000001}", "0.999999", loose).equivalent);
}

TEST(MathVerifier, SymbolicOffSaysSo) {
  MathVerdict v = verify("x^2+2x+1", "(x+1)^2");
  EXPECT_FALSE(v.equivalent);
  EXPECT_EQ(v.method, MathMethod::kNone);
  EXPECT_EQ(v.note, "needs a symbolic check, which is off");
  EXPECT_FALSE(v.unavailable);
  MathVerdict numeric = verify("\\frac{\\sqrt{3}}{2}", "\\sqrt{3}/2");
  EXPECT_TRUE(numeric.equivalent);
  EXPECT_EQ(numeric.note, "");
  // A difference found without SymPy is decided even when another part would need it.
  MathVerdict tuple = verify("(1, x+1)", "(2, 1+x)");
  EXPECT_FALSE(tuple.equivalent);
  EXPECT_EQ(tuple.method, MathMethod::kNumeric);
}

TEST(MathVerifier, JsonContract) {
  MathVerdict v = verify("$\\dfrac{1}{2}$", "0.50");
  EXPECT_EQ(v.to_json().dump(), R"({"equivalent":true,"gold_norm":"\\frac{1}{2}","pred_norm":"0.5","method":"numeric"})");
  MathVerdict none = verify("5", "");
  EXPECT_EQ(none.to_json().dump(),
            R"({"equivalent":false,"gold_norm":"5","pred_norm":"","method":"none","note":"no predicted answer"})");
}

TEST(MathVerifier, UnavailableSandboxIsReported) {
  SymbolicCheckerOptions options;
  options.python = "/nonexistent/bin/python3";
  SymbolicChecker broken(options);
  MathVerifier verifier({}, &broken);
  MathVerdict v = verifier.verify("x^2-1", "(x-1)(x+1)");
  EXPECT_FALSE(v.equivalent);
  EXPECT_EQ(v.method, MathMethod::kNone);
  EXPECT_TRUE(v.unavailable);
  EXPECT_NE(v.note.find("symbolic check unavailable: sandbox: interpreter /nonexistent/bin/python3 not found"),
            std::string::npos)
      << v.note;
  MathVerdict cheap = verifier.verify("2", "2.0");
  EXPECT_TRUE(cheap.equivalent);
  EXPECT_FALSE(cheap.unavailable);
}

TEST(MathVerifier, TimeoutIsNoneWithANote) {
  MathVerifierOptions options;
  options.symbolic_timeout_ms = 300;
  MathVerifier verifier(options, &SymbolicChecker::shared());
  // SymPy evaluates 10^(10^10) exactly: far more than 300 ms of CPU.
  MathVerdict v = verifier.verify("10^{10^{10}} + x", "x + 10^{10^{10}} + 1");
  EXPECT_FALSE(v.equivalent);
  EXPECT_EQ(v.method, MathMethod::kNone);
  EXPECT_FALSE(v.unavailable);
  EXPECT_TRUE(v.note.find("timed out after 300 ms") != std::string::npos ||
              v.note.find("out of memory") != std::string::npos)
      << v.note;
}

// Issue 21: `gauntlet verify math --gold "((...1...))" --pred 1` with 13,200 levels crashed with a
// stack overflow after seconds; now the gold is text and the verdict comes at once, either way round.
TEST(MathVerifier, HostileNestingIsAnsweredQuickly) {
  const std::string deep = std::string(13200, '(') + "1" + std::string(13200, ')');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(verify(deep, "1").equivalent);
  EXPECT_FALSE(verify("1", deep).equivalent);
  EXPECT_TRUE(verify(deep, deep).equivalent);  // the same text
  std::string fracs;
  for (int i = 0; i < 2000; ++i) fracs += "\\frac{";
  fracs += "1";
  for (int i = 0; i < 2000; ++i) fracs += "}{2}";
  EXPECT_FALSE(verify(fracs, "1").equivalent);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace gauntlet::verifiers
