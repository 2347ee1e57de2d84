// A model entry with `variants:` or `grid:` expands into one model per variant: names
// "<entry>/<variant>", fingerprints from content (entry + override, never the name), and every
// mistake a ConfigError naming file:line and models[i].variants[j].<key> (or models[i].grid...).
#include "harness/clients/model_variants.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "harness/clients/model_spec_reader.h"
#include "harness/digest/fingerprint.h"
#include "harness/errors/errors.h"

namespace {

using namespace gauntlet::harness;

std::vector<ModelSpec> read(const std::string& yaml) {
  return read_model_entry(YAML::Load(yaml), "suite.yaml", "models[0]");
}

std::string error_of(const std::string& yaml) {
  try {
    read(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<std::string> names(const std::vector<ModelSpec>& models) {
  std::vector<std::string> out;
  for (const auto& m : models) out.push_back(m.name);
  return out;
}

const std::string kEngine = std::string("name: testbed\nprovider: engine\npath: ") + GAUNTLET_SOURCE_DIR +
                            "/benchmarks/testbed/model\n";  // lines 1-3
const std::string kToy = "name: toy\nprovider: toy\n";

TEST(ModelVariants, AnEntryWithoutVariantsIsItself) {
  auto models = read(kEngine + "budget: nothinking\n");
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].name, "testbed");
  EXPECT_EQ(models[0].budget.kind, BudgetKind::kNoThinking);
  EXPECT_EQ(fingerprint(models[0].fingerprint_json()),
            fingerprint(read_model_spec(YAML::Load(kEngine + "budget: nothinking\n"), "suite.yaml", "models[0]")
                            .fingerprint_json()));
}

TEST(ModelVariants, VariantsAreNamedAndFingerprintedByContent) {
  auto models = read(kEngine +
                     "routing: {top_k: 1}\n"
                     "variants:\n"
                     "  - {name: thinking}\n"
                     "  - {name: nothinking, budget: {policy: nothinking}}\n"
                     "  - {name: wide, routing: {top_k: 2}}\n"
                     "  - {name: empty, budget: empty_think, routing: {top_k: 2, trace: true}}\n");
  ASSERT_EQ(names(models), (std::vector<std::string>{"testbed/thinking", "testbed/nothinking", "testbed/wide",
                                                     "testbed/empty"}));
  // A variant without overrides is the entry itself: the same fingerprint as the entry read alone.
  const auto plain = read_model_spec(YAML::Load(kEngine + "routing: {top_k: 1}\n"), "suite.yaml", "models[0]");
  EXPECT_EQ(fingerprint(models[0].fingerprint_json()), fingerprint(plain.fingerprint_json()));
  // Each override is the same model as an entry written with that block: content, not name.
  const auto nothink =
      read_model_spec(YAML::Load(kEngine + "routing: {top_k: 1}\nbudget: nothinking\n"), "suite.yaml", "models[0]");
  EXPECT_EQ(fingerprint(models[1].fingerprint_json()), fingerprint(nothink.fingerprint_json()));
  EXPECT_EQ(models[1].engine().routing, nlohmann::json({{"top_k", 1}}));  // inherited
  EXPECT_EQ(models[2].engine().routing, nlohmann::json({{"top_k", 2}}));  // replaced
  EXPECT_EQ(models[2].budget.kind, BudgetKind::kNone);
  EXPECT_EQ(models[3].budget.kind, BudgetKind::kEmptyThink);
  EXPECT_TRUE(models[3].engine().routing.value("trace", false));
  // The variant name is not in the fingerprint; the model id stays the entry's.
  for (const auto& m : models) {
    EXPECT_EQ(m.model_id, "testbed");
    EXPECT_EQ(m.fingerprint_json().dump().find(m.name), std::string::npos) << m.name;
  }
  std::set<std::string> fps;
  for (const auto& m : models) fps.insert(fingerprint(m.fingerprint_json()));
  EXPECT_EQ(fps.size(), 4u);
}

TEST(ModelVariants, GridIsTheCrossProductWithGeneratedNames) {
  auto models = read(kEngine +
                     "grid:\n"
                     "  budget: [none, nothinking, {policy: nothinking, prefill: \"<think>\\n</think>\\n\\n\"}]\n"
                     "  routing: [null, {top_k: 1}, {top_p: 0.5, min_experts: 1}]\n");
  ASSERT_EQ(models.size(), 9u);
  // Budget outer, routing inner; the two nothinking prefills differ in a string not fit for a name.
  EXPECT_EQ(names(models), (std::vector<std::string>{
                               "testbed/none+default", "testbed/none+top_k=1", "testbed/none+min_experts=1,top_p=0.5",
                               "testbed/nothinking-prefill#1+default", "testbed/nothinking-prefill#1+top_k=1",
                               "testbed/nothinking-prefill#1+min_experts=1,top_p=0.5",
                               "testbed/nothinking-prefill#2+default", "testbed/nothinking-prefill#2+top_k=1",
                               "testbed/nothinking-prefill#2+min_experts=1,top_p=0.5"}));
  EXPECT_EQ(models[4].budget.kind, BudgetKind::kNoThinking);
  EXPECT_EQ(models[4].engine().routing, nlohmann::json({{"top_k", 1}}));
  EXPECT_EQ(models[7].budget.prefill, "<think>\n</think>\n\n");
  std::set<std::string> fps;
  for (const auto& m : models) fps.insert(fingerprint(m.fingerprint_json()));
  EXPECT_EQ(fps.size(), 9u);

  auto budgets = read(kEngine + "grid: {budget: [none, nothinking, empty_think]}\n");
  EXPECT_EQ(names(budgets),
            (std::vector<std::string>{"testbed/none", "testbed/nothinking", "testbed/empty_think"}));
  auto routings = read(kEngine + "grid: {routing: [{top_k: 1}, {top_k: 2}]}\n");
  EXPECT_EQ(names(routings), (std::vector<std::string>{"testbed/top_k=1", "testbed/top_k=2"}));
  // Toy models take no policy, but a grid of `none` is still a grid.
  EXPECT_EQ(names(read(kToy + "grid: {budget: [none]}\n")), (std::vector<std::string>{"toy/none"}));
}

TEST(ModelVariants, ErrorsNameFileLineAndKey) {
  auto expect = [](const std::string& e, const std::string& where) {
    EXPECT_NE(e.find(where), std::string::npos) << e;
  };
  // Lines: the engine entry takes lines 1-3.
  expect(error_of(kEngine + "variants: []\n"), "suite.yaml:4: models[0].variants:");
  expect(error_of(kEngine + "variants: {name: a}\n"), "suite.yaml:4: models[0].variants:");
  expect(error_of(kEngine + "variants:\n  - {name: a}\n  - {name: a, budget: nothinking}\n"),
         "suite.yaml:6: models[0].variants[1].name: duplicate variant name 'a'");
  expect(error_of(kEngine + "variants:\n  - {name: a}\n  - {name: b, path: /tmp}\n"),
         "suite.yaml:6: models[0].variants[1].path: a variant sets only name, budget, routing");
  expect(error_of(kEngine + "variants:\n  - {name: a, provider: toy}\n"), "models[0].variants[0].provider:");
  expect(error_of(kEngine + "variants:\n  - {name: a, budgte: nothinking}\n"), "models[0].variants[0].budgte:");
  expect(error_of(kEngine + "variants:\n  - {budget: nothinking}\n"), "suite.yaml:5: models[0].variants[0].name:");
  expect(error_of(kEngine + "variants:\n  - {name: a}\n  - {name: b, budget: {policy: nothinkin}}\n"),
         "suite.yaml:6: models[0].variants[1].budget.policy: unknown policy");
  expect(error_of(kEngine + "variants:\n  - name: a\n    routing: {top_k: 0}\n"),
         "suite.yaml:6: models[0].variants[0].routing.top_k:");
  expect(error_of(kEngine + "variants:\n  - a\n"), "suite.yaml:5: models[0].variants[0]:");
  expect(error_of(kToy + "variants:\n  - {name: a, budget: nothinking}\n"),
         "suite.yaml:4: models[0].variants[0].budget: budget policy 'nothinking' needs the engine");
  expect(error_of(kEngine + "variants: [{name: a}]\ngrid: {budget: [none]}\n"),
         "suite.yaml:5: models[0].grid: give variants: or grid:, not both");
  expect(error_of(kEngine + "grid: {budget: []}\n"), "suite.yaml:4: models[0].grid.budget:");
  expect(error_of(kEngine + "grid: {}\n"), "models[0].grid.budget: a grid needs");
  expect(error_of(kEngine + "grid: {budget: [none], path: x}\n"), "suite.yaml:4: models[0].grid.path: unknown key");
  expect(error_of(kEngine + "grid:\n  budget:\n    - none\n    - {policy: nothinking, prefil: x}\n"),
         "suite.yaml:7: models[0].grid.budget[1].prefil:");
  expect(error_of(kEngine + "grid:\n  routing:\n    - {top_k: 1}\n    - {top_k: -1}\n"),
         "suite.yaml:7: models[0].grid.routing[1].top_k:");
  expect(error_of(kEngine + "grid: {budget: [nothinking, nothinking]}\n"),
         "models[0].grid: grid points budget[0] and budget[1] are both named 'testbed/nothinking'");
  // The entry's own settings are still checked.
  expect(error_of(kEngine + "threads: -1\nvariants: [{name: a}]\n"), "suite.yaml:4: models[0].threads:");
  expect(error_of(kEngine + "variant: [{name: a}]\n"), "models[0].variant: unknown key");
}

}  // namespace
