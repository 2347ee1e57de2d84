// run_trimr_turn on a scripted continuable client: what is appended after each way thinking ends
// (converged, underthinking, cap, the model's own close, the end of the turn), the choice and the
// budget record, and errors.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <stdexcept>

#include "harness/budgets/extract_verifier.h"
#include "harness/budgets/trimr_turn.h"

namespace {

using namespace gauntlet::harness;

// A turn that "generates" 3-byte pieces of a thinking script (which may end in "</think>") and,
// after anything is appended, of an answer script ending the turn.
class ScriptedTurn : public Continuation {
 public:
  ScriptedTurn(std::string thinking, std::string answer, std::vector<std::string>* appends, int* rewinds)
      : thinking_(std::move(thinking)), answer_(std::move(answer)), appends_(appends), rewinds_(rewinds) {}

  SegmentResult segment(const std::string& append, const SegmentLimits& limits,
                        const SegmentObserver& observer) override {
    SegmentResult r;
    pieces_.clear();
    rewindable_ = true;
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
      pieces_.push_back(r.text.size());
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
  // Drops whole pieces past keep_bytes; the script goes on after the kept ones.
  Rewound rewind(std::size_t keep_bytes) override {
    if (!rewindable_) throw std::logic_error("rewind: nothing to rewind");
    rewindable_ = false;
    ++*rewinds_;
    std::size_t kept = 0, kept_bytes = 0;
    while (kept < pieces_.size() && pieces_[kept] <= keep_bytes) kept_bytes = pieces_[kept++];
    Rewound out;
    out.tokens = static_cast<int>(pieces_.size() - kept);
    out.bytes = (pieces_.empty() ? 0 : pieces_.back()) - kept_bytes;
    turn_.resize(turn_.size() - out.bytes);
    return out;
  }
  const std::string& turn_text() const override { return turn_; }
  std::string method() const override { return "scripted"; }

 private:
  std::vector<std::size_t> pieces_;  // the last segment's text size after each piece
  bool rewindable_ = false;
  std::string thinking_, answer_;
  std::vector<std::string>* appends_;
  int* rewinds_;
  std::string turn_;
  bool in_answer_ = false;
  std::size_t at_ = 0;
};

class ScriptedContinuable : public ContinuableClient {
 public:
  std::string thinking, answer = "The answer is \\boxed{15}";
  std::vector<std::string> appends;
  int rewinds = 0;
  bool refuse = false;
  std::unique_ptr<Continuation> open(const ChatRequest&) override {
    if (refuse) throw std::runtime_error("context full");
    return std::make_unique<ScriptedTurn>(thinking, answer, &appends, &rewinds);
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

// The converged cut lands at the end of the thought that completed the run: what was decoded
// after it (the next thought's marker "Hmm" and the pieces up to the decision) leaves the turn and
// is counted as rewound; cut_at: decision keeps it.
TEST(TrimRTurn, AConvergedCutRewindsToTheThoughtBoundary) {
  const std::string thinking = "<think>\n12+3=15. So 15.\nWait, 3+12=15 too.\nHmm, again: 15.\nWait, more.\n</think>";
  const std::string kept = "12+3=15. So 15.\nWait, 3+12=15 too.\n";
  for (TrimRCutAt at : {TrimRCutAt::kBoundary, TrimRCutAt::kDecision}) {
    ScriptedContinuable client;
    client.thinking = thinking;
    ExtractVerifier v;
    auto p = policy(1000);
    p.cut_at = at;
    p.conclude_prompt = "";
    const ChatResult r = run_trimr_turn(client, v, p, question());
    ASSERT_TRUE(r.ok()) << r.error;
    const Choice& c = r.choices.at(0);
    const auto& b = c.budget;
    EXPECT_EQ(b["cut_reason"], "converged");
    EXPECT_EQ(b["params"]["cut_at"], p.cut_at_name());
    EXPECT_EQ(b["cut_at"], p.cut_at_name());
    // 3-byte pieces: the second thought ends at byte 42 ("too.", its "\n" excluded), the end of
    // piece 14; the decision comes at piece 16 ("m, ", where "Hmm" is seen to be a whole word).
    // The boundary cut keeps the 14 pieces.
    if (at == TrimRCutAt::kBoundary) {
      EXPECT_EQ(c.reasoning, kept.substr(0, kept.size() - 1));
      EXPECT_EQ(b["rewound_tokens"], 2);
      EXPECT_EQ(b["cut_position"], 14);
      EXPECT_EQ(client.rewinds, 1);
    } else {
      EXPECT_EQ(c.reasoning.find("Hmm,"), kept.size());
      EXPECT_EQ(b["rewound_tokens"], 0);
      EXPECT_EQ(b["cut_position"], 16);
    }
    EXPECT_EQ(b["cut_position"], b["thinking_tokens"]);
    EXPECT_EQ(r.usage.reasoning_tokens, b["thinking_tokens"].get<int>());
    EXPECT_EQ(c.token_ids.size(), static_cast<std::size_t>(r.usage.completion_tokens));
    EXPECT_EQ(c.text, "The answer is \\boxed{15}");
  }
}

// A boundary inside a piece: the turn keeps the whole pieces before it and the bytes between them
// and the boundary are appended again ahead of the close.
TEST(TrimRTurn, ABoundaryInsideATokenAppendsItsKeptBytesAgain) {
  ScriptedContinuable client;
  // The second thought ends at byte 41 ("to."), inside piece 14 ("to.\n" is split "5 t" "o.\n").
  client.thinking = "<think>\n12+3=15. So 15.\nWait, 3+12=15 to.\nHmm, again: 15.\nWait, more.\n</think>";
  ExtractVerifier v;
  auto p = policy(1000);
  p.conclude_prompt = "";
  const ChatResult r = run_trimr_turn(client, v, p, question());
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(client.appends.size(), 1u);
  EXPECT_EQ(client.appends[0], std::string("o.") + kTrimRClose);
  const Choice& c = r.choices.at(0);
  EXPECT_EQ(c.reasoning, "12+3=15. So 15.\nWait, 3+12=15 to.");
  EXPECT_EQ(c.budget["cut_position"], 13);
  EXPECT_EQ(c.budget["injected"], client.appends[0]);
}

TEST(TrimRTurn, ACancelBeforeTheAnswerSegmentEndsTheRequestCancelled) {
  ScriptedContinuable client;
  client.thinking = "<think>\n12+3=15. So 15.\nWait, 3+12=15 too.\nHmm, again: 15.\n</think>";
  ExtractVerifier v;
  std::atomic<bool> cancelled{true};
  const ChatResult r = run_trimr_turn(client, v, policy(1000), question(), &cancelled);
  EXPECT_EQ(r.failure, Failure::kCancelled) << r.error;
  EXPECT_TRUE(client.appends.empty()) << "no answer segment";
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
