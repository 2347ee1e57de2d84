// The two TrimR verifiers: extract (a pattern or the math extraction, equivalence by the math
// verifier) and model (a ScriptedClient answering our yes/no prompts on the last sentences), and
// ThoughtChecker's pairing of answer-bearing thoughts and its handling of failures.
#include <gtest/gtest.h>

#include "harness/budgets/extract_verifier.h"
#include "harness/budgets/model_verifier.h"
#include "harness/budgets/thought_checker.h"
#include "tests/support/scripted_client.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::ScriptedClient;
using gauntlet::testing::text_result;

Thought thought(int index, std::string text) {
  Thought t;
  t.index = index;
  t.text = std::move(text);
  return t;
}

TEST(ExtractVerifier, DefaultExtractionAndMathEquivalence) {
  ExtractVerifier v;
  auto a = v.p1("q", thought(0, "so 1/2 + 1/2 = 1, and the answer is \\boxed{\\frac{1}{2}}. hmm 7"));
  EXPECT_TRUE(a.has_answer);
  EXPECT_EQ(a.answer, "\\frac{1}{2}");
  auto b = v.p1("q", thought(1, "Wait, check: 0.5 is right. The answer is 0.5"));
  EXPECT_EQ(b.answer, "0.5");
  EXPECT_TRUE(v.p2("q", thought(0, ""), a, thought(1, ""), b));
  auto c = v.p1("q", thought(2, "Hmm, carry 3 then 52"));  // the last number, by default
  EXPECT_EQ(c.answer, "52");
  EXPECT_FALSE(v.p2("q", thought(1, ""), b, thought(2, ""), c));
  EXPECT_FALSE(v.p1("q", thought(3, "no numbers here")).has_answer);

  ExtractVerifier strict({"", false});
  EXPECT_FALSE(strict.p1("q", thought(2, "Hmm, carry 3 then 52")).has_answer);
}

TEST(ExtractVerifier, PatternTakesTheLastMatchAndItsGroup) {
  ExtractVerifier v({"r([0-9]+) c0"});
  auto a = v.p1("q", thought(0, "4+0+1=5 r5200 c0\n9+9=18 r81 c1\n1+0=1 r181 c0\nmore"));
  EXPECT_EQ(a.answer, "181");
  ExtractVerifier whole({"[0-9]+!"});
  EXPECT_EQ(whole.p1("q", thought(0, "12! and 34! and 5")).answer, "34!");
  EXPECT_FALSE(whole.p1("q", thought(0, "none")).has_answer);
  // Identical candidates are equivalent even when they are not math ("yes", "B", "+").
  EXPECT_TRUE(whole.p2("q", thought(0, ""), {true, "+"}, thought(1, ""), {true, "+"}));
  EXPECT_FALSE(whole.p2("q", thought(0, ""), {true, "+"}, thought(1, ""), {true, "-"}));
  EXPECT_THROW(ExtractVerifier({"(a)(b)"}), std::invalid_argument);
  EXPECT_THROW(ExtractVerifier({"(unclosed"}), std::invalid_argument);
}

TEST(ModelVerifier, ParsesYesNo) {
  EXPECT_EQ(parse_yes_no("Yes"), true);
  EXPECT_EQ(parse_yes_no("  **no**, because"), false);
  EXPECT_EQ(parse_yes_no("\"YES.\""), true);
  EXPECT_EQ(parse_yes_no("Nope"), std::nullopt);
  EXPECT_EQ(parse_yes_no("1. yes"), std::nullopt);
  EXPECT_EQ(parse_yes_no(""), std::nullopt);
}

TEST(ModelVerifier, LastSentencesAndPromptFilling) {
  EXPECT_EQ(last_sentences("One. Two! Three?\nfour\n\n five 5.5 six.", 2), "four\n\n five 5.5 six.");
  EXPECT_EQ(last_sentences("One. Two.", 5), "One. Two.");
  EXPECT_EQ(last_sentences(" One. Two. ", 0), "One. Two.");
  EXPECT_EQ(fill_prompt("{a}+{b}={a}{c}", {{"a", "{b}"}, {"b", "2"}}), "{b}+2={b}{c}");
}

TEST(ModelVerifier, AsksOurPromptsOnTheLastSentencesAndFailsOnOddReplies) {
  ScriptedClient client(std::vector<std::string>{"yes", "No.", "maybe"});
  ModelVerifierOptions o;
  o.last_sentences = 1;
  ModelVerifier v(client, o);
  EXPECT_TRUE(v.p1("12+3", thought(0, "First 2+3=5. So 15.")).has_answer);
  EXPECT_FALSE(v.p2("12+3", thought(0, "So 15."), {true, ""}, thought(1, "It is 16."), {true, ""}));
  EXPECT_THROW(v.p1("12+3", thought(2, "x")), VerifierError);
  const auto requests = client.log()->snapshot();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].messages[0].content, fill_prompt(kDefaultP1Prompt, {{"problem", "12+3"}, {"thought", "So 15."}}));
  EXPECT_EQ(requests[1].messages[0].content,
            fill_prompt(kDefaultP2Prompt, {{"problem", "12+3"}, {"a", "So 15."}, {"b", "It is 16."}}));
  EXPECT_EQ(requests[0].params.temperature, 0.0);
  EXPECT_EQ(requests[0].params.max_tokens, 16);

  ScriptedClient broken([](const ChatRequest&, std::size_t) { return gauntlet::testing::error_result("503"); });
  ModelVerifier failing(broken);
  EXPECT_THROW(failing.p1("q", thought(0, "x")), VerifierError);
}

// A verifier scripted by thought index: p1 answers from `answers` ("" = no answer, "!" = throws),
// p2 compares the answers.
class ScriptedVerifier : public ThoughtVerifier {
 public:
  explicit ScriptedVerifier(std::vector<std::string> answers) : answers_(std::move(answers)) {}
  const char* kind() const override { return "scripted"; }
  AnswerCheck p1(const std::string&, const Thought& t) override {
    const std::string& a = answers_.at(static_cast<std::size_t>(t.index));
    if (a == "!") throw VerifierError("scripted failure");
    return {!a.empty(), a};
  }
  bool p2(const std::string&, const Thought&, const AnswerCheck& a, const Thought&, const AnswerCheck& b) override {
    return a.answer == b.answer;
  }

 private:
  std::vector<std::string> answers_;
};

TEST(ThoughtChecker, PairsEachAnswerWithThePreviousAnswerBearingThought) {
  ScriptedVerifier v({"5", "", "5", "6", "!", "6"});
  ThoughtChecker checker(v, "q");
  std::vector<VerifierCall> calls;
  std::vector<ThoughtVerdict> got;
  for (int i = 0; i < 6; ++i) got.push_back(checker.check(thought(i, "t"), calls));
  EXPECT_EQ(got[0].has_answer, true);
  EXPECT_EQ(got[0].equivalent, std::nullopt);
  EXPECT_EQ(got[1].has_answer, false);
  EXPECT_EQ(got[2].equivalent, true);
  EXPECT_EQ(got[3].equivalent, false);
  EXPECT_FALSE(got[4].error.empty());
  EXPECT_EQ(got[5].equivalent, std::nullopt);  // after a failure: no previous answer
  // p1 for each thought, p2 for thoughts 2 (against 0) and 3 (against 2).
  ASSERT_EQ(calls.size(), 8u);
  EXPECT_EQ(calls[3].question, "p2");
  EXPECT_EQ(calls[3].thought, 2);
  EXPECT_EQ(calls[3].against, 0);
  EXPECT_EQ(calls[5].against, 2);
  EXPECT_EQ(calls[6].error, "scripted failure");
  EXPECT_EQ(calls[6].verdict, std::nullopt);
  EXPECT_GE(calls[0].latency_s, 0.0);
}

}  // namespace
