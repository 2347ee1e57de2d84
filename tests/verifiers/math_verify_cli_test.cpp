// `gauntlet verify math` end to end: the JSON contract, extraction from completions, usage errors,
// and the clear refusal when the sandbox's namespaces are unavailable.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::run_command;

const std::string kBinary = GAUNTLET_BINARY;

std::string verify(const std::string& gold, const std::string& pred, const std::string& extra = "--json") {
  return kBinary + " verify math --gold '" + gold + "' --pred '" + pred + "' " + extra;
}

TEST(VerifyMathCli, JsonContract) {
  auto r = run_command(verify("\\frac{1}{2}", "0.5"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"equivalent\":true,\"gold_norm\":\"\\\\frac{1}{2}\",\"pred_norm\":\"0.5\",\"method\":\"numeric\"}\n");
  auto symbolic = run_command(verify("x^2+2x+1", "(x+1)^2"));
  ASSERT_EQ(symbolic.exit_code, 0) << symbolic.err;
  auto j = nlohmann::json::parse(symbolic.out);
  EXPECT_EQ(j["equivalent"], true);
  EXPECT_EQ(j["method"], "symbolic");
  EXPECT_EQ(j.size(), 4u);
  auto wrong = run_command(verify("(1, 2]", "(1, 2)"));
  EXPECT_EQ(wrong.exit_code, 0) << "a verdict of not equivalent is still a result";
  EXPECT_EQ(nlohmann::json::parse(wrong.out)["equivalent"], false);
}

TEST(VerifyMathCli, AnswersAreExtractedFromSolutions) {
  auto r = run_command(verify("We find $x = \\boxed{\\dfrac{3}{4}}$.", "So the final answer is $0.75$. Done"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["gold_norm"], "\\frac{3}{4}");
  EXPECT_EQ(j["pred_norm"], "0.75");
  EXPECT_EQ(j["equivalent"], true);
  auto last = run_command(verify("14", "I computed 7 * 2 = 14 apples", "--json --fallback last_number"));
  EXPECT_EQ(nlohmann::json::parse(last.out)["equivalent"], true) << last.out;
  auto whole = run_command(verify("14", "I computed 7 * 2 = 14 apples", "--json"));
  EXPECT_EQ(nlohmann::json::parse(whole.out)["equivalent"], false) << whole.out;
}

TEST(VerifyMathCli, HumanOutputAndOptions) {
  auto r = run_command(verify("3.14159", "3.14", "--tolerance 0.001"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "equivalent: true (numeric)\ngold: 3.14159\npred: 3.14\n");
  auto off = run_command(verify("x^2-1", "(x-1)(x+1)", "--no-symbolic"));
  EXPECT_EQ(off.exit_code, 0);
  EXPECT_EQ(off.out, "equivalent: false (none)\ngold: x^2-1\npred: (x-1)(x+1)\nnote: needs a symbolic check, which is off\n");
}

TEST(VerifyMathCli, UsageErrors) {
  EXPECT_EQ(run_command(kBinary + " verify math --gold 1").exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " verify").exit_code, 2);
  EXPECT_EQ(run_command(verify("1", "1", "--fallback first")).exit_code, 2);
  auto negative = run_command(verify("1", "1", "--tolerance -1"));
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.err.find("--tolerance"), std::string::npos) << negative.err;
  EXPECT_EQ(run_command(verify("1", "1", "--symbolic-timeout-ms 0")).exit_code, 2);
}

// As in the sandbox CLI test: a user namespace whose own limit forbids nested user namespaces stands
// in for an unprivileged container. Cheap checks still work; one that needs SymPy fails loudly.
TEST(VerifyMathCli, SaysSoWithoutNamespaces) {
  if (run_command("unshare --user --map-root-user true").exit_code != 0) {
    GTEST_SKIP() << "cannot simulate";
  }
  std::string prefix =
      "unshare --user --map-root-user sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" \"$@\"' ";
  auto cheap = run_command(prefix + kBinary + " verify math --gold 0.5 --pred '\\frac12' --json");
  EXPECT_EQ(cheap.exit_code, 0) << cheap.err;
  EXPECT_EQ(nlohmann::json::parse(cheap.out)["equivalent"], true);
  auto refused = run_command(prefix + kBinary + " verify math --gold 'x^2-1' --pred '(x-1)(x+1)' --json");
  EXPECT_EQ(refused.exit_code, 1);
  auto j = nlohmann::json::parse(refused.out);
  EXPECT_EQ(j["equivalent"], false);
  EXPECT_EQ(j["method"], "none");
  std::string note = j["note"];
  EXPECT_NE(note.find("symbolic check unavailable"), std::string::npos) << note;
  EXPECT_NE(note.find("namespaces"), std::string::npos) << note;
  EXPECT_NE(refused.err.find("--insecure-no-isolation"), std::string::npos) << refused.err;
  auto insecure =
      run_command(prefix + kBinary + " verify math --gold 'x^2-1' --pred '(x-1)(x+1)' --json --insecure-no-isolation");
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
  EXPECT_EQ(nlohmann::json::parse(insecure.out)["method"], "symbolic");
  EXPECT_NE(insecure.err.find("WITHOUT isolation"), std::string::npos) << insecure.err;
}

}  // namespace
