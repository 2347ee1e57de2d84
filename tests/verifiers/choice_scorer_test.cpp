// Multiple-choice letter extraction and scoring.
#include "verifiers/choice_scorer.h"

#include <gtest/gtest.h>

#include <string>

namespace gauntlet::verifiers {
namespace {

constexpr std::string_view kLetters = "ABCDEFGHIJ";

std::optional<char> extract(std::string_view text) { return extract_choice(text, kLetters); }

TEST(ExtractChoice, BoxedLetterWinsOverEverything) {
  EXPECT_EQ(extract("The answer is (A). Actually no: \\boxed{C}"), 'C');
  EXPECT_EQ(extract("\\boxed{B} ... the answer is (D)"), 'B');
  EXPECT_EQ(extract("$\\boxed{\\text{D}}$"), 'D');
  EXPECT_EQ(extract("$\\boxed{(E)}$"), 'E');
  EXPECT_EQ(extract("\\boxed{b}"), 'B');
  EXPECT_EQ(extract("so \\boxed{C) 42}"), 'C');
  // The last boxed letter counts; a boxed non-letter is skipped.
  EXPECT_EQ(extract("\\boxed{A} wait, \\boxed{B} then \\boxed{42}"), 'B');
}

TEST(ExtractChoice, AnswerPhrasesLastOccurrenceWins) {
  EXPECT_EQ(extract("Looking at each option... The answer is (B)."), 'B');
  EXPECT_EQ(extract("the answer is C"), 'C');
  EXPECT_EQ(extract("Answer: D"), 'D');
  EXPECT_EQ(extract("ANSWER: a"), 'A');
  EXPECT_EQ(extract("Thus the correct option is E."), 'E');
  EXPECT_EQ(extract("At first the answer is A, but reconsidering, the answer is C."), 'C');
  EXPECT_EQ(extract("**Answer:** **B**"), 'B');
  EXPECT_EQ(extract("The correct answer is: (d)"), 'D');
  EXPECT_EQ(extract("The answer is option C because it is larger."), 'C');
  EXPECT_EQ(extract("Final answer: [B]"), 'B');
  // Distractor letters in the reasoning do not beat the concluding phrase.
  EXPECT_EQ(extract("Let's analyze. (A) is wrong. (B) is wrong. So the answer must be C."), 'C');
  EXPECT_EQ(extract("Option (D) looks tempting, but the answer is clearly B."), 'B');
  EXPECT_EQ(extract("Therefore, the correct answer is (B) 12, not (C) 15."), 'B');
}

TEST(ExtractChoice, PhrasesIgnoreWordsAndOtherLetters) {
  // "a" here is an article, "Bob" a word: no answer from the phrase.
  EXPECT_EQ(extract("The answer is a number larger than ten."), std::nullopt);
  EXPECT_EQ(extract("The answer is Bob"), std::nullopt);
  // Letters outside the allowed set are skipped; the earlier valid one stands.
  EXPECT_EQ(extract("The answer is B. Not the answer: Z."), 'B');
  EXPECT_EQ(extract_choice("Answer: E", "ABCD"), std::nullopt);
  EXPECT_EQ(extract_choice("Answer: D", "ABCD"), 'D');
}

TEST(ExtractChoice, CompletionThatIsOnlyTheLetter) {
  EXPECT_EQ(extract("B"), 'B');
  EXPECT_EQ(extract("  (C)\n"), 'C');
  EXPECT_EQ(extract("d."), 'D');
  EXPECT_EQ(extract("**A**"), 'A');
  EXPECT_EQ(extract("A"), 'A');
}

TEST(ExtractChoice, LastStandaloneParenthesisedLetter) {
  EXPECT_EQ(extract("Option (A) is wrong because of X. Option (C) fits the data."), 'C');
  EXPECT_EQ(extract("I pick (B) Paris"), 'B');
  EXPECT_EQ(extract("f(A) and g(B) are functions"), std::nullopt);  // not standalone
}

TEST(ExtractChoice, NoLetterInsideWordsOrSentences) {
  EXPECT_EQ(extract("A cat sat on the mat."), std::nullopt);
  EXPECT_EQ(extract("I think Brazil is correct."), std::nullopt);
  EXPECT_EQ(extract("I am not sure, it could be several of them."), std::nullopt);
  EXPECT_EQ(extract(""), std::nullopt);
}

TEST(ExtractChoice, LeadingOptionLabel) {
  EXPECT_EQ(extract("B) Paris"), 'B');
  EXPECT_EQ(extract("C. 42 apples"), 'C');
  EXPECT_EQ(extract("D: none of the above"), 'D');
  // Over several lines only an unambiguous "X)" label counts.
  EXPECT_EQ(extract("A. First we note that...\nthen more reasoning"), std::nullopt);
}

TEST(NormalizeChoiceReference, StripsDecorationAndUppercases) {
  EXPECT_EQ(normalize_choice_reference("b"), "B");
  EXPECT_EQ(normalize_choice_reference("(C)"), "C");
  EXPECT_EQ(normalize_choice_reference(" D. "), "D");
  EXPECT_EQ(normalize_choice_reference("[a]"), "A");
}

TEST(ChoiceScorer, ScoresAgainstReferenceInAnyForm) {
  ChoiceScorer scorer({});
  Verdict v = scorer.score("After eliminating (A) and (B), the answer is (C).", "c");
  EXPECT_EQ(v.extracted, std::optional<std::string>("C"));
  EXPECT_TRUE(v.correct);
  EXPECT_DOUBLE_EQ(v.score, 1.0);

  EXPECT_TRUE(scorer.score("Answer: B", "(B)").correct);
  Verdict wrong = scorer.score("Answer: B", "D");
  EXPECT_EQ(wrong.extracted, std::optional<std::string>("B"));
  EXPECT_FALSE(wrong.correct);
  EXPECT_DOUBLE_EQ(wrong.score, 0.0);

  Verdict none = scorer.score("I cannot decide.", "A");
  EXPECT_FALSE(none.extracted.has_value());
  EXPECT_FALSE(none.correct);
}

TEST(ChoiceScorer, LettersOption) {
  ChoiceScorer scorer(ScorerOptions{{"letters", "abcd"}});
  EXPECT_EQ(scorer.letters(), "ABCD");
  EXPECT_FALSE(scorer.score("The answer is (E)", "E").extracted.has_value());
  EXPECT_TRUE(scorer.score("The answer is (D)", "D").correct);
  EXPECT_EQ(ChoiceScorer({}).letters(), "ABCDEFGHIJ");
  EXPECT_THROW(ChoiceScorer(ScorerOptions{{"letters", "AB-"}}), ScorerConfigError);
}

}  // namespace
}  // namespace gauntlet::verifiers
