// EngineClient on the engine's scheduler: requests submitted together (concurrency 16) decode in
// one batch and give exactly the tokens, logprobs and text they give one at a time (concurrency 1)
// and that Engine::generate gives; n > 1 gives n choices, choice i as a request seeded seed + i;
// a bad request is reported as an error result, not thrown.
#include <gtest/gtest.h>

#include <future>

#include "engine/engine.h"
#include "harness/clients/engine_client.h"
#include "tests/support/command.h"
#include "tests/support/tiny_engine_model.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::TempDir;

class EngineClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    gauntlet::testing::write_tiny_engine_model(dir_->path(), 8);
  }
  static void TearDownTestSuite() { delete dir_; }

  static ModelSpec spec(int concurrency) {
    ModelSpec m;
    m.name = "tiny";
    m.concurrency = concurrency;
    EngineSpec e;
    e.model_path = dir_->path();
    e.threads = 2;
    m.provider = e;
    return m;
  }

  static std::vector<ChatRequest> requests() {
    std::vector<ChatRequest> out;
    for (int i = 0; i < 12; ++i) {
      ChatRequest r;
      r.messages = {{"user", "question " + std::string(static_cast<std::size_t>(1 + i * 3), 'x')}};
      r.params.max_tokens = 5 + i;
      r.params.temperature = i % 3 == 0 ? 0.0 : 0.8;
      r.params.top_p = 0.95;
      r.params.logprobs = true;
      r.params.top_logprobs = 2;
      r.sample_index = i;
      out.push_back(std::move(r));
    }
    return out;
  }

  static std::vector<ChatResult> submit_all(EngineClient& client, const std::vector<ChatRequest>& rs) {
    std::vector<std::future<ChatResult>> futures;
    for (const auto& r : rs) futures.push_back(client.submit(r));
    std::vector<ChatResult> out;
    for (auto& f : futures) out.push_back(f.get());
    return out;
  }

  static TempDir* dir_;
};

TempDir* EngineClientTest::dir_ = nullptr;

void expect_same_choice(const Choice& a, const Choice& b) {
  EXPECT_EQ(a.token_ids, b.token_ids);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.finish_reason, b.finish_reason);
  ASSERT_EQ(a.logprobs.size(), b.logprobs.size());
  for (std::size_t i = 0; i < a.logprobs.size(); ++i) {
    EXPECT_EQ(a.logprobs[i].logprob, b.logprobs[i].logprob);
    ASSERT_EQ(a.logprobs[i].top.size(), b.logprobs[i].top.size());
    for (std::size_t k = 0; k < a.logprobs[i].top.size(); ++k)
      EXPECT_EQ(a.logprobs[i].top[k].logprob, b.logprobs[i].top[k].logprob);
  }
}

TEST_F(EngineClientTest, ConcurrentRequestsBatchAndGiveTheTokensTheyGiveOneAtATime) {
  const auto rs = requests();
  EngineClient one(spec(1)), many(spec(16));
  std::vector<ChatResult> serial;
  for (const auto& r : rs) serial.push_back(one.answer(r));
  const auto batched = submit_all(many, rs);
  ASSERT_EQ(batched.size(), rs.size());
  for (std::size_t i = 0; i < rs.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(serial[i].ok()) << serial[i].error;
    ASSERT_TRUE(batched[i].ok()) << batched[i].error;
    ASSERT_EQ(batched[i].choices.size(), 1u);
    expect_same_choice(batched[i].choices[0], serial[i].choices[0]);
    EXPECT_EQ(batched[i].prompt_token_ids, serial[i].prompt_token_ids);
    EXPECT_EQ(batched[i].usage.completion_tokens, serial[i].usage.completion_tokens);
  }
  many.drain();
  EXPECT_EQ(many.stats().concurrency_limit, 16);
  EXPECT_EQ(many.stats().in_flight, 0);

  // And what Engine::generate gives for the same rendered prompt and seed.
  gauntlet::engine::Engine engine(dir_->path());
  gauntlet::engine::GenerationRequest g;
  g.prompt_ids.assign(serial[4].prompt_token_ids.begin(), serial[4].prompt_token_ids.end());
  g.max_tokens = 9;
  g.sampling.temperature = 0.8;
  g.sampling.top_p = 0.95;
  g.sampling.seed = 4;
  const auto direct = engine.generate(g);
  const auto ids = direct.token_ids();
  EXPECT_EQ(std::vector<std::int32_t>(ids.begin(), ids.end()), serial[4].choices[0].token_ids);
}

TEST_F(EngineClientTest, NChoicesAreRequestsSeededSeedPlusI) {
  EngineClient client(spec(8));
  ChatRequest r = requests()[2];
  r.params.seed = 40;
  r.n = 4;
  const auto all = client.answer(r);
  ASSERT_TRUE(all.ok()) << all.error;
  ASSERT_EQ(all.choices.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    ChatRequest one = r;
    one.n = 1;
    one.params.seed = 40 + i;
    const auto single = client.answer(one);
    expect_same_choice(all.choices[static_cast<std::size_t>(i)], single.choices[0]);
  }
}

TEST_F(EngineClientTest, ABadRequestIsAnErrorResult) {
  EngineClient client(spec(2));
  ChatRequest r;
  r.prompt = "";  // nothing to generate from
  const auto result = client.answer(r);
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("engine:"), std::string::npos) << result.error;
  client.drain();
  EXPECT_EQ(client.stats().in_flight, 0);
}

}  // namespace
