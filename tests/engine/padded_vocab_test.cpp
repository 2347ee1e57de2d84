// A checkpoint whose vocabulary is padded past its tokenizer's (as Qwen3's 151,936 rows over
// 151,669 tokens): the padding ids are never sampled and never listed in top_logprobs, so greedy
// decoding's token is always the reported top-1, and the log-probabilities are those of the
// tokenizer's ids. The padding rows are random here, so without the exclusion the best of all
// logits is a padding id at some steps (checked, so the test can fail).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/engine.h"
#include "engine/model/checkpoint_writer.h"
#include "engine/text/tokenizer_writer.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::TempDir;

class PaddedVocab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    write_default_tokenizer(dir_->path());
    const Tokenizer tok = Tokenizer::load(dir_->path());
    vocab_ = tok.vocab_size();
    RandomCheckpointSpec s;
    s.vocab_size = vocab_ * 4;  // three rows of padding for every real one
    s.hidden_size = 32;
    s.num_layers = 2;
    s.num_heads = 4;
    s.num_kv_heads = 2;
    s.head_dim = 8;
    s.num_experts = 4;
    s.num_experts_per_tok = 2;
    s.moe_intermediate_size = 16;
    s.eos_token_ids = {*tok.token_id("<|im_end|>")};
    s.seed = 5;
    write_random_checkpoint(s, dir_->path());
    EngineOptions options;
    options.threads = 2;
    engine_ = new Engine(dir_->path(), options);
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
  }
  static GenerationRequest request(double temperature, std::uint64_t seed) {
    GenerationRequest r;
    r.prompt = "<|im_start|>user\nCount to ten.<|im_end|>\n<|im_start|>assistant\n";
    r.max_tokens = 32;
    r.ignore_eos = true;
    r.sampling = {.temperature = temperature, .seed = seed, .top_logprobs = 5};
    return r;
  }
  static TempDir* dir_;
  static Engine* engine_;
  static int vocab_;
};
TempDir* PaddedVocab::dir_ = nullptr;
Engine* PaddedVocab::engine_ = nullptr;
int PaddedVocab::vocab_ = 0;

TEST_F(PaddedVocab, GreedyTokenIsTheReportedTopOneAndPaddingIsNeverListed) {
  ASSERT_GT(engine_->config().vocab_size, vocab_);
  const auto r = engine_->generate(request(0.0, 0));
  ASSERT_EQ(r.tokens.size(), 32u);
  // Along the same path, the best of all logits is a padding id at some step: the case that matters.
  KvCache cache = engine_->forward().new_cache();
  std::vector<float> logits = engine_->forward().run(r.prompt_ids, cache);
  int padding_would_win = 0;
  for (const auto& t : r.tokens) {
    ASSERT_EQ(logits.size(), static_cast<std::size_t>(engine_->config().vocab_size));
    padding_would_win += std::max_element(logits.begin(), logits.end()) - logits.begin() >= vocab_;
    EXPECT_LT(t.id, vocab_);
    ASSERT_EQ(t.top.size(), 5u);
    EXPECT_EQ(t.top[0].id, t.id) << "greedy token and reported top-1 differ";
    EXPECT_FLOAT_EQ(t.top[0].logprob, t.logprob);
    for (const auto& alt : t.top) EXPECT_LT(alt.id, vocab_) << "a padding id listed in top_logprobs";
    // Normalised over the tokenizer's ids.
    double z = 0;
    const float mx = *std::max_element(logits.begin(), logits.begin() + vocab_);
    for (int id = 0; id < vocab_; ++id) z += std::exp(double(logits[static_cast<std::size_t>(id)]) - mx);
    EXPECT_NEAR(t.logprob, double(logits[static_cast<std::size_t>(t.id)]) - mx - std::log(z), 1e-4);
    logits = engine_->forward().decode(t.id, cache);
  }
  EXPECT_GT(padding_would_win, 0) << "the random checkpoint never favours a padding id; pick another seed";
}

TEST_F(PaddedVocab, SampledTokensAndAlternativesStayInTheTokenizersVocabulary) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto r = engine_->generate(request(1.5, seed));
    for (const auto& t : r.tokens) {
      EXPECT_LT(t.id, vocab_);
      for (const auto& alt : t.top) EXPECT_LT(alt.id, vocab_);
      EXPECT_GE(t.top[0].logprob, t.logprob);
    }
  }
}

}  // namespace
