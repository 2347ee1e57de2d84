// run_trimr_turn on a scripted continuable client: what is appended after each way thinking ends
// (converged, underthinking, cap, the model's own close, the end of the turn), the choice and the
// budget record, and errors.
#include <gtest/gtest.h>

#include <cmath>

#include "harness/budgets/extract_verifier.h"
#include "harness/budgets/trimr_turn.h"

namespace {

using namespace gauntlet::harness;

// A turn that "generates" 3-byte pieces of a thinking script (which may end in "</think>") and,
// after anything is appended, of an answer script ending the turn.
class ScriptedTurn : public Continuation {
 public:
  ScriptedTurn(std::string thinking, std::string answer, std::vector<std::string>* appends)
      : thinking_(std::move(thinking)), answer_(std::move(answer)), appends_(appends) {}

  SegmentResult segment(const std::string& append, const SegmentLimits& limits,
                        const SegmentObserver& observer) override {
    SegmentResult r;
    if (!append.empty()) {
      appends_->push_back(append);
      turn_ += append;
      in_answer_ = true;
      at_ = 0;
    }
    const std::string& script = in_answer_ ? answer_ : thinking_;
    while (true) {
      if (r.tokens == limits.max_tokens) {
        r.finish = "length";
        break;
      }
      if (at_ >= script.size()) {
        r.finish = "stop";
        break;
      }
      if (!in_answer_ && script.compare(at_, 8, "</think>") == 0 && limits.stop_at_think_close) {
        at_ += 8;  // held back: not in the turn
        r.finish = "think_close";
        break;
      }
      // A piece never runs into "</think>" (the model's close is a token of its own).
      const std::size_t close = script.find("</think>", at_);
      std::size_t len = 3;
      if (close == at_) len = 8;
      else if (close != std::string::npos) len = std::min<std::size_t>(3, close - at_);
      const std::string piece = script.substr(at_, len);
      at_ += piece.size();
      r.text += piece;
      turn_ += piece;
      ++r.tokens;
      r.token_ids.push_back(static_cast<std::int32_t>(turn_.size()));
      r.self_certainty_sum = (std::isnan(r.self_certainty_sum) ? 0.0 : r.self_certainty_sum) + 0.5;
      if (observer && !observer(piece, r.tokens)) {
        r.finish = "aborted";
        break;
      }
    }
    return r;
  }
  const std::string& turn_text() const override { return turn_; }
  std::string method() const override { return "scripted"; }

 private:
  std::string thinking_, answer_;
  std::vector<std::string>* appends_;
  std::string turn_;
  bool in_answer_ = false;
  std::size_t at_ = 0;
};

class ScriptedContinuable : public ContinuableClient {
 public:
  std::string thinking, answer = "The answer is \\boxed{15}";
  std::vector<std::string> appends;
  bool refuse = false;
  std::unique_ptr<Continuation> open(const ChatRequest&) override {
    if (refuse) throw std::runtime_error("context full");
    return std::make_unique<ScriptedTurn>(thinking, answer, &appends);
  }
};

ChatRequest question() {
  ChatRequest r;
  r.messages = {{"system", "be brief"}, {"user", "12+3"}};
  r.params.max_tokens = 100;
  return r;
}

TrimRPolicy policy(int thinking_tokens) {
  TrimRPolicy p;
  p.rules.thinking_tokens = thinking_tokens;
  return p;
}

TEST(TrimRTurn, ConvergedInjectsTheConcludePromptAndClose) {
  ScriptedContinuable client;
  client.thinking = "<think>\n12+3=15. So 15.\nWait, 3+12=15 too.\nHmm, again: 15.\nWait, more.\n</think>\n\nIt is 15";
  ExtractVerifier v;
  const auto p = policy(1000);
  const ChatResult r = run_trimr_turn(client, v, p, question());
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(client.appends.size(), 1u);
  EXPECT_EQ(client.appends[0], std::string(kTrimRConcludePrompt) + kTrimRClose);
  const Choice& c = r.choices.at(0);
  EXPECT_EQ(c.text, "The answer is \\boxed{15}");
  EXPECT_NE(c.reasoning.find("Wait, 3+12=15 too."), std::string::npos);
  EXPECT_NE(c.reasoning.find("I keep reaching the same answer"), std::string::npos);  // the injected prompt
  EXPECT_EQ(c.reasoning.find("more"), std::string::npos);
  EXPECT_EQ(c.finish_reason, "stop");
  const auto& b = c.budget;
  EXPECT_EQ(b["policy"], "trimr");
  EXPECT_EQ(b["cut_reason"], "converged");
  EXPECT_EQ(b["verifier"], "extract");
  EXPECT_EQ(b["method"], "scripted");
  EXPECT_EQ(b["injected"], client.appends[0]);
  EXPECT_EQ(b["cut_position"], b["thinking_tokens"]);
  EXPECT_EQ(b["params"]["m"], 2);
  EXPECT_EQ(b["params"]["conclude_prompt"], kTrimRConcludePrompt);
  EXPECT_EQ(b["self_certainty"], 0.5);
  EXPECT_EQ(r.usage.reasoning_tokens, b["thinking_tokens"].get<int>());
  EXPECT_EQ(r.usage.completion_tokens, b["thinking_tokens"].get<int>() + b["answer_tokens"].get<int>());
  EXPECT_EQ(c.token_ids.size(), static_cast<std::size_t>(r.usage.completion_tokens));
}

TEST(TrimRTurn, TheModelsOwnCloseIsAppendedBackAndNothingIsCut) {
  ScriptedContinuable client;
  client.thinking = "<think>\n12+3=15.\n</think>";
  ExtractVerifier v;
  const ChatResult r = run_trimr_turn(client, v, policy(1000), question());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(client.appends, (std::vector<std::string>{"</think>"}));
  EXPECT_EQ(r.choices[0].budget["cut_reason"], "none");
  EXPECT_TRUE(r.choices[0].budget["cut_position"].is_null());
  EXPECT_EQ(r.choices[0].reasoning, "12+3=15.");
  EXPECT_EQ(r.choices[0].text, "The answer is \\boxed{15}");
}

TEST(TrimRTurn, TheCapClosesThinkingAlone) {
  ScriptedContinuable client;
  client.thinking = "<think>\n1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12\n</think>";
  ExtractVerifier v;
  auto p = policy(5);
  p.answer_tokens = 2;
  const ChatResult r = run_trimr_turn(client, v, p, question());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(client.appends, (std::vector<std::string>{kTrimRClose}));
  EXPECT_EQ(r.choices[0].budget["cut_reason"], "cap");
  EXPECT_EQ(r.choices[0].budget["cut_position"], 5);
  EXPECT_EQ(r.choices[0].budget["answer_tokens"], 2);
  EXPECT_EQ(r.choices[0].finish_reason, "length");  // the answer ran into answer_tokens
}

TEST(TrimRTurn, UnderthinkingInjectsTheForcefulPrompt) {
  ScriptedContinuable client;
  client.thinking = "<think>\nx.\nWait, y.\nWait, z.\nWait, w.\nWait, and on and on and on and on.\n</think>";
  ExtractVerifier v({"", false});  // no answers from numbers: nothing converges
  auto p = policy(20);
  p.rules.n_thres = 2;
  p.rules.repetition.enabled = false;
  const ChatResult r = run_trimr_turn(client, v, p, question());
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(client.appends.size(), 1u);
  EXPECT_EQ(client.appends[0].rfind("\n\nI think I already thought for a long time", 0), 0u);
  EXPECT_EQ(r.choices[0].budget["cut_reason"], "underthinking");
  EXPECT_GT(r.choices[0].budget["cut_position"].get<int>(), 10);
}

TEST(TrimRTurn, EndOfTurnWithoutThinkingAppendsNothing) {
  ScriptedContinuable client;
  client.thinking = "The answer is 15";
  ExtractVerifier v;
  const ChatResult r = run_trimr_turn(client, v, policy(1000), question());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(client.appends.empty());
  EXPECT_EQ(r.choices[0].text, "The answer is 15");
  EXPECT_EQ(r.choices[0].budget["answer_tokens"], 0);
}

TEST(TrimRTurn, OpenFailureAndManyChoicesAreRefused) {
  ScriptedContinuable client;
  client.refuse = true;
  ExtractVerifier v;
  ChatResult r = run_trimr_turn(client, v, policy(10), question());
  EXPECT_EQ(r.error, "context full");
  EXPECT_EQ(r.failure, Failure::kRejected);
  client.refuse = false;
  auto q = question();
  q.n = 2;
  r = run_trimr_turn(client, v, policy(10), q);
  EXPECT_EQ(r.failure, Failure::kRejected);
  EXPECT_EQ(problem_text(question()), "12+3");
}

}  // namespace
