// EngineClient as a ContinuableClient on the testbed model: segments of one turn equal plain
// generations from the concatenated ids; stop_at_think_close ends a segment before </think> (not in
// the text or the turn); an observer returning false ends the segment there and the turn goes on
// from exactly that token; per-token text adds up to the segment's text; turn_text is appended +
// generated text; misuse fails cleanly.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "engine/engine.h"
#include "harness/clients/engine_client.h"
#include "harness/clients/model_spec_reader.h"

namespace {

using namespace gauntlet::harness;
namespace engine = gauntlet::engine;

const std::string kModel = std::string(GAUNTLET_SOURCE_DIR) + "/benchmarks/testbed/model";

class EngineContinuationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engine_ = new engine::Engine(kModel);
    client_ = new EngineClient(read_model_spec(
        YAML::Load("name: testbed\nprovider: engine\nthreads: 2\npath: " + kModel + "\n"), "suite.yaml", "models[0]"));
  }
  static void TearDownTestSuite() {
    delete client_;
    delete engine_;
  }
  static ChatRequest request(const std::string& q) {
    ChatRequest r;
    r.messages = {{"user", q}};
    r.params.temperature = 0.0;
    r.params.seed = 1;
    return r;
  }
  static std::vector<int> prompt(const std::string& q) {
    engine::ChatInput chat;
    chat.messages = engine::chat_messages({{"user", q, std::nullopt}});
    return engine_->tokenizer().encode(engine_->render_chat(chat));
  }
  static std::vector<int> plain(const std::vector<int>& ids, int max_tokens) {
    engine::GenerationRequest g;
    g.prompt_ids = ids;
    g.max_tokens = max_tokens;
    g.sampling.temperature = 0.0;
    g.sampling.seed = 1;
    return engine_->generate(g).token_ids();
  }
  static std::vector<int> ids(const SegmentResult& s) { return {s.token_ids.begin(), s.token_ids.end()}; }
  static std::vector<int> cat(std::vector<int> a, const std::vector<int>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  static engine::Engine* engine_;
  static EngineClient* client_;
};

engine::Engine* EngineContinuationTest::engine_ = nullptr;
EngineClient* EngineContinuationTest::client_ = nullptr;

TEST_F(EngineContinuationTest, SegmentsEqualPlainGenerationsAndTheCloseIsHeld) {
  const std::string q = "751+2";
  auto turn = client_->open(request(q));
  EXPECT_EQ(turn->method(), "kv");
  SegmentLimits think;
  think.max_tokens = 400;
  think.stop_at_think_close = true;
  std::string streamed;
  int calls = 0;
  auto s1 = turn->segment("", think, [&](std::string_view text, int tokens) {
    streamed += text;
    EXPECT_EQ(tokens, ++calls);
    return true;
  });
  ASSERT_TRUE(s1.ok()) << s1.error;
  EXPECT_EQ(s1.finish, "think_close");
  EXPECT_EQ(streamed, s1.text);
  EXPECT_EQ(s1.thinking_open, true);
  const auto free_run = plain(prompt(q), 400);
  const int close = engine_->thinking_delimiters()->close_id;
  const auto k = static_cast<std::size_t>(std::find(free_run.begin(), free_run.end(), close) - free_run.begin());
  ASSERT_LT(k, free_run.size());
  EXPECT_EQ(ids(s1), std::vector<int>(free_run.begin(), free_run.begin() + static_cast<long>(k)));
  EXPECT_EQ(s1.text.find("</think>"), std::string::npos);

  // Abort after 3 tokens of the next segment; the one after continues from exactly there.
  SegmentLimits more;
  more.max_tokens = 50;
  auto s2 = turn->segment(" Wait", more, [&](std::string_view, int tokens) { return tokens < 3; });
  ASSERT_TRUE(s2.ok()) << s2.error;
  EXPECT_EQ(s2.finish, "aborted");
  EXPECT_EQ(s2.tokens, 3);
  const auto wait = engine_->tokenizer().encode(" Wait");
  EXPECT_EQ(s2.appended_tokens, static_cast<int>(wait.size()));
  auto so_far = cat(cat(prompt(q), ids(s1)), wait);
  EXPECT_EQ(ids(s2), std::vector<int>(plain(so_far, 3)));
  so_far = cat(so_far, ids(s2));
  auto s3 = turn->segment("", more);
  ASSERT_TRUE(s3.ok()) << s3.error;
  auto want = plain(so_far, 50);
  EXPECT_EQ(ids(s3), want);
  EXPECT_EQ(turn->turn_text(), s1.text + " Wait" + s2.text + s3.text);
}

TEST_F(EngineContinuationTest, RefusalsAndFailuresAreClean) {
  auto r = request("5*5");
  r.n = 2;
  EXPECT_THROW(client_->open(r), std::runtime_error);
  auto turn = client_->open(request("5*5"));
  SegmentLimits none;
  none.max_tokens = 0;
  auto bad = turn->segment("", none);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.failure, Failure::kRejected);
  SegmentLimits one;
  one.max_tokens = 1;
  EXPECT_FALSE(turn->segment("", one).ok()) << "a failed turn stays failed";
  // A turn that is dropped unfinished releases its sequence; the client still answers.
  {
    auto dropped = client_->open(request("38+47"));
    ASSERT_TRUE(dropped->segment("", one).ok());
  }
  auto answer = client_->answer(request("38+47"));
  EXPECT_TRUE(answer.ok()) << answer.error;
}

}  // namespace
