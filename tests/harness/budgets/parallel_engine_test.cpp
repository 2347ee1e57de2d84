// `parallel` on the in-tree engine with the testbed model, built through the client factory: every
// sample is recorded and equals a plain generation with its derived seed (tokens and the engine's
// self-certainty), and the chosen sample is the one the selection method picks from the record.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>

#include "engine/engine.h"
#include "harness/budgets/sample_selection.h"
#include "harness/clients/client_factory.h"
#include "harness/clients/model_spec_reader.h"
#include "testbed_spec.h"

namespace {

using namespace gauntlet::harness;
namespace engine = gauntlet::engine;

const std::string& kModel = gauntlet::testing::kTestbedModel;
ModelSpec spec(const std::string& budget) { return gauntlet::testing::testbed_spec(budget); }

TEST(ParallelEngine, SamplesEqualPlainGenerationsAndTheChoiceFollowsTheMethod) {
  engine::Engine eng(kModel);
  const std::string prompt = gauntlet::testing::rendered_question(eng, "38+47");
  for (const std::string select : {"self_certainty", "borda", "majority"}) {
    SCOPED_TRACE(select);
    auto client = make_client(spec("budget: {policy: parallel, n: 4, select: " + select + "}\n"));
    ChatRequest r;
    r.messages = {{"user", "38+47"}};
    r.params.max_tokens = 40;
    r.params.temperature = 1.5;  // hot, so samples differ
    r.params.seed = 5;
    const ChatResult got = client->submit(r).get();
    ASSERT_TRUE(got.ok()) << got.error;
    const auto& b = got.choices.at(0).budget;
    ASSERT_EQ(b["samples"].size(), 4u);
    std::vector<SampleSummary> summaries;
    std::int64_t completion = 0;
    for (int i = 0; i < 4; ++i) {
      const auto& s = b["samples"][static_cast<std::size_t>(i)];
      EXPECT_EQ(s["seed"], 20 + i);
      engine::GenerationRequest g;
      g.prompt = prompt;
      g.max_tokens = 40;
      g.sampling.temperature = 1.5;
      g.sampling.seed = static_cast<std::uint64_t>(20 + i);
      g.sampling.self_certainty = true;
      const auto plain = eng.generate(g);
      ASSERT_TRUE(s["self_certainty"].is_number());
      EXPECT_EQ(s["self_certainty"].get<double>(), plain.self_certainty()) << i;  // same logits, same sums
      EXPECT_GT(plain.self_certainty(), 0.0);
      completion += static_cast<std::int64_t>(plain.tokens.size());
      SampleSummary sum;
      if (s["answer"].is_string()) sum.answer = s["answer"].get<std::string>();
      sum.self_certainty = s["self_certainty"].get<double>();
      summaries.push_back(sum);
    }
    EXPECT_EQ(got.usage.completion_tokens, completion);
    const Selection want = select_sample(summaries, *select_method_named(select));
    EXPECT_EQ(b["chosen"], want.chosen);
    EXPECT_EQ(got.choices[0].text, b["samples"][static_cast<std::size_t>(want.chosen)]["text"]);
  }
}

TEST(ParallelEngine, AskedForSelfCertaintyAPlainRequestRecordsIt) {
  auto client = make_client(spec(""));
  ChatRequest r;
  r.messages = {{"user", "5*5"}};
  r.params.max_tokens = 20;
  r.params.temperature = 0.0;
  ChatResult got = client->submit(r).get();
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got.choices[0].budget.is_null());  // not asked: nothing computed
  r.self_certainty = true;
  got = client->submit(r).get();
  ASSERT_TRUE(got.ok());
  EXPECT_GT(got.choices[0].budget["self_certainty"].get<double>(), 0.0);
  EXPECT_EQ(got.choices[0].budget["self_certainty_tokens"], got.usage.completion_tokens);
}

}  // namespace

namespace {

using namespace gauntlet::harness;

TEST(ParallelEngine, SamplesUnderTrimRCarryTheirOwnRecordsAndSelfCertainty) {
  auto client = make_client(spec("budget: {policy: parallel, n: 3, select: self_certainty, "
                                 "of: {policy: trimr, thinking_tokens: 300}}\n"));
  ChatRequest r;
  r.messages = {{"user", "4821+379"}};
  r.params.max_tokens = 30;
  r.params.temperature = 1.0;
  r.params.seed = 2;
  const ChatResult got = client->submit(r).get();
  ASSERT_TRUE(got.ok()) << got.error;
  const auto& b = got.choices.at(0).budget;
  ASSERT_EQ(b["samples"].size(), 3u);
  int best = 0;
  for (int i = 0; i < 3; ++i) {
    const auto& s = b["samples"][static_cast<std::size_t>(i)];
    EXPECT_EQ(s["record"]["policy"], "trimr");
    EXPECT_EQ(s["record"]["method"], "kv");
    ASSERT_TRUE(s["self_certainty"].is_number()) << s.dump();
    EXPECT_EQ(s["self_certainty"], s["record"]["self_certainty"]);
    if (s["self_certainty"].get<double>() > b["samples"][static_cast<std::size_t>(best)]["self_certainty"].get<double>())
      best = i;
  }
  EXPECT_EQ(b["chosen"], best);
}

}  // namespace
