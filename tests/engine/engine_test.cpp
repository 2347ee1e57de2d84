// Engine::generate on a random checkpoint with the built-in tokenizer: determinism per seed,
// independence from the batch, greedy == argmax of Forward, max_tokens, stop tokens, stop strings,
// logprobs and timing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/model/checkpoint_writer.h"
#include "engine/engine.h"
#include "engine/text/tokenizer_writer.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::TempDir;

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    write_default_tokenizer(dir_->path());
    const Tokenizer tok = Tokenizer::load(dir_->path());
    RandomCheckpointSpec s;
    s.vocab_size = tok.vocab_size();
    s.hidden_size = 32;
    s.num_layers = 2;
    s.num_heads = 4;
    s.num_kv_heads = 2;
    s.head_dim = 8;
    s.num_experts = 4;
    s.num_experts_per_tok = 2;
    s.moe_intermediate_size = 16;
    s.eos_token_ids = {*tok.token_id("<|im_end|>"), *tok.token_id("<|endoftext|>")};
    s.dtype = DType::kBF16;
    s.seed = 21;
    write_random_checkpoint(s, dir_->path());
    EngineOptions options;
    options.threads = 2;
    engine_ = new Engine(dir_->path(), options);
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
  }

  static GenerationRequest request(std::uint64_t seed, double temperature = 1.0) {
    GenerationRequest r;
    r.prompt = "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n";
    r.max_tokens = 24;
    r.sampling = {.temperature = temperature, .top_p = 0.95, .seed = seed, .top_logprobs = 3};
    r.ignore_eos = true;
    return r;
  }

  static TempDir* dir_;
  static Engine* engine_;
};

TempDir* EngineTest::dir_ = nullptr;
Engine* EngineTest::engine_ = nullptr;

TEST_F(EngineTest, SameSeedGivesTheSameGenerationDifferentSeedADifferentOne) {
  const auto a = engine_->generate(request(7));
  const auto b = engine_->generate(request(7));
  const auto c = engine_->generate(request(8));
  EXPECT_EQ(a.token_ids(), b.token_ids());
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.tokens.size(), 24u);
  EXPECT_EQ(a.finish_reason, "length");
  EXPECT_NE(a.token_ids(), c.token_ids());
  for (std::size_t i = 0; i < a.tokens.size(); ++i) EXPECT_EQ(a.tokens[i].logprob, b.tokens[i].logprob);
}

TEST_F(EngineTest, ARequestsOutputDoesNotDependOnTheBatch) {
  const auto alone = engine_->generate(request(3));
  const auto batch = engine_->generate(std::vector<GenerationRequest>{request(11), request(3), request(0, 0.0)});
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[1].token_ids(), alone.token_ids());
  EXPECT_EQ(batch[1].text, alone.text);
}

TEST_F(EngineTest, GreedyIsTheArgmaxOfTheForwardPass) {
  const auto r = engine_->generate(request(0, 0.0));
  KvCache cache = engine_->forward().new_cache();
  std::vector<float> logits = engine_->forward().run(r.prompt_ids, cache);
  const int vocab = engine_->tokenizer().vocab_size();
  for (const auto& t : r.tokens) {
    const int want = static_cast<int>(std::max_element(logits.begin(), logits.begin() + vocab) - logits.begin());
    ASSERT_EQ(t.id, want);
    logits = engine_->forward().decode(t.id, cache);
  }
  EXPECT_EQ(r.prompt_ids, engine_->tokenizer().encode(request(0).prompt));
}

TEST_F(EngineTest, ReportsLogprobsAndTiming) {
  const auto r = engine_->generate(request(5));
  for (const auto& t : r.tokens) {
    ASSERT_EQ(t.top.size(), 3u);
    EXPECT_LE(t.logprob, 0.0f);
    EXPECT_GE(t.top[0].logprob, t.top[1].logprob);
    EXPECT_GE(t.top[0].logprob, t.logprob);
  }
  EXPECT_EQ(r.timing.prefill_tokens, static_cast<int>(r.prompt_ids.size()));
  EXPECT_EQ(r.timing.decode_tokens, 23);
  EXPECT_GT(r.timing.prefill_tokens_per_s(), 0);
  EXPECT_GT(r.timing.decode_tokens_per_s(), 0);
}

TEST_F(EngineTest, StopsOnAStopTokenKeepingItOutOfTheText) {
  const auto full = engine_->generate(request(0, 0.0));
  auto r = request(0, 0.0);
  const int stop = full.tokens[5].id;
  r.stop_token_ids = {stop};
  const auto stopped = engine_->generate(r);
  const auto ids = full.token_ids();
  const std::size_t first = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), stop) - ids.begin());
  EXPECT_EQ(stopped.finish_reason, "stop");
  ASSERT_EQ(stopped.tokens.size(), first + 1);
  EXPECT_EQ(stopped.tokens.back().id, stop);
  EXPECT_EQ(stopped.text, engine_->tokenizer().decode(std::vector<int>(ids.begin(), ids.begin() + first), true));
}

TEST_F(EngineTest, StopsOnAStopStringAndCutsTheTextBeforeIt) {
  const auto full = engine_->generate(request(0, 0.0));
  ASSERT_GT(full.text.size(), 6u);
  const std::string stop = full.text.substr(full.text.size() / 2, 2);
  auto r = request(0, 0.0);
  r.stop_strings = {"never-produced", stop};
  const auto stopped = engine_->generate(r);
  EXPECT_EQ(stopped.finish_reason, "stop");
  EXPECT_EQ(stopped.text, full.text.substr(0, full.text.find(stop)));
  EXPECT_LE(stopped.tokens.size(), full.tokens.size());
}

TEST_F(EngineTest, StopsOnEosUnlessIgnored) {
  auto r = request(0, 0.0);
  r.ignore_eos = false;
  r.stop_token_ids = {};
  r.max_tokens = 5;
  const auto out = engine_->generate(r);
  const auto& eos = engine_->config().eos_token_ids;
  if (out.finish_reason == "stop") {
    EXPECT_TRUE(std::find(eos.begin(), eos.end(), out.tokens.back().id) != eos.end());
  } else {
    EXPECT_EQ(out.tokens.size(), 5u);
  }
  r.max_tokens = 0;
  EXPECT_TRUE(engine_->generate(r).tokens.empty());
}

TEST_F(EngineTest, AcceptsPromptIdsAndRejectsEmptyPrompts) {
  GenerationRequest r;
  r.prompt_ids = {1, 2, 3};
  r.max_tokens = 3;
  r.sampling.temperature = 0;
  r.ignore_eos = true;
  EXPECT_EQ(engine_->generate(r).prompt_ids, (std::vector<int>{1, 2, 3}));
  r.prompt_ids.clear();
  EXPECT_THROW(engine_->generate(r), std::invalid_argument);
  EXPECT_TRUE(engine_->has_chat_template());
}

}  // namespace
