// run_parallel on a scripted inner client: n requests with derived seeds and self-certainty asked
// for, every sample recorded, the chosen one by each method, failures, and the answer key.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "harness/budgets/parallel_turn.h"
#include "tests/support/scripted_client.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::ScriptedClient;

// Sample i (by seed order) answers answers[i] with self-certainty scs[i].
std::unique_ptr<ScriptedClient> client(std::vector<std::string> answers, std::vector<double> scs, std::int64_t base,
                                       int n) {
  return std::make_unique<ScriptedClient>([=](const ChatRequest& r, std::size_t) {
    const auto i = static_cast<std::size_t>(*r.params.seed - base * n);
    if (answers.at(i) == "!") return gauntlet::testing::error_result("boom");
    ChatResult res;
    Choice c;
    c.text = "The answer is \\boxed{" + answers.at(i) + "}";
    c.budget = {{"self_certainty", scs.at(i)}};
    res.choices.push_back(c);
    res.usage.completion_tokens = 10;
    res.usage.reasoning_tokens = 4;
    return res;
  });
}

ParallelPolicy policy(int n, SelectMethod m) {
  ParallelPolicy p;
  p.n = n;
  p.select = m;
  return p;
}

ChatRequest request(std::int64_t seed) {
  ChatRequest r;
  r.messages = {{"user", "q"}};
  r.params.seed = seed;
  return r;
}

ChatResult run(ModelClient& c, const ParallelPolicy& p, ChatRequest r) {
  std::promise<ChatResult> promise;
  auto f = promise.get_future();
  run_parallel(c, p, std::move(r), [&](ChatResult res) { promise.set_value(std::move(res)); });
  return f.get();
}

const std::vector<std::string> kAnswers = {"A", "B", "B", "A", "C"};
const std::vector<double> kScs = {0.9, 0.5, 0.7, 0.1, 0.3};

TEST(Parallel, SubmitsNSamplesWithDerivedSeedsAndRecordsThemAll) {
  auto c = client(kAnswers, kScs, 3, 5);
  const ChatResult r = run(*c, policy(5, SelectMethod::kBorda), request(3));
  ASSERT_TRUE(r.ok()) << r.error;
  const auto log = c->log()->snapshot();
  ASSERT_EQ(log.size(), 5u);
  std::set<std::int64_t> seeds;
  for (const auto& q : log) {
    seeds.insert(*q.params.seed);
    EXPECT_TRUE(q.self_certainty);
    EXPECT_EQ(q.n, 1);
  }
  EXPECT_EQ(seeds, (std::set<std::int64_t>{15, 16, 17, 18, 19}));
  const auto& b = r.choices.at(0).budget;
  EXPECT_EQ(b["policy"], "parallel");
  EXPECT_EQ(b["chosen"], 2);  // Borda (hand case in sample_selection_test): B, its best sample #2
  EXPECT_EQ(b["decided_by"], "borda");
  ASSERT_EQ(b["samples"].size(), 5u);
  EXPECT_EQ(b["samples"][3]["answer"], "A");
  EXPECT_EQ(b["samples"][3]["self_certainty"], 0.1);
  EXPECT_EQ(b["samples"][3]["seed"], 18);
  EXPECT_EQ(b["samples"][3]["record"]["self_certainty"], 0.1);
  EXPECT_EQ(r.choices[0].text, "The answer is \\boxed{B}");
  EXPECT_EQ(r.usage.completion_tokens, 50);  // every sample's cost
  EXPECT_EQ(r.usage.reasoning_tokens, 20);
  EXPECT_EQ(b["thinking_tokens"], 20);
  EXPECT_EQ(b["answer_tokens"], 30);
}

TEST(Parallel, EachMethodChoosesAsDocumented) {
  auto c = client(kAnswers, kScs, 0, 5);
  EXPECT_EQ(run(*c, policy(5, SelectMethod::kSelfCertainty), request(0)).choices[0].budget["chosen"], 0);
  EXPECT_EQ(run(*c, policy(5, SelectMethod::kMajority), request(0)).choices[0].budget["chosen"], 0);
  auto p = policy(5, SelectMethod::kBorda);
  p.borda_p = 2.0;
  EXPECT_EQ(run(*c, p, request(0)).choices[0].budget["chosen"], 0);
  // verifier without a check: the fallback (borda).
  auto v = run(*c, policy(5, SelectMethod::kVerifier), request(0));
  EXPECT_EQ(v.choices[0].budget["decided_by"], "borda");
  // with the runner's check: the first sample it accepts.
  auto q = request(0);
  q.answer_check = [](const std::string& text) { return text.find("{C}") != std::string::npos; };
  v = run(*c, policy(5, SelectMethod::kVerifier), q);
  EXPECT_EQ(v.choices[0].budget["chosen"], 4);
  EXPECT_EQ(v.choices[0].budget["decided_by"], "verifier");
  EXPECT_EQ(v.choices[0].budget["samples"][4]["check"], true);
  EXPECT_EQ(v.choices[0].budget["samples"][0]["check"], false);
  // The check never reaches the samples.
  for (const auto& req : c->log()->snapshot()) EXPECT_FALSE(req.answer_check);
}

TEST(Parallel, FailedSamplesAreRecordedAndSkipped) {
  auto c = client({"!", "B", "!"}, {0.9, 0.1, 0.8}, 1, 3);
  ChatResult r = run(*c, policy(3, SelectMethod::kSelfCertainty), request(1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.choices[0].budget["chosen"], 1);
  EXPECT_EQ(r.choices[0].budget["samples"][0]["error"], "boom");
  auto all = client({"!", "!"}, {0, 0}, 1, 2);
  r = run(*all, policy(2, SelectMethod::kBorda), request(1));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "boom");
}

TEST(Parallel, SeedsComeFromTheSampleIndexWhenUnset) {
  auto c = client({"A", "A"}, {0.1, 0.2}, 7, 2);
  ChatRequest q = request(0);
  q.params.seed.reset();
  q.sample_index = 7;
  const ChatResult r = run(*c, policy(2, SelectMethod::kSelfCertainty), q);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.choices[0].budget["chosen"], 1);
  EXPECT_EQ(r.choices[0].budget["samples"][1]["seed"], 15);
}

TEST(Parallel, AnswerKeys) {
  EXPECT_EQ(final_answer_key("so \\boxed{\\dfrac{1}{2}}", {}), "\\frac{1}{2}");
  EXPECT_EQ(final_answer_key("it is 1234 apples", {}), "1234");
  EXPECT_EQ(final_answer_key("nothing", {}), std::nullopt);
  EXPECT_EQ(final_answer_key("ANSWER: b", {"ANSWER: ([a-d])", true}), "b");
}

}  // namespace
