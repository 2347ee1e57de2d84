// Policy `budget` (s1 budget forcing) in a model entry: the mapping and the budget:N shorthand,
// defaults, every bad value a ConfigError naming file:line and the key, and every parameter part of
// the model's fingerprint.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "harness/clients/model_spec_reader.h"
#include "harness/digest/fingerprint.h"
#include "harness/errors/errors.h"

namespace {

using namespace gauntlet::harness;

const std::string kEngine = std::string("name: m\nprovider: engine\npath: ") + GAUNTLET_SOURCE_DIR +
                            "/benchmarks/testbed/model\n";

BudgetPolicy read(const std::string& budget) {
  return read_model_spec(YAML::Load(kEngine + budget), "suite.yaml", "models[0]").budget;
}

std::string error_of(const std::string& budget) {
  try {
    read(budget);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(BudgetForcingReader, MappingShorthandAndDefaults) {
  auto p = read("budget: {policy: budget, thinking_tokens: 300}\n");
  EXPECT_EQ(p.kind, BudgetKind::kBudget);
  EXPECT_STREQ(p.name(), "budget");
  EXPECT_EQ(p.thinking_tokens, 300);
  EXPECT_FALSE(p.answer_tokens.has_value());
  EXPECT_EQ(p.cue, "");
  EXPECT_EQ(p.close, "\n</think>\n\n");
  EXPECT_EQ(p.min_thinking_tokens, 0);
  EXPECT_EQ(p.extend, "Wait");
  EXPECT_EQ(p.max_extensions, 0);
  auto s = read("budget: budget:300\n");
  EXPECT_EQ(s.kind, BudgetKind::kBudget);
  EXPECT_EQ(s.fingerprint_json(), p.fingerprint_json());
  auto full = read(
      "budget:\n  policy: budget\n  thinking_tokens: 100\n  answer_tokens: 40\n  cue: \"Final Answer:\"\n"
      "  close: \"</think>\"\n  min_thinking_tokens: 50\n  extend: \"\\nWait\"\n");
  EXPECT_EQ(full.answer_tokens, 40);
  EXPECT_EQ(full.cue, "Final Answer:");
  EXPECT_EQ(full.close, "</think>");
  EXPECT_EQ(full.min_thinking_tokens, 50);
  EXPECT_EQ(full.extend, "\nWait");
  EXPECT_EQ(full.max_extensions, 1) << "one extension by default with a minimum";
  EXPECT_EQ(read("budget: {policy: budget, thinking_tokens: 9, min_thinking_tokens: 5, max_extensions: 3}\n").max_extensions, 3);
}

TEST(BudgetForcingReader, BadValuesNameTheKey) {
  struct Case {
    std::string yaml, key, what;
  };
  const std::vector<Case> cases = {
      {"budget: budget\n", "models[0].budget", "thinking_tokens"},
      {"budget: budget:0\n", "models[0].budget", "unknown policy"},
      {"budget: budget:x\n", "models[0].budget", "unknown policy"},
      {"budget: {policy: budget}\n", "models[0].budget.thinking_tokens", "missing"},
      {"budget: {policy: budget, thinking_tokens: 0}\n", "models[0].budget.thinking_tokens", "at least 1"},
      {"budget: {policy: budget, thinking_tokens: many}\n", "models[0].budget.thinking_tokens", "cannot read"},
      {"budget: {policy: budget, thinking_tokens: 5, answer_tokens: 0}\n", "models[0].budget.answer_tokens", "at least 1"},
      {"budget: {policy: budget, thinking_tokens: 5, close: \"\"}\n", "models[0].budget.close", "empty"},
      {"budget: {policy: budget, thinking_tokens: 5, extend: \"\"}\n", "models[0].budget.extend", "empty"},
      {"budget: {policy: budget, thinking_tokens: 5, min_thinking_tokens: 6}\n", "models[0].budget.min_thinking_tokens",
       "exceed"},
      {"budget: {policy: budget, thinking_tokens: 5, min_thinking_tokens: -1}\n",
       "models[0].budget.min_thinking_tokens", "at least 0"},
      {"budget: {policy: budget, thinking_tokens: 5, max_extensions: -2}\n", "models[0].budget.max_extensions",
       "at least 0"},
      {"budget: {policy: budget, thinking_tokens: 5, prefill: x}\n", "models[0].budget.prefill", "unknown key"},
      {"budget: {policy: budget, thinking_tokens: 5, cues: x}\n", "models[0].budget.cues", "unknown key"},
      {"budget: {policy: nothinking, thinking_tokens: 5}\n", "models[0].budget.thinking_tokens", "unknown key"},
  };
  for (const auto& c : cases) {
    const auto e = error_of(c.yaml);
    EXPECT_NE(e.find("suite.yaml:"), std::string::npos) << c.yaml << e;
    EXPECT_NE(e.find(c.key), std::string::npos) << c.yaml << e;
    EXPECT_NE(e.find(c.what), std::string::npos) << c.yaml << e;
  }
  const auto toy = read_model_spec(YAML::Load("name: m\nprovider: toy\n"), "suite.yaml", "models[0]");
  (void)toy;
  try {
    read_model_spec(YAML::Load("name: m\nprovider: toy\nbudget: budget:10\n"), "suite.yaml", "models[0]");
    ADD_FAILURE() << "a provider that cannot continue a turn is refused";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("models[0].budget"), std::string::npos) << e.what();
  }
}

TEST(BudgetForcingReader, EveryParameterChangesTheFingerprint) {
  const std::string base = "budget: {policy: budget, thinking_tokens: 100";
  const std::vector<std::string> variants = {
      "",
      ", answer_tokens: 50",
      ", cue: \"Final Answer:\"",
      ", close: \"</think>\"",
      ", min_thinking_tokens: 10",
      ", min_thinking_tokens: 10, extend: \"Hmm\"",
      ", min_thinking_tokens: 10, max_extensions: 2",
      ", extend: \"Hmm\"",
      ", max_extensions: 1",
  };
  std::set<std::string> seen;
  for (const auto& v : variants) {
    auto spec = read_model_spec(YAML::Load(kEngine + base + v + "}\n"), "suite.yaml", "models[0]");
    EXPECT_TRUE(seen.insert(fingerprint(spec.fingerprint_json())).second) << v;
  }
  auto other_n = read_model_spec(YAML::Load(kEngine + "budget: budget:101\n"), "suite.yaml", "models[0]");
  EXPECT_TRUE(seen.insert(fingerprint(other_n.fingerprint_json())).second);
  auto plain = read_model_spec(YAML::Load(kEngine), "suite.yaml", "models[0]");
  EXPECT_TRUE(seen.insert(fingerprint(plain.fingerprint_json())).second);
  const auto j = read("budget: budget:100\n").fingerprint_json();
  for (const char* key : {"policy", "thinking_tokens", "answer_tokens", "cue", "close", "min_thinking_tokens", "extend",
                          "max_extensions"})
    EXPECT_TRUE(j.contains(key)) << key;
}

}  // namespace
