// Policy `budget` (s1 budget forcing) on the in-tree engine with the testbed model, built through the
// client factory: every segment's tokens equal a plain Engine::generate from the turn's ids so far,
// concatenated as ids (rendered prompt, generated ids, the appended text's ids), so reusing the held
// KV cache changes nothing. Cap: thinking cut at N, close + cue appended, answer limited; natural
// close: the same tokens as no policy at all (the model's </think> is re-appended); extend: a too
// early </think> never enters the turn, "Wait" does; a turn without thinking stays answer.
// Greedy, and sampled where noted (each segment samples with the request's seed).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "engine/engine.h"
#include "harness/budgets/budget_client.h"
#include "harness/clients/client_factory.h"
#include "harness/clients/continuation.h"
#include "harness/clients/engine_client.h"
#include "harness/clients/model_spec_reader.h"
#include "testbed_spec.h"

namespace {

using namespace gauntlet::harness;
namespace engine = gauntlet::engine;

const std::string& kModel = gauntlet::testing::kTestbedModel;

ModelSpec spec(const std::string& budget) { return gauntlet::testing::testbed_spec(budget); }

ChatRequest request(const std::string& question, int max_tokens, double temperature, int seed) {
  ChatRequest r;
  r.messages = {{"user", question}};
  r.params.max_tokens = max_tokens;
  r.params.temperature = temperature;
  r.params.seed = seed;
  return r;
}

class BudgetForcingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = new engine::Engine(kModel); }
  static void TearDownTestSuite() { delete engine_; }

  static std::vector<int> prompt_ids(const std::string& question) {
    return gauntlet::testing::question_ids(*engine_, question);
  }
  static std::vector<int> encode(const std::string& text) { return engine_->tokenizer().encode(text); }
  // Plain generation from ids, as the client's requests sample.
  static std::vector<int> plain(const std::vector<int>& ids, int max_tokens, const ChatRequest& r) {
    engine::GenerationRequest g;
    g.prompt_ids = ids;
    g.max_tokens = max_tokens;
    g.sampling.temperature = *r.params.temperature;
    g.sampling.seed = static_cast<std::uint64_t>(*r.params.seed);
    return engine_->generate(g).token_ids();
  }
  static int close_id() { return engine_->thinking_delimiters()->close_id; }
  // Tokens before the first </think>, and its index (npos when none).
  static std::size_t close_at(const std::vector<int>& ids) {
    auto it = std::find(ids.begin(), ids.end(), close_id());
    return it == ids.end() ? std::string::npos : static_cast<std::size_t>(it - ids.begin());
  }
  static std::vector<int> cat(std::vector<int> a, const std::vector<int>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  static std::vector<int> slice(const std::vector<std::int32_t>& v, std::size_t from, std::size_t n) {
    return {v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(from + n)};
  }

  // Replays the choice's segments: each one's generated ids must equal a plain generation from the
  // turn so far (a segment that ended at a held </think>: the plain tokens before it).
  static void replay(const std::string& question, const ChatRequest& r, const Choice& c,
                     const std::vector<std::string>& appended) {
    const auto& segments = c.budget["segments"];
    ASSERT_EQ(segments.size(), appended.size());
    std::vector<int> turn = prompt_ids(question);
    std::size_t at = 0;
    for (std::size_t k = 0; k < segments.size(); ++k) {
      SCOPED_TRACE("segment " + std::to_string(k));
      const auto add = encode(appended[k]);
      EXPECT_EQ(segments[k]["appended_tokens"].get<int>(), static_cast<int>(add.size()));
      turn = cat(turn, add);
      const auto n = segments[k]["tokens"].get<std::size_t>();
      const auto got = slice(c.token_ids, at, n);
      auto want = plain(turn, static_cast<int>(n) + 1, r);
      if (segments[k]["finish"] == "think_close") {
        ASSERT_EQ(want.size(), n + 1);
        EXPECT_EQ(want[n], close_id()) << "the segment ended where the model wrote </think>";
      }
      want.resize(std::min(want.size(), n));
      EXPECT_EQ(got, want);
      turn = cat(turn, got);
      at += n;
    }
    EXPECT_EQ(at, c.token_ids.size());
  }

  static engine::Engine* engine_;
};

engine::Engine* BudgetForcingTest::engine_ = nullptr;

TEST_F(BudgetForcingTest, TheCapClosesThinkingAppendsTheCueAndLimitsTheAnswer) {
  const std::string q = "95992+909377";
  for (double temperature : {0.0, 1.0}) {
    SCOPED_TRACE("temperature " + std::to_string(temperature));
    auto r = request(q, 200, temperature, 5);
    const auto free_run = plain(prompt_ids(q), 200, r);
    const int N = 12;
    ASSERT_GT(close_at(free_run), static_cast<std::size_t>(N)) << "the testbed thinks longer than the cap";
    auto client = make_client(spec("budget: {policy: budget, thinking_tokens: 12, cue: \"Final Answer:\", answer_tokens: 30}\n"));
    ChatResult got = client->submit(r).get();
    ASSERT_TRUE(got.ok()) << got.error;
    ASSERT_EQ(got.choices.size(), 1u);
    const Choice& c = got.choices[0];
    EXPECT_EQ(c.budget["policy"], "budget");
    EXPECT_EQ(c.budget["cut_reason"], "cap");
    EXPECT_EQ(c.budget["cut_position"], N);
    EXPECT_EQ(c.budget["thinking_tokens"], N);
    EXPECT_EQ(c.budget["extensions"], 0);
    EXPECT_EQ(c.budget["method"], "kv");
    // The engine's exact self-certainty, averaged over the turn's tokens (a KL divergence: > 0).
    ASSERT_TRUE(c.budget["self_certainty"].is_number()) << c.budget.dump();
    EXPECT_GT(c.budget["self_certainty"].get<double>(), 0.0);
    EXPECT_FALSE(c.budget.contains("self_certainty_approximate"));
    EXPECT_EQ(c.budget["params"]["thinking_tokens"], N);
    EXPECT_EQ(c.budget["params"]["cue"], "Final Answer:");
    EXPECT_EQ(got.usage.reasoning_tokens, N);
    EXPECT_EQ(got.usage.completion_tokens, static_cast<std::int64_t>(c.token_ids.size()));
    EXPECT_EQ(c.budget["answer_tokens"].get<std::int64_t>(), got.usage.completion_tokens - N);
    EXPECT_LE(c.budget["answer_tokens"].get<int>(), 30);
    // Thinking: the first N tokens of the free run. Answer: a plain generation from prompt + those + close + cue.
    EXPECT_EQ(slice(c.token_ids, 0, N), std::vector<int>(free_run.begin(), free_run.begin() + N));
    const auto turn = cat(cat(prompt_ids(q), std::vector<int>(free_run.begin(), free_run.begin() + N)),
                          encode("\n</think>\n\nFinal Answer:"));
    const auto answer = plain(turn, 30, r);
    EXPECT_EQ(slice(c.token_ids, N, c.token_ids.size() - N), answer);
    replay(q, r, c, {"", "\n</think>\n\nFinal Answer:"});
    // Reasoning: the thinking text without <think>; the answer: the cue and what followed.
    const std::string thinking = engine_->tokenizer().decode(std::vector<int>(free_run.begin() + 1, free_run.begin() + N));
    EXPECT_EQ(c.reasoning, thinking.substr(thinking.find_first_not_of('\n'), thinking.find_last_not_of(" \n") -
                                                                               thinking.find_first_not_of('\n') + 1));
    EXPECT_EQ(c.text.rfind("Final Answer:", 0), 0u) << c.text;
    EXPECT_EQ(c.finish_reason, c.budget["segments"][1]["finish"].get<std::string>());
  }
}

TEST_F(BudgetForcingTest, AModelThatClosesItselfGetsExactlyTheTokensOfNoPolicy) {
  auto budget = make_client(spec("budget: budget:400\n"));
  auto none = make_client(spec(""));
  for (const std::string q : {"5*5", "751+2", "38+47"}) {
    for (double temperature : {0.0, 1.0}) {
      SCOPED_TRACE(q + " at temperature " + std::to_string(temperature));
      auto r = request(q, 300, temperature, 9);
      ChatResult want = none->submit(r).get();
      ChatResult got = budget->submit(r).get();
      ASSERT_TRUE(want.ok() && got.ok()) << want.error << got.error;
      auto ids = want.choices[0].token_ids;
      const auto k = close_at({ids.begin(), ids.end()});
      ASSERT_NE(k, std::string::npos);
      ids.erase(ids.begin() + static_cast<long>(k));  // the re-appended </think> is not generated
      EXPECT_EQ(got.choices[0].token_ids, ids);
      EXPECT_EQ(got.choices[0].text, want.choices[0].text);
      EXPECT_EQ(got.choices[0].reasoning, want.choices[0].reasoning);
      EXPECT_EQ(got.choices[0].finish_reason, want.choices[0].finish_reason);
      EXPECT_EQ(got.choices[0].budget["cut_reason"], "none");
      EXPECT_TRUE(got.choices[0].budget["cut_position"].is_null());
      EXPECT_EQ(got.choices[0].budget["thinking_tokens"], static_cast<int>(k));
      EXPECT_EQ(got.usage.reasoning_tokens, static_cast<std::int64_t>(k));
      EXPECT_EQ(want.usage.reasoning_tokens, static_cast<std::int64_t>(k) + 1) << "the engine counts its </think>";
      replay(q, r, got.choices[0], {"", "</think>"});
    }
  }
}

TEST_F(BudgetForcingTest, ExtendReplacesATooEarlyCloseWithWait) {
  const std::string q = "751+2";
  for (double temperature : {0.0, 1.0}) {
    SCOPED_TRACE("temperature " + std::to_string(temperature));
    auto r = request(q, 200, temperature, 3);
    const auto free_run = plain(prompt_ids(q), 300, r);
    const auto k = close_at(free_run);
    ASSERT_NE(k, std::string::npos);
    const int min = static_cast<int>(k) + 40;
    auto client = make_client(spec("budget: {policy: budget, thinking_tokens: " + std::to_string(min + 200) +
                                   ", min_thinking_tokens: " + std::to_string(min) + ", max_extensions: 2}\n"));
    ChatResult got = client->submit(r).get();
    ASSERT_TRUE(got.ok()) << got.error;
    const Choice& c = got.choices[0];
    ASSERT_GE(c.budget["extensions"].get<int>(), 1);
    EXPECT_EQ(slice(c.token_ids, 0, k), std::vector<int>(free_run.begin(), free_run.begin() + static_cast<long>(k)));
    EXPECT_EQ(c.budget["segments"][0]["finish"], "think_close");
    std::vector<std::string> appended = {""};
    const auto& segments = c.budget["segments"];
    for (std::size_t i = 1; i < segments.size(); ++i) {
      const bool extension = static_cast<int>(i) <= c.budget["extensions"].get<int>();
      if (extension) appended.push_back("Wait");
      else if (segments[i - 1]["finish"] == "think_close") appended.push_back("</think>");
      else appended.push_back("\n</think>\n\n");
    }
    replay(q, r, c, appended);
    EXPECT_NE(c.reasoning.find("Wait"), std::string::npos) << "the extension is part of the reasoning";
    EXPECT_EQ(std::count(c.token_ids.begin(), c.token_ids.end(), close_id()), 0) << "no </think> was ever committed";
    EXPECT_GT(c.budget["thinking_tokens"].get<int>(), static_cast<int>(k));
  }
}

TEST_F(BudgetForcingTest, ATurnWithoutThinkingStaysAnswer) {
  auto client = make_client(spec("budget: budget:6\n"));
  auto r = request("38+47", 40, 0.0, 1);
  r.chat_template_kwargs = {{"enable_thinking", false}};  // the template writes a closed block
  ChatResult got = client->submit(r).get();
  ASSERT_TRUE(got.ok()) << got.error;
  engine::ChatInput chat;
  chat.messages = engine::chat_messages({{"user", "38+47", std::nullopt}});
  chat.kwargs["enable_thinking"] = false;
  const auto want = plain(encode(engine_->render_chat(chat)), 40, r);
  EXPECT_EQ(std::vector<int>(got.choices[0].token_ids.begin(), got.choices[0].token_ids.end()), want);
  EXPECT_EQ(got.choices[0].budget["cut_reason"], "none");
  EXPECT_EQ(got.choices[0].budget["thinking_tokens"], 0);
  EXPECT_EQ(got.choices[0].reasoning, "");
  EXPECT_EQ(got.usage.reasoning_tokens, 0);
}

TEST_F(BudgetForcingTest, PrefillPoliciesRecordTheirTokensToo) {
  auto client = make_client(spec("budget: nothinking\n"));
  ChatResult got = client->submit(request("5*5", 40, 0.0, 1)).get();
  ASSERT_TRUE(got.ok()) << got.error;
  const auto& b = got.choices[0].budget;
  EXPECT_EQ(b["policy"], "nothinking");
  EXPECT_EQ(b["cut_reason"], "none");
  EXPECT_EQ(b["thinking_tokens"], got.usage.reasoning_tokens);
  EXPECT_EQ(b["answer_tokens"], got.usage.completion_tokens - got.usage.reasoning_tokens);
}

TEST_F(BudgetForcingTest, NChoicesAreTurnsSeededLikeTheEnginesChoices) {
  auto client = make_client(spec("budget: budget:10\n"));
  auto r = request("95992+909377", 20, 1.0, 4);
  r.n = 2;
  ChatResult got = client->submit(r).get();
  ASSERT_TRUE(got.ok()) << got.error;
  ASSERT_EQ(got.choices.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    auto one = request("95992+909377", 20, 1.0, 4 + i);
    ChatResult single = client->submit(one).get();
    EXPECT_EQ(single.choices[0].token_ids, got.choices[static_cast<std::size_t>(i)].token_ids) << i;
  }
  EXPECT_NE(got.choices[0].token_ids, got.choices[1].token_ids);
}

TEST_F(BudgetForcingTest, ManyConcurrentRequestsAnswerThroughTheCallbackAndDrain) {
  auto spec_ = spec("concurrency: 3\nbudget: {policy: budget, thinking_tokens: 8, answer_tokens: 6}\n");
  auto client = make_client(spec_);
  std::vector<std::future<ChatResult>> futures;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 8; ++i) futures.push_back(client->submit(request(std::to_string(100 + i) + "+7", 50, 0.0, i)));
  const double submit_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(submit_s, 0.5) << "submit_async does not run the turn";
  client->drain();
  for (auto& f : futures) {
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.choices[0].budget["cut_reason"], "cap");
    EXPECT_LE(r.usage.completion_tokens, 14);
  }
  // cancel_pending answers what is queued as cancelled.
  std::vector<std::future<ChatResult>> more;
  for (int i = 0; i < 12; ++i) more.push_back(client->submit(request("5*5", 50, 0.0, i)));
  client->cancel_pending();
  int cancelled = 0;
  for (auto& f : more) cancelled += f.get().cancelled() ? 1 : 0;
  EXPECT_GT(cancelled, 0);
  client->drain();
}

// cancel_pending() while a turn's first segment runs: the segment ends as it would (the provider
// is told through its own cancel_pending) and no further segment starts: the request ends kCancelled.
TEST(BudgetForcingClient, CancelPendingStopsATurnBeforeItsNextSegment) {
  struct Gate {
    std::mutex m;
    std::condition_variable cv;
    bool started = false, released = false;
    int segments = 0, provider_cancels = 0;
  };
  struct Turn : Continuation {
    Gate* g;
    std::string text;
    explicit Turn(Gate* gate) : g(gate) {}
    SegmentResult segment(const std::string& append, const SegmentLimits& limits, const SegmentObserver&) override {
      std::unique_lock lock(g->m);
      ++g->segments;
      g->started = true;
      g->cv.notify_all();
      g->cv.wait(lock, [&] { return g->released; });
      SegmentResult r;
      r.text = "<think>\nthinking on";
      r.tokens = limits.max_tokens;
      r.finish = "length";  // the cap: an answer segment would follow
      r.thinking_open = true;
      text += append + r.text;
      return r;
    }
    Rewound rewind(std::size_t) override { throw std::logic_error("not here"); }
    const std::string& turn_text() const override { return text; }
    std::string method() const override { return "gated"; }
  };
  struct Gated : ModelClient, ContinuableClient {
    Gate g;
    void submit_async(ChatRequest, Callback done) override { done(ChatResult{}); }
    ClientStats stats() const override { return {0, 2, 0, 0}; }
    void drain() override {}
    void cancel_pending() override {
      std::lock_guard lock(g.m);
      ++g.provider_cancels;
    }
    std::unique_ptr<Continuation> open(const ChatRequest&) override { return std::make_unique<Turn>(&g); }
  };
  BudgetPolicy p;
  p.kind = BudgetKind::kBudget;
  p.thinking_tokens = 5;
  auto inner = std::make_unique<Gated>();
  Gate& g = inner->g;
  BudgetClient client(std::move(inner), p);
  auto future = client.submit(ChatRequest{});
  {
    std::unique_lock lock(g.m);
    g.cv.wait(lock, [&] { return g.started; });
  }
  client.cancel_pending();
  {
    std::lock_guard lock(g.m);
    g.released = true;
  }
  g.cv.notify_all();
  const ChatResult r = future.get();
  EXPECT_EQ(r.failure, Failure::kCancelled) << r.error;
  std::lock_guard lock(g.m);
  EXPECT_EQ(g.segments, 1) << "the answer segment never started";
  EXPECT_EQ(g.provider_cancels, 1);
}

TEST(BudgetForcingClient, AProviderThatCannotContinueIsRefused) {
  struct Plain : ModelClient {
    void submit_async(ChatRequest, Callback done) override { done(ChatResult{}); }
    ClientStats stats() const override { return {0, 2, 0, 0}; }
    void drain() override {}
  };
  BudgetPolicy p;
  p.kind = BudgetKind::kBudget;
  p.thinking_tokens = 5;
  BudgetClient client(std::make_unique<Plain>(), p);
  auto r = client.submit(ChatRequest{}).get();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.failure, Failure::kRejected);
  EXPECT_NE(r.error.find("continue a turn"), std::string::npos) << r.error;
}

}  // namespace
