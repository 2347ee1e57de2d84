#include "harness/clients/toy_client.h"

#include <chrono>
#include <future>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

ModelSpec toy_config(double accuracy = 1.0, double nothink = 1.0) {
  ModelSpec c;
  c.name = "toy";
  c.provider = ToySpec{};
  c.toy().accuracy = accuracy;
  c.toy().nothink_accuracy = nothink;
  return c;
}

ChatRequest ask(const std::string& question, int sample_index = 0) {
  ChatRequest r;
  r.messages = {{"system", "You are a calculator. 1 + 1 is not the question."}, {"user", question}};
  r.sample_index = sample_index;
  return r;
}

TEST(ToyClient, SolvesArithmeticWhenAccuracyIsOne) {
  ToyClient toy(toy_config(1.0));
  struct Case {
    std::string q;
    std::string boxed;
  };
  for (const Case& c : {Case{"What is 12 + 30?", "\\boxed{42}"}, Case{"Compute 1234 + 8766.", "\\boxed{10000}"},
                        Case{"What is 7 - 19?", "\\boxed{-12}"}, Case{"What is 6 * 7?", "\\boxed{42}"},
                        Case{"What is 12 x 12?", "\\boxed{144}"}, Case{"What is -5 + 3?", "\\boxed{-2}"}}) {
    SCOPED_TRACE(c.q);
    auto r = toy.answer(ask(c.q));
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.http_status, 0);  // in-process: there was no HTTP response
    ASSERT_EQ(r.choices.size(), 1u);
    EXPECT_EQ(r.choices[0].text, "The answer is " + c.boxed);
    EXPECT_EQ(r.choices[0].finish_reason, "stop");
    EXPECT_FALSE(r.choices[0].reasoning.empty());
  }
}

TEST(ToyClient, UnicodeTimesSignMultiplies) {
  ToyClient toy(toy_config(1.0));
  auto r = toy.answer(ask("What is 6 × 7?"));
  EXPECT_EQ(r.choices[0].text, "The answer is \\boxed{42}");
  EXPECT_EQ(r.choices[0].reasoning, "6 × 7\n= 42\n");
}

TEST(ToyClient, AdditionTraceIsColumnByColumn) {
  ToyClient toy(toy_config(1.0));
  auto r = toy.answer(ask("What is 57 + 68?"));
  EXPECT_EQ(r.choices[0].reasoning,
            "57+68\n7+8+0=15 r5 c1\n"
            "5+6\n5+6+1=12 r25 c1\n"
            "0+0\n0+0+1=1 r125 c0\n");
  EXPECT_EQ(r.choices[0].text, "The answer is \\boxed{125}");
}

TEST(ToyClient, UsesRawPromptForCompletions) {
  ToyClient toy(toy_config(1.0));
  ChatRequest r;
  r.prompt = "Q: 2 + 2 =";
  EXPECT_EQ(toy.answer(r).choices[0].text, "The answer is \\boxed{4}");
}

TEST(ToyClient, NonArithmeticPrompt) {
  ToyClient toy(toy_config(1.0));
  auto r = toy.answer(ask("Tell me a story."));
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_EQ(r.choices[0].text, "I can only do arithmetic.");
  EXPECT_EQ(r.choices[0].reasoning, "");
  EXPECT_EQ(r.choices[0].finish_reason, "stop");
}

TEST(ToyClient, DeterministicForTheSameRequest) {
  ToyClient a(toy_config(0.5, 0.5));
  ToyClient b(toy_config(0.5, 0.5));
  for (int i = 0; i < 20; ++i) {
    auto req = ask("What is " + std::to_string(100 + i) + " + 23?", i % 3);
    auto x = a.answer(req);
    auto y = b.answer(req);
    auto z = a.answer(req);
    EXPECT_EQ(x.choices[0].text, y.choices[0].text);
    EXPECT_EQ(x.choices[0].text, z.choices[0].text);
    EXPECT_EQ(x.choices[0].reasoning, y.choices[0].reasoning);
    EXPECT_EQ(x.usage.completion_tokens, z.usage.completion_tokens);
    EXPECT_EQ(x.usage.prompt_tokens, z.usage.prompt_tokens);
  }
}

TEST(ToyClient, AccuracyControlsCorrectness) {
  ToyClient never(toy_config(0.0, 0.0));
  ToyClient half(toy_config(0.5, 0.5));
  int half_right = 0;
  for (int i = 0; i < 60; ++i) {
    long long a = 1000 + 37 * i, b = 11 * i;
    std::string right = "The answer is \\boxed{" + std::to_string(a + b) + "}";
    auto req = ask("What is " + std::to_string(a) + " + " + std::to_string(b) + "?");
    EXPECT_NE(never.answer(req).choices[0].text, right) << i;
    if (half.answer(req).choices[0].text == right) ++half_right;
  }
  // A hash against 0.5 over 60 prompts: clearly neither all nor none.
  EXPECT_GT(half_right, 10);
  EXPECT_LT(half_right, 50);
}

TEST(ToyClient, SampleIndexAndSeedChangeTheDraw) {
  ToyClient half(toy_config(0.5, 0.5));
  std::set<std::string> answers;
  for (int s = 0; s < 16; ++s) answers.insert(half.answer(ask("What is 400 + 55?", s)).choices[0].text);
  EXPECT_GT(answers.size(), 1u);  // some samples right, some wrong
  std::set<std::string> seeded;
  for (int seed = 0; seed < 16; ++seed) {
    auto req = ask("What is 400 + 55?");
    req.params.seed = seed;
    seeded.insert(half.answer(req).choices[0].text);
  }
  EXPECT_GT(seeded.size(), 1u);
}

TEST(ToyClient, ThinkingOffRemovesReasoningAndUsesNothinkAccuracy) {
  ModelSpec cfg = toy_config(1.0, 0.0);
  cfg.chat_template_kwargs = {{"enable_thinking", false}};
  ToyClient nothink(cfg);
  ToyClient think(toy_config(1.0, 0.0));
  auto req = ask("What is 20 + 22?");
  auto off = nothink.answer(req);
  auto on = think.answer(req);
  EXPECT_EQ(off.choices[0].reasoning, "");
  EXPECT_EQ(off.usage.reasoning_tokens, 0);
  EXPECT_NE(off.choices[0].text, "The answer is \\boxed{42}");  // nothink accuracy 0
  EXPECT_FALSE(on.choices[0].reasoning.empty());
  EXPECT_GT(on.usage.reasoning_tokens, 0);
  EXPECT_EQ(on.choices[0].text, "The answer is \\boxed{42}");

  // enable_thinking: true (or a non-boolean) keeps thinking on.
  ModelSpec explicit_on = toy_config(1.0, 0.0);
  explicit_on.chat_template_kwargs = {{"enable_thinking", true}};
  EXPECT_FALSE(ToyClient(explicit_on).answer(req).choices[0].reasoning.empty());
}

TEST(ToyClient, SmallMaxTokensStopsForLength) {
  ToyClient toy(toy_config(1.0));
  auto req = ask("What is 123456 + 654321?");
  auto full = toy.answer(req);
  ASSERT_EQ(full.choices[0].finish_reason, "stop");
  ASSERT_GT(full.usage.completion_tokens, 5);
  req.params.max_tokens = 5;
  auto cut = toy.answer(req);
  EXPECT_EQ(cut.choices[0].finish_reason, "length");
  EXPECT_EQ(cut.choices[0].text, "");
  EXPECT_EQ(cut.usage.completion_tokens, 5);
  EXPECT_EQ(cut.usage.reasoning_tokens, 5);
  // Exactly enough budget is not a truncation.
  req.params.max_tokens = static_cast<int>(full.usage.completion_tokens);
  EXPECT_EQ(toy.answer(req).choices[0].finish_reason, "stop");
}

TEST(ToyClient, UsageIsCounted) {
  ToyClient toy(toy_config(1.0));
  auto r = toy.answer(ask("What is 2 + 3?"));
  // "What is 2 + 3?" has 5 words: 5 * 2 + 4.
  EXPECT_EQ(r.usage.prompt_tokens, 14);
  // "The answer is \boxed{5}" has 4 words (x2); the trace "2+3\n2+3+0=5 r5 c0\n" has 4 (x3).
  EXPECT_EQ(r.usage.reasoning_tokens, 12);
  EXPECT_EQ(r.usage.completion_tokens, 20);
}

TEST(ToyClient, NChoicesAreCopies) {
  ToyClient toy(toy_config(1.0));
  auto req = ask("What is 1 + 2?");
  req.n = 3;
  auto r = toy.answer(req);
  ASSERT_EQ(r.choices.size(), 3u);
  for (const auto& c : r.choices) EXPECT_EQ(c.text, "The answer is \\boxed{3}");
}

TEST(ToyClient, AsyncSubmitMatchesAnswerAndDrains) {
  ToyClient toy(toy_config(0.5, 0.5));
  std::vector<std::future<ChatResult>> futures;
  for (int i = 0; i < 20; ++i) futures.push_back(toy.submit(ask("What is " + std::to_string(i) + " * 3?", i)));
  toy.drain();
  EXPECT_EQ(toy.stats().in_flight, 0);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(futures[i].wait_for(std::chrono::seconds(0)), std::future_status::ready);
    auto r = futures[i].get();
    auto expected = toy.answer(ask("What is " + std::to_string(i) + " * 3?", i));
    EXPECT_EQ(r.choices[0].text, expected.choices[0].text);
    EXPECT_GE(r.latency_s, 0.0);
  }
}

}  // namespace
}  // namespace gauntlet::harness
