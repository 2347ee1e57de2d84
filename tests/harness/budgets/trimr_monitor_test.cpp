// TrimRMonitor on scripted thought streams (a token = a piece of text) with scripted verifiers:
// converged at the boundary that completes the run (sync), at a later token when the verdict comes
// late (async), no trim after a verifier failure, underthinking, repetition, and the record.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "harness/budgets/extract_verifier.h"
#include "harness/budgets/trimr_monitor.h"

namespace {

using namespace gauntlet::harness;

// p1 answers from the thought's text: "ans=X" anywhere gives X; "fail" throws. p2 compares.
class TextVerifier : public ThoughtVerifier {
 public:
  std::function<void(int)> before_p1;  // e.g. wait on a gate
  const char* kind() const override { return "scripted"; }
  AnswerCheck p1(const std::string&, const Thought& t) override {
    if (before_p1) before_p1(t.index);
    if (t.text.find("fail") != std::string::npos) throw VerifierError("scripted failure");
    const auto at = t.text.find("ans=");
    if (at == std::string::npos) return {};
    return {true, t.text.substr(at + 4, t.text.find_first_of(" .\n", at) - at - 4)};
  }
  bool p2(const std::string&, const Thought&, const AnswerCheck& a, const Thought&, const AnswerCheck& b) override {
    return a.answer == b.answer;
  }
};

std::vector<std::string> pieces(const std::string& text) {  // one "token" per 3 bytes
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); i += 3) out.push_back(text.substr(i, 3));
  return out;
}

struct Outcome {
  CutReason reason = CutReason::kNone;
  int at = 0;  // tokens when cut (or all of them)
  std::string seen;
};

Outcome drive(TrimRMonitor& m, const std::string& text) {
  Outcome r;
  int t = 0;
  for (const auto& p : pieces(text)) {
    r.seen += p;
    r.reason = m.on_token(p, ++t);
    if (r.reason != CutReason::kNone) break;
  }
  r.at = t;
  m.finish();
  return r;
}

TrimROptions options() {
  TrimROptions o;
  o.thinking_tokens = 1000;
  o.repetition.enabled = false;
  return o;
}

const std::string kConverging =
    "12+3: ans=15.\nWait, check 3+12: ans=15.\nHmm, and once more ans=15.\nWait again.\n";

TEST(TrimRMonitor, ConvergesAtTheBoundaryThatCompletesTheRun) {
  TextVerifier v;
  TrimRMonitor m(options(), default_reflection_markers(), v, "12+3", false);
  const Outcome r = drive(m, kConverging);
  EXPECT_EQ(r.reason, CutReason::kConverged);
  // Thought 1 closes when "Hmm," is decided: the cut is at that token.
  EXPECT_EQ(r.seen, kConverging.substr(0, r.seen.size()));
  const std::string until_hmm = "12+3: ans=15.\nWait, check 3+12: ans=15.\nHmm,";
  EXPECT_GE(r.seen.size(), until_hmm.size() - 2);
  EXPECT_LE(r.seen.size(), until_hmm.size() + 2);
  EXPECT_EQ(m.cut_position(), r.at);
  const auto rec = m.record();
  EXPECT_EQ(rec["thoughts"], 3);  // two closed, the open one counted at finish
  ASSERT_EQ(rec["verifier_calls"].size(), 3u);  // p1(0), p1(1), p2(1 vs 0)
  EXPECT_EQ(rec["verifier_calls"][2]["question"], "p2");
  EXPECT_EQ(rec["verifier_calls"][2]["verdict"], true);
  EXPECT_EQ(rec["verifier_calls"][2]["applied_at"], r.at);
  EXPECT_EQ(rec["verifier_calls"][2]["dispatched_at"], r.at);
}

TEST(TrimRMonitor, AMismatchResetsAndAFailureNeverTrims) {
  TextVerifier v;
  TrimRMonitor m(options(), default_reflection_markers(), v, "q", false);
  const std::string text =
      "ans=4.\nWait, ans=5.\nWait, fail.\nWait, ans=5.\nHmm, no answer here.\nWait, ans=6.\nWait, ans=6.\nHmm.\n";
  const Outcome r = drive(m, text);
  EXPECT_EQ(r.reason, CutReason::kConverged);
  // 4 | 5 (mismatch) | failure | 5 (fresh run, not joined to the 5 before the failure) | - | 6 | 6: converged.
  EXPECT_NE(r.seen.find("Wait, ans=6.\nWait, ans=6.\n"), std::string::npos);
  const auto calls = m.record()["verifier_calls"];
  bool saw_error = false;
  for (const auto& c : calls) saw_error = saw_error || (c.contains("error") && c["error"] == "scripted failure");
  EXPECT_TRUE(saw_error);
}

TEST(TrimRMonitor, NothingConvergesWithoutAgreement) {
  TextVerifier v;
  TrimRMonitor m(options(), default_reflection_markers(), v, "q", false);
  const Outcome r = drive(m, "ans=1.\nWait, ans=2.\nWait, ans=3.\nWait, ans=1.\n");
  EXPECT_EQ(r.reason, CutReason::kNone);
  EXPECT_EQ(m.cut_position(), -1);
  EXPECT_EQ(m.record()["thoughts"], 4);
}

TEST(TrimRMonitor, ALateVerdictIsAppliedAtTheFirstTokenAfterItArrives) {
  TextVerifier v;
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  v.before_p1 = [open](int index) {
    if (index == 1) open.wait();
  };
  TrimRMonitor m(options(), default_reflection_markers(), v, "q", true);
  int t = 0;
  for (const auto& p : pieces("ans=7.\nWait, ans=7.\nHmm")) ASSERT_EQ(m.on_token(p, ++t), CutReason::kNone);
  // Thought 1's check is held: decoding goes on.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(m.on_token(" x", ++t), CutReason::kNone);
  const int released_at = t;
  gate.set_value();
  CutReason r = CutReason::kNone;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (r == CutReason::kNone && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    r = m.on_token(" x", ++t);
  }
  EXPECT_EQ(r, CutReason::kConverged);
  EXPECT_GT(m.cut_position(), released_at);
  m.finish();
  const auto calls = m.record()["verifier_calls"];
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_LT(calls[2]["dispatched_at"].get<int>(), released_at);
  EXPECT_EQ(calls[2]["applied_at"], m.cut_position());
}

TEST(TrimRMonitor, ChecksStillOutstandingWhenThinkingEndsAreNotApplied) {
  TextVerifier v;
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  v.before_p1 = [open](int index) {
    if (index == 0) open.wait();
  };
  TrimRMonitor m(options(), default_reflection_markers(), v, "q", true);
  int t = 0;
  for (const auto& p : pieces("ans=7.\nWait, ans=7.\nHmm, ans=7.\nWait, x")) ASSERT_EQ(m.on_token(p, ++t), CutReason::kNone);
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gate.set_value();
  });
  m.finish();  // waits for the running check (thought 0), drops the queued ones
  release.join();
  EXPECT_EQ(m.decision(), CutReason::kNone);
  const auto calls = m.record()["verifier_calls"];
  ASSERT_EQ(calls.size(), 3u);  // p1(0) run late, p1(1) and p1(2) never run
  for (const auto& c : calls) EXPECT_TRUE(c["applied_at"].is_null());
  EXPECT_EQ(calls[1]["error"], "not run: thinking ended first");
}

TEST(TrimRMonitor, UnderthinkingAfterManyThoughtsAndHalfTheBudget) {
  TextVerifier v;
  TrimROptions o = options();
  o.thinking_tokens = 60;  // > 30 tokens and > 3 thoughts
  o.n_thres = 3;
  TrimRMonitor m(o, default_reflection_markers(), v, "q", false);
  const Outcome r = drive(m, "a.\nWait, b.\nWait, c.\nWait, d.\nWait, e.\nWait, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v.\n");
  EXPECT_EQ(r.reason, CutReason::kUnderthinking);
  EXPECT_EQ(r.at, 31);
}

TEST(TrimRMonitor, ALoopIsCut) {
  TextVerifier v;
  TrimROptions o = options();
  o.repetition = {true, 10, 4, 8};
  TrimRMonitor m(o, default_reflection_markers(), v, "q", false);
  const Outcome r = drive(m, "start 1+1=2 1+1=2 1+1=2 1+1=2 1+1=2 1+1=2 1+1=2 1+1=2 end");
  EXPECT_EQ(r.reason, CutReason::kRepetition);
  EXPECT_EQ(m.record()["repetition_period"], 2);  // "1+1=2 " is two 3-byte pieces
}

TEST(TrimRMonitor, ExtractVerifierOnATrace) {
  ExtractVerifier v;
  TrimRMonitor m(options(), default_reflection_markers(), v, "38+47", false);
  const Outcome r = drive(m, "8+7=15, carry 1. 3+4+1=8. So 85.\n\nWait, let me check: 47+38 = 85.\n\nHmm, so it is 85.\n");
  EXPECT_EQ(r.reason, CutReason::kConverged);
  const auto calls = m.record()["verifier_calls"];
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0]["answer"], "85");
  EXPECT_EQ(calls[1]["answer"], "85");
}

}  // namespace
