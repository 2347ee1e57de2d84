// The `budget:` block of a model entry: a policy name or a mapping; bad input is a ConfigError that
// names the key; a policy changes the model's fingerprint (none leaves it as it was).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "harness/budgets/policy_reader.h"
#include "harness/clients/model_spec_reader.h"
#include "harness/digest/fingerprint.h"
#include "harness/errors/errors.h"
#include "testbed_spec.h"

namespace {

using namespace gauntlet::harness;

using gauntlet::testing::entry_error;
using gauntlet::testing::read_entry;

const std::string kToy = "name: m\nprovider: toy\n";
const std::string& kEngine = gauntlet::testing::kTestbedEntry;

TEST(BudgetPolicyReader, AbsentOrNoneIsNoPolicy) {
  EXPECT_EQ(read_entry(kEngine).budget.kind, BudgetKind::kNone);
  EXPECT_EQ(read_entry(kEngine + "budget: none\n").budget.kind, BudgetKind::kNone);
  EXPECT_EQ(read_entry(kEngine + "budget: {policy: none}\n").budget.kind, BudgetKind::kNone);
}

TEST(BudgetPolicyReader, ReadsNameOrMapping) {
  auto a = read_entry(kEngine + "budget: nothinking\n").budget;
  EXPECT_EQ(a.kind, BudgetKind::kNoThinking);
  EXPECT_EQ(a.prefill, "<think>\nOkay, I think I have finished thinking.\n</think>\n\n");
  auto b = read_entry(kEngine + "budget: {policy: nothinking, prefill: \"<think>\\n</think>\\n\\n\"}\n").budget;
  EXPECT_EQ(b.kind, BudgetKind::kNoThinking);
  EXPECT_EQ(b.prefill, "<think>\n</think>\n\n");
  EXPECT_EQ(read_entry(kEngine + "budget:\n  policy: empty_think\n").budget.kind, BudgetKind::kEmptyThink);
}

TEST(BudgetPolicyReader, BadInputNamesTheKey) {
  auto e = entry_error(kEngine + "budget: lots\n");
  EXPECT_NE(e.find("models[0].budget"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown policy 'lots'"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {policy: nothinkin}\n");
  EXPECT_NE(e.find("models[0].budget.policy"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {prefill: x}\n");
  EXPECT_NE(e.find("models[0].budget.policy"), std::string::npos) << e;
  EXPECT_NE(e.find("missing"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {policy: empty_think, prefill: x}\n");
  EXPECT_NE(e.find("models[0].budget.prefill"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {policy: nothinking, prefill: \"\"}\n");
  EXPECT_NE(e.find("models[0].budget.prefill"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: [nothinking]\n");
  EXPECT_NE(e.find("models[0].budget"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {policy: nothinking, prefil: x}\n");
  EXPECT_NE(e.find("models[0].budget.prefil"), std::string::npos) << e;
  EXPECT_NE(e.find("suite.yaml:"), std::string::npos) << e;
}

TEST(BudgetPolicyReader, TheToyProviderIsRefused) {
  auto e = entry_error(kToy + "budget: nothinking\n");
  EXPECT_NE(e.find("models[0].budget"), std::string::npos) << e;
  EXPECT_NE(e.find("engine or openai provider"), std::string::npos) << e;
  EXPECT_EQ(read_entry(kToy + "budget: none\n").budget.kind, BudgetKind::kNone);
}

TEST(BudgetPolicyReader, PolicyChangesTheFingerprintAndNoneDoesNot) {
  const auto plain = fingerprint(read_entry(kEngine).fingerprint_json());
  EXPECT_EQ(fingerprint(read_entry(kEngine + "budget: none\n").fingerprint_json()), plain);
  EXPECT_FALSE(read_entry(kEngine).fingerprint_json().contains("budget"));
  const auto nothink = fingerprint(read_entry(kEngine + "budget: nothinking\n").fingerprint_json());
  const auto other = fingerprint(read_entry(kEngine + "budget: {policy: nothinking, prefill: \"<think>\\n</think>\\n\\n\"}\n").fingerprint_json());
  const auto empty = fingerprint(read_entry(kEngine + "budget: empty_think\n").fingerprint_json());
  EXPECT_NE(nothink, plain);
  EXPECT_NE(other, nothink);
  EXPECT_NE(empty, plain);
  EXPECT_NE(empty, nothink);
  EXPECT_EQ(read_entry(kEngine + "budget: empty_think\n").fingerprint_json()["budget"],
            nlohmann::json({{"policy", "empty_think"}}));
}

}  // namespace
