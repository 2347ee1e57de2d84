// The prefill policies on the in-tree engine with the testbed model (benchmarks/testbed/model), built
// through the client factory from a `budget:` block: `nothinking` gives exactly the tokens of a plain
// generation from the rendered prompt + the prefill text, `empty_think` exactly those of the prompt
// the template renders with enable_thinking false; greedy, both differ from thinking.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "engine/engine.h"
#include "harness/budgets/budget_client.h"
#include "harness/clients/client_factory.h"
#include "harness/clients/model_spec_reader.h"
#include "testbed_spec.h"

namespace {

using namespace gauntlet::harness;
namespace engine = gauntlet::engine;

const std::string& kModel = gauntlet::testing::kTestbedModel;

ModelSpec spec(const std::string& budget) { return gauntlet::testing::testbed_spec(budget); }

ChatRequest request(const std::string& question, double temperature, int seed) {
  ChatRequest r;
  r.messages = {{"user", question}};
  r.params.max_tokens = 48;
  r.params.temperature = temperature;
  r.params.seed = seed;
  return r;
}

class BudgetEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = new engine::Engine(kModel); }
  static void TearDownTestSuite() { delete engine_; }

  // A plain generation of `prompt` (text, special tokens recognised) as EngineClient would run it.
  static engine::GenerationResult plain(const std::string& prompt, const ChatRequest& r) {
    engine::GenerationRequest g;
    g.prompt = prompt;
    g.max_tokens = *r.params.max_tokens;
    g.sampling.temperature = *r.params.temperature;
    g.sampling.seed = static_cast<std::uint64_t>(*r.params.seed);
    return engine_->generate(g);
  }
  static std::string rendered(const std::string& question, bool thinking) {
    engine::ChatInput chat;
    chat.messages = engine::chat_messages({{"user", question, std::nullopt}});
    if (!thinking) chat.kwargs["enable_thinking"] = false;
    return engine_->render_chat(chat);
  }
  static std::vector<std::int32_t> ids(const engine::GenerationResult& g) {
    auto v = g.token_ids();
    return {v.begin(), v.end()};
  }

  static engine::Engine* engine_;
};

engine::Engine* BudgetEngineTest::engine_ = nullptr;

const std::vector<std::string> kQuestions = {"5*5", "751+2", "95992+909377", "38+47"};

TEST_F(BudgetEngineTest, NoThinkingEqualsAPlainGenerationFromPromptPlusPrefill) {
  const std::string prefill = "<think>\nOkay, I think I have finished thinking.\n</think>\n\n";
  auto client = make_client(spec("budget: nothinking\n"));
  auto thinking = make_client(spec(""));
  for (const auto& q : kQuestions) {
    for (double temperature : {0.0, 1.0}) {
      auto r = request(q, temperature, 7);
      ChatResult got = client->submit(r).get();
      ASSERT_TRUE(got.ok()) << got.error;
      const auto want = plain(rendered(q, true) + prefill, r);
      ASSERT_EQ(got.choices.size(), 1u);
      EXPECT_EQ(got.choices[0].token_ids, ids(want)) << q;
      // A model may open a think block of its own after the prefill (the old testbed did)
      // after it (the client then splits that off as reasoning): such answers compare by tokens only.
      if (!want.thinking) {
        EXPECT_EQ(got.choices[0].text, want.text) << q;
        EXPECT_EQ(got.choices[0].reasoning, "") << q;
        EXPECT_EQ(got.usage.reasoning_tokens, 0) << q;
      }
      // The prompt the engine ran ends with the prefill's tokens.
      const auto prefill_ids = engine_->tokenizer().encode(prefill);
      ASSERT_GE(got.prompt_token_ids.size(), prefill_ids.size());
      EXPECT_TRUE(std::equal(prefill_ids.begin(), prefill_ids.end(),
                             got.prompt_token_ids.end() - static_cast<std::ptrdiff_t>(prefill_ids.size())));
      if (temperature == 0.0) {  // the testbed thinks by default: the policy changes what it does
        ChatResult base = thinking->submit(r).get();
        ASSERT_TRUE(base.ok()) << base.error;
        EXPECT_NE(base.choices[0].token_ids, got.choices[0].token_ids) << q;
        EXPECT_FALSE(base.choices[0].reasoning.empty()) << q;
      }
    }
  }
}

TEST_F(BudgetEngineTest, CustomPrefillIsWhatTheModelContinues) {
  const std::string prefill = "<think>\n</think>\n\nThe answer is";
  auto client = make_client(spec("budget: {policy: nothinking, prefill: \"<think>\\n</think>\\n\\nThe answer is\"}\n"));
  auto r = request("751+2", 0.0, 1);
  ChatResult got = client->submit(r).get();
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.choices[0].token_ids, ids(plain(rendered("751+2", true) + prefill, r)));
}

TEST_F(BudgetEngineTest, EmptyThinkUsesTheTemplatesOwnSwitch) {
  auto client = make_client(spec("budget: empty_think\n"));
  const std::string off = rendered("5*5", false);
  ASSERT_NE(off, rendered("5*5", true));
  ASSERT_NE(off.find("<think>\n\n</think>\n\n"), std::string::npos);  // the template's switch, not ours
  for (const auto& q : kQuestions) {
    auto r = request(q, 0.0, 3);
    ChatResult got = client->submit(r).get();
    ASSERT_TRUE(got.ok()) << got.error;
    const auto want = plain(rendered(q, false), r);
    EXPECT_EQ(got.choices[0].token_ids, ids(want)) << q;
    ASSERT_FALSE(want.thinking.has_value()) << q;
    EXPECT_EQ(got.choices[0].text, want.text) << q;
    EXPECT_EQ(got.choices[0].reasoning, "") << q;
    EXPECT_EQ(std::vector<std::int32_t>(want.prompt_ids.begin(), want.prompt_ids.end()), got.prompt_token_ids);
  }
}

TEST_F(BudgetEngineTest, EmptyThinkOverridesTheModelsOwnKwargs) {
  auto client = make_client(spec("chat_template_kwargs: {enable_thinking: true}\nbudget: empty_think\n"));
  auto r = request("38+47", 0.0, 3);
  ChatResult got = client->submit(r).get();
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.choices[0].token_ids, ids(plain(rendered("38+47", false), r)));
}

TEST(BudgetClient, RewritesOnlyWhatItsPolicyNames) {
  struct Null : ModelClient {
    void submit_async(ChatRequest, Callback) override {}
    ClientStats stats() const override { return {}; }
    void drain() override {}
  };
  ChatRequest r;
  r.messages = {{"user", "hi"}};
  r.chat_template_kwargs = {{"other", 1}};
  BudgetPolicy empty;
  empty.kind = BudgetKind::kEmptyThink;
  auto e = BudgetClient(std::make_unique<Null>(), empty).apply(r);
  EXPECT_EQ(e.chat_template_kwargs, nlohmann::json({{"other", 1}, {"enable_thinking", false}}));
  EXPECT_EQ(e.assistant_prefix, "");
  BudgetPolicy nothink;
  nothink.kind = BudgetKind::kNoThinking;
  nothink.prefill = "P";
  auto n = BudgetClient(std::make_unique<Null>(), nothink).apply(r);
  EXPECT_EQ(n.assistant_prefix, "P");
  EXPECT_EQ(n.chat_template_kwargs, r.chat_template_kwargs);
  EXPECT_EQ(n.messages[0].content, "hi");
}

}  // namespace
