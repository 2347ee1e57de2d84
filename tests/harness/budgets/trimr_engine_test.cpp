// `trimr` on the in-tree engine with the testbed model, built through the client factory. The
// testbed never reflects, so the tests make thoughts of its trace lines (markers that begin them)
// and answers by a pattern; each cut (converged, underthinking, cap, the model's own close) must
// leave exactly the tokens of a plain greedy generation from the concatenated ids: prompt + the
// thinking segment's ids + the appended text's ids (KV reuse must not change tokens). A converged
// cut rewinds to the thought boundary: the kept ids are what the answer continues from.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "engine/engine.h"
#include "harness/budgets/trimr_policy.h"
#include "harness/clients/client_factory.h"
#include "harness/clients/model_spec_reader.h"
#include "testbed_spec.h"

namespace {

using namespace gauntlet::harness;
namespace engine = gauntlet::engine;

const std::string& kModel = gauntlet::testing::kTestbedModel;
ModelSpec spec(const std::string& budget) { return gauntlet::testing::testbed_spec(budget); }

class TrimREngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = new engine::Engine(kModel); }
  static void TearDownTestSuite() { delete engine_; }

  static std::vector<int> prompt_ids(const std::string& question) {
    return gauntlet::testing::question_ids(*engine_, question);
  }

  // Runs `question` under the policy; checks the answer segment against a plain generation from
  // the concatenated ids; returns the budget record.
  static nlohmann::json run_and_check(const std::string& budget, const std::string& question, int answer_tokens) {
    auto client = make_client(spec(budget));
    ChatRequest r;
    r.messages = {{"user", question}};
    r.params.max_tokens = answer_tokens;
    r.params.temperature = 0.0;
    const ChatResult got = client->submit(r).get();
    EXPECT_TRUE(got.ok()) << got.error;
    if (!got.ok()) return nullptr;
    const Choice& c = got.choices.at(0);
    const nlohmann::json& b = c.budget;
    const auto thinking = static_cast<std::size_t>(b["thinking_tokens"].get<int>());
    EXPECT_EQ(c.token_ids.size(), thinking + b["answer_tokens"].get<std::size_t>());
    std::vector<int> ids = prompt_ids(question);
    // The thinking segment equals a plain generation up to the cut.
    engine::GenerationRequest g;
    g.prompt_ids = ids;
    g.max_tokens = static_cast<int>(thinking);
    g.sampling.temperature = 0.0;
    const auto plain_thinking = engine_->generate(g).token_ids();
    EXPECT_EQ(std::vector<int>(c.token_ids.begin(), c.token_ids.begin() + static_cast<std::ptrdiff_t>(thinking)),
              std::vector<int>(plain_thinking.begin(), plain_thinking.begin() + static_cast<std::ptrdiff_t>(
                                                                                    std::min(thinking, plain_thinking.size()))));
    if (!b["injected"].is_string()) return b;
    ids.insert(ids.end(), c.token_ids.begin(), c.token_ids.begin() + static_cast<std::ptrdiff_t>(thinking));
    const auto appended = engine_->tokenizer().encode(b["injected"].get<std::string>());
    ids.insert(ids.end(), appended.begin(), appended.end());
    g.prompt_ids = ids;
    g.max_tokens = answer_tokens;
    const auto plain_answer = engine_->generate(g).token_ids();
    EXPECT_EQ(std::vector<int>(c.token_ids.begin() + static_cast<std::ptrdiff_t>(thinking), c.token_ids.end()),
              std::vector<int>(plain_answer.begin(), plain_answer.end()))
        << b.dump();
    return b;
  }

  static engine::Engine* engine_;
};

engine::Engine* TrimREngineTest::engine_ = nullptr;

// Every trace line that starts with a digit begins a thought; every thought with a '+' "answers" '+'.
const std::string kDigitThoughts =
    "markers: [\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]\n"
    "  verifier: {kind: extract, pattern: \"(\\\\+)\"}\n";

TEST_F(TrimREngineTest, ConvergedInjectionGivesThePlainTokens) {
  for (const std::string q : {"95992+909377", "4821+379"}) {
    const auto b = run_and_check("budget:\n  policy: trimr\n  thinking_tokens: 200\n  " + kDigitThoughts, q, 40);
    EXPECT_EQ(b["cut_reason"], "converged") << q << " " << b.dump();
    // The cut lands at the thought boundary: the tokens decoded past it (the next thought's first
    // line start) were rolled back out of the KV, and the answer still equals the plain tokens.
    EXPECT_EQ(b["cut_at"], "boundary");
    EXPECT_GT(b["rewound_tokens"].get<int>(), 0) << b.dump();
    EXPECT_GE(b["verifier_calls"].size(), 3u);  // p1 per thought, p2 for the agreeing one
    EXPECT_EQ(b["method"], "kv");
  }
}

TEST_F(TrimREngineTest, UnderthinkingCapAndTheModelsOwnClose) {
  auto b = run_and_check("budget:\n  policy: trimr\n  thinking_tokens: 100\n  n_thres: 1\n  r_thres: 0.1\n"
                         "  verifier: {kind: extract, pattern: \"(never)\"}\n  " +
                             kDigitThoughts.substr(0, kDigitThoughts.find('\n') + 1),
                         "95992+909377", 30);
  EXPECT_EQ(b["cut_reason"], "underthinking");
  b = run_and_check("budget: {policy: trimr, thinking_tokens: 6}\n", "95992+909377", 30);
  EXPECT_EQ(b["cut_reason"], "cap");
  EXPECT_EQ(b["cut_position"], 6);
  // The testbed re-checks by the first operand's last digit (model/NOTE.md): 0 or 1, none, so the
  // model closes by itself; 8, three re-checks, and the default markers ("Wait") converge.
  b = run_and_check("budget: {policy: trimr, thinking_tokens: 300}\n", "30+47", 30);
  EXPECT_EQ(b["cut_reason"], "none");
  EXPECT_EQ(b["injected"], "</think>");
  b = run_and_check("budget: {policy: trimr, thinking_tokens: 300}\n", "38+47", 30);
  EXPECT_EQ(b["cut_reason"], "converged");
  // Back to the end of the answer line: "\n", "Wait" and "," (which showed "Wait" to be a whole
  // word) leave the turn; the conclude prompt's own newlines take their place.
  EXPECT_EQ(b["rewound_tokens"], 3);
  EXPECT_EQ(b["injected"], std::string(kTrimRConcludePrompt) + kTrimRClose);
  b = run_and_check("budget: {policy: trimr, thinking_tokens: 300, cut_at: decision}\n", "38+47", 30);
  EXPECT_EQ(b["cut_reason"], "converged");
  EXPECT_EQ(b["rewound_tokens"], 0);
}

}  // namespace
