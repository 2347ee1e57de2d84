// The `trimr` and `parallel` keys of a budget block: defaults, every key, the inline verifier
// model, errors naming the key, and fingerprints that change with each parameter.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "harness/budgets/parallel_policy.h"
#include "harness/budgets/trimr_policy.h"
#include "harness/clients/model_spec_reader.h"
#include "harness/errors/errors.h"
#include "testbed_spec.h"

namespace {

using namespace gauntlet::harness;

using gauntlet::testing::entry_error;
using gauntlet::testing::read_entry;

const std::string& kEngine = gauntlet::testing::kTestbedEntry;

TEST(TrimRPolicyReader, Defaults) {
  const auto b = read_entry(kEngine + "budget: {policy: trimr, thinking_tokens: 300}\n").budget;
  ASSERT_EQ(b.kind, BudgetKind::kTrimR);
  const TrimRPolicy& t = *b.trimr;
  EXPECT_EQ(t.rules.thinking_tokens, 300);
  EXPECT_EQ(t.rules.m, 2);
  EXPECT_EQ(t.rules.r_thres, 0.5);
  EXPECT_EQ(t.rules.n_thres, 20);
  EXPECT_TRUE(t.rules.repetition.enabled);
  EXPECT_EQ(t.markers, default_reflection_markers());
  EXPECT_EQ(t.verifier, TrimRVerifierKind::kExtract);
  EXPECT_FALSE(t.async);
  EXPECT_EQ(t.close, "\n</think>\n\n");
  EXPECT_EQ(t.cut_at, TrimRCutAt::kBoundary);
  EXPECT_FALSE(t.answer_tokens);
  EXPECT_EQ(b.fingerprint_json()["policy"], "trimr");
  EXPECT_EQ(b.fingerprint_json()["verifier"]["kind"], "extract");
}

TEST(TrimRPolicyReader, EveryKey) {
  const auto b = read_entry(kEngine +
                      "budget:\n"
                      "  policy: trimr\n"
                      "  thinking_tokens: 500\n"
                      "  m: 3\n"
                      "  r_thres: 0.6\n"
                      "  n_thres: 10\n"
                      "  repetition: {max_period: 20, min_repeats: 3, min_span: 30}\n"
                      "  markers: [Wait, Check]\n"
                      "  verifier:\n"
                      "    kind: model\n"
                      "    model: {provider: toy}\n"
                      "    max_tokens: 4\n"
                      "    p1_prompt: \"{problem} / {thought}?\"\n"
                      "    p2_prompt: \"{a} vs {b}?\"\n"
                      "    async: false\n"
                      "  last_sentences: 7\n"
                      "  conclude_prompt: \" Done.\"\n"
                      "  forceful_prompt: \" Stop.\"\n"
                      "  repetition_prompt: \" Loop.\"\n"
                      "  close: \"</think>\"\n"
                      "  cut_at: decision\n"
                      "  answer_tokens: 40\n")
                     .budget;
  const TrimRPolicy& t = *b.trimr;
  EXPECT_EQ(t.rules.m, 3);
  EXPECT_EQ(t.rules.r_thres, 0.6);
  EXPECT_EQ(t.rules.n_thres, 10);
  EXPECT_EQ(t.rules.repetition.max_period, 20);
  EXPECT_EQ(t.rules.repetition.min_repeats, 3);
  EXPECT_EQ(t.rules.repetition.min_span, 30);
  EXPECT_EQ(t.markers, (std::vector<std::string>{"Wait", "Check"}));
  EXPECT_EQ(t.verifier, TrimRVerifierKind::kModel);
  ASSERT_TRUE(t.verifier_model);
  EXPECT_STREQ(t.verifier_model->provider_name(), "toy");
  EXPECT_EQ(t.verifier_model->name, "trimr-verifier");
  EXPECT_EQ(t.model.max_tokens, 4);
  EXPECT_EQ(t.model.p1_prompt, "{problem} / {thought}?");
  EXPECT_EQ(t.model.last_sentences, 7);
  EXPECT_FALSE(t.async);
  EXPECT_EQ(t.conclude_prompt, " Done.");
  EXPECT_EQ(t.repetition_prompt, " Loop.");
  EXPECT_EQ(t.close, "</think>");
  EXPECT_EQ(t.cut_at, TrimRCutAt::kDecision);
  EXPECT_EQ(b.fingerprint_json()["cut_at"], "decision");
  EXPECT_EQ(t.answer_tokens, 40);
  EXPECT_EQ(b.fingerprint_json()["verifier"]["model"]["provider"], "toy");

  const auto m = read_entry(kEngine + "budget: {policy: trimr, thinking_tokens: 5, verifier: {kind: model, model: {provider: toy}}}\n");
  EXPECT_TRUE(m.budget.trimr->async);  // the model verifier is async unless told otherwise
  const auto off = read_entry(kEngine + "budget: {policy: trimr, thinking_tokens: 5, repetition: false, "
                                  "verifier: {kind: extract, pattern: \"r([0-9]+)\", last_number: false}}\n");
  EXPECT_FALSE(off.budget.trimr->rules.repetition.enabled);
  EXPECT_EQ(off.budget.trimr->extract.pattern, "r([0-9]+)");
  EXPECT_FALSE(off.budget.trimr->extract.last_number);
}

TEST(TrimRPolicyReader, FingerprintsFollowTheParameters) {
  const std::string base = kEngine + "budget: {policy: trimr, thinking_tokens: 300";
  const auto f = [&](const std::string& more) { return read_entry(base + more + "}\n").fingerprint_json(); };
  const auto plain = f("");
  EXPECT_EQ(plain, f(""));
  for (const std::string more : {", m: 3", ", r_thres: 0.4", ", n_thres: 5", ", repetition: false", ", markers: [Wait]",
                                 ", conclude_prompt: x", ", verifier: {kind: extract, pattern: \"a(b)\"}",
                                 ", verifier: {kind: extract, async: true}", ", answer_tokens: 9"})
    EXPECT_NE(f(more), plain) << more;
}

TEST(TrimRPolicyReader, BadInputNamesTheKey) {
  const std::string t = kEngine + "budget: {policy: trimr, thinking_tokens: 10";
  auto expect = [](const std::string& e, const std::string& key, const std::string& what) {
    EXPECT_NE(e.find(key), std::string::npos) << e;
    EXPECT_NE(e.find(what), std::string::npos) << e;
  };
  expect(entry_error(kEngine + "budget: trimr\n"), "models[0].budget", "thinking_tokens");
  expect(entry_error(kEngine + "budget: {policy: trimr}\n"), "models[0].budget.thinking_tokens", "missing");
  expect(entry_error(kEngine + "budget: {policy: trimr, thinking_tokens: 0}\n"), "thinking_tokens", "at least 1");
  expect(entry_error(t + ", m: 0}\n"), "models[0].budget.m", "at least 1");
  expect(entry_error(t + ", verifier: oracle}\n"), "models[0].budget.verifier", "unknown verifier");
  expect(entry_error(t + ", verifier: model}\n"), "models[0].budget.verifier", "model:");
  expect(entry_error(t + ", verifier: {kind: model}}\n"), "models[0].budget.verifier.model", "missing");
  expect(entry_error(t + ", verifier: {kind: extract, pattern: \"(\"}}\n"), "verifier.pattern", "does not compile");
  expect(entry_error(t + ", verifier: {kind: extract, model: {provider: toy}}}\n"), "verifier.model", "unknown key");
  expect(entry_error(t + ", verifier: {kind: model, model: {provider: toy}, p1_prompt: \"no slot\"}}\n"),
         "verifier.p1_prompt", "{thought}");
  expect(entry_error(t + ", verifier: {kind: model, model: {provider: nope}}}\n"), "verifier.model.provider", "nope");
  expect(entry_error(t + ", last_sentences: 5}\n"), "last_sentences", "model verifier");
  expect(entry_error(t + ", markers: [Wait, \"\"]}\n"), "markers[1]", "non-empty");
  expect(entry_error(t + ", repetition: {min_repeats: 1}}\n"), "repetition.min_repeats", "at least 2");
  expect(entry_error(t + ", repetition: sometimes}\n"), "budget.repetition", "expected true, false");
  expect(entry_error(t + ", close: \"\"}\n"), "budget.close", "empty");
  expect(entry_error(t + ", cut_at: later}\n"), "budget.cut_at", "unknown cut_at 'later' (valid: boundary, decision)");
  expect(entry_error(t + ", prefill: x}\n"), "budget.prefill", "unknown key");
}

TEST(ParallelPolicyReader, DefaultsKeysAndErrors) {
  auto b = read_entry(kEngine + "budget: parallel\n").budget;
  ASSERT_EQ(b.kind, BudgetKind::kParallel);
  EXPECT_EQ(b.parallel->n, 4);
  EXPECT_EQ(b.parallel->of.kind, BudgetKind::kNone);
  EXPECT_EQ(b.parallel->select, SelectMethod::kVerifier);
  EXPECT_EQ(b.parallel->fallback, SelectMethod::kBorda);
  EXPECT_EQ(b.fingerprint_json()["of"]["policy"], "none");
  // parallel:N is the defaults with N samples, the same policy as the mapping.
  const auto shorthand = read_entry(kEngine + "budget: \"parallel:6\"\n").budget;
  ASSERT_EQ(shorthand.kind, BudgetKind::kParallel);
  EXPECT_EQ(shorthand.parallel->n, 6);
  EXPECT_EQ(shorthand.fingerprint_json(), read_entry(kEngine + "budget: {policy: parallel, n: 6}\n").budget.fingerprint_json());
  const std::string zero = entry_error(kEngine + "budget: \"parallel:0\"\n");
  EXPECT_NE(zero.find("unknown policy 'parallel:0'"), std::string::npos) << zero;
  EXPECT_NE(zero.find("parallel:N"), std::string::npos) << zero;

  b = read_entry(kEngine + "budget: {policy: parallel, n: 8, of: {policy: trimr, thinking_tokens: 50}, select: majority, "
                     "fallback: self_certainty, borda_p: 2, answer_pattern: \"= ([0-9]+)\", last_number: false}\n")
          .budget;
  EXPECT_EQ(b.parallel->n, 8);
  EXPECT_EQ(b.parallel->of.kind, BudgetKind::kTrimR);
  EXPECT_EQ(b.parallel->of.trimr->rules.thinking_tokens, 50);
  EXPECT_EQ(b.parallel->select, SelectMethod::kMajority);
  EXPECT_EQ(b.parallel->fallback, SelectMethod::kSelfCertainty);
  EXPECT_EQ(b.parallel->borda_p, 2.0);
  EXPECT_EQ(b.parallel->answer.pattern, "= ([0-9]+)");
  EXPECT_EQ(b.fingerprint_json()["of"]["policy"], "trimr");
  EXPECT_EQ(b.fingerprint_json()["n"], 8);
  EXPECT_EQ(read_entry(kEngine + "budget: {policy: parallel, of: nothinking}\n").budget.parallel->of.kind,
            BudgetKind::kNoThinking);

  auto e = entry_error(kEngine + "budget: {policy: parallel, n: 0}\n");
  EXPECT_NE(e.find("models[0].budget.n"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {policy: parallel, of: parallel}\n");
  EXPECT_NE(e.find("models[0].budget.of"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {policy: parallel, select: best}\n");
  EXPECT_NE(e.find("unknown selection 'best'"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {policy: parallel, fallback: verifier}\n");
  EXPECT_NE(e.find("models[0].budget.fallback"), std::string::npos) << e;
  e = entry_error(kEngine + "budget: {policy: parallel, of: {policy: trimr}}\n");
  EXPECT_NE(e.find("models[0].budget.of.thinking_tokens"), std::string::npos) << e;
}

}  // namespace
