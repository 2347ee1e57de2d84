// Factory, option validation and the exact / regex scorers.
#include "verifiers/scorer.h"

#include <gtest/gtest.h>

#include <string>

#include "verifiers/exact_scorer.h"
#include "verifiers/regex_scorer.h"

namespace gauntlet::verifiers {
namespace {

std::string config_error(const std::string& name, const ScorerOptions& options) {
  try {
    make_scorer(name, options);
  } catch (const ScorerConfigError& e) {
    return e.what();
  }
  return "";
}

Verdict run(const std::string& name, const ScorerOptions& options, const std::string& completion,
            const std::string& reference) {
  return make_scorer(name, options)->score(completion, reference);
}

// ---- factory ----

TEST(MakeScorer, BuildsEveryListedScorerWithItsName) {
  for (const auto& [name, keys] : scorer_option_keys()) {
    ScorerOptions options;
    if (name == "regex") options["pattern"] = "(\\d+)";
    auto scorer = make_scorer(name, options);
    ASSERT_NE(scorer, nullptr);
    EXPECT_EQ(scorer->name(), name);
  }
}

TEST(MakeScorer, OptionKeysPerScorer) {
  const auto& keys = scorer_option_keys();
  ASSERT_EQ(keys.size(), 5u);
  EXPECT_EQ(keys.at("exact"), (std::vector<std::string>{"case_sensitive"}));
  EXPECT_EQ(keys.at("choice"), (std::vector<std::string>{"letters"}));
  EXPECT_EQ(keys.at("regex"), (std::vector<std::string>{"pattern", "select"}));
  EXPECT_EQ(keys.at("math"), (std::vector<std::string>{"fallback", "symbolic", "symbolic_timeout_ms", "tolerance"}));
  EXPECT_EQ(keys.at("code"), (std::vector<std::string>{"compare", "entry_point_field", "extract", "format", "language",
                                                       "memory_mb", "prefix_field", "tests_field", "timeout_ms",
                                                       "tolerance"}));
}

TEST(MakeScorer, UnknownNameListsValidScorers) {
  std::string message = config_error("fuzzy", {});
  EXPECT_NE(message.find("fuzzy"), std::string::npos) << message;
  for (const char* valid : {"exact", "choice", "regex", "math", "code"}) {
    EXPECT_NE(message.find(valid), std::string::npos) << message;
  }
}

TEST(MakeScorer, UnknownOptionKeyNamesKeyAndValidKeys) {
  std::string message = config_error("math", {{"tolerence", "1e-3"}});
  EXPECT_NE(message.find("tolerence"), std::string::npos) << message;
  EXPECT_NE(message.find("tolerance"), std::string::npos) << message;
  EXPECT_NE(message.find("fallback"), std::string::npos) << message;

  message = config_error("exact", {{"pattern", "(x)"}});
  EXPECT_NE(message.find("pattern"), std::string::npos) << message;
  EXPECT_NE(message.find("case_sensitive"), std::string::npos) << message;
}

TEST(MakeScorer, MalformedOptionValuesNameOptionAndValue) {
  struct Case {
    std::string scorer;
    ScorerOptions options;
    std::string key;
    std::string value;
  };
  const Case cases[] = {
      {"exact", {{"case_sensitive", "yes"}}, "case_sensitive", "yes"},
      {"math", {{"tolerance", "tiny"}}, "tolerance", "tiny"},
      {"math", {{"tolerance", "-1"}}, "tolerance", "-1"},
      {"math", {{"tolerance", "1e-6x"}}, "tolerance", "1e-6x"},
      {"math", {{"tolerance", ""}}, "tolerance", ""},
      {"math", {{"fallback", "first_number"}}, "fallback", "first_number"},
      {"regex", {{"pattern", "(\\d+)"}, {"select", "middle"}}, "select", "middle"},
      {"choice", {{"letters", "AB1"}}, "letters", "AB1"},
      {"choice", {{"letters", "ABA"}}, "letters", "ABA"},
  };
  for (const auto& c : cases) {
    std::string message = config_error(c.scorer, c.options);
    ASSERT_FALSE(message.empty()) << c.scorer << " accepted " << c.key << "=" << c.value;
    EXPECT_NE(message.find(c.key), std::string::npos) << message;
    EXPECT_NE(message.find("\"" + c.value + "\""), std::string::npos) << message;
  }
  EXPECT_NE(config_error("choice", {{"letters", ""}}).find("letters"), std::string::npos);
}

TEST(MakeScorer, ValidOptionValuesAreAccepted) {
  EXPECT_NO_THROW(make_scorer("exact", {{"case_sensitive", "true"}}));
  EXPECT_NO_THROW(make_scorer("math", {{"tolerance", "0"}, {"fallback", "last_number"}}));
  EXPECT_NO_THROW(make_scorer("math", {{"tolerance", "1e-3"}, {"fallback", "none"}}));
  EXPECT_NO_THROW(make_scorer("choice", {{"letters", "abcd"}}));
  EXPECT_NO_THROW(make_scorer("regex", {{"pattern", "x=(\\d+)"}, {"select", "last"}}));
}

// ---- exact ----

TEST(ExactScorer, NormalisesWhitespaceCaseAndTrailingPeriod) {
  EXPECT_TRUE(run("exact", {}, "  Paris ", "paris").correct);
  EXPECT_TRUE(run("exact", {}, "New   York\n City", "new york city").correct);
  EXPECT_TRUE(run("exact", {}, "Paris.", "Paris").correct);
  EXPECT_TRUE(run("exact", {}, "Paris", "Paris.").correct);
  EXPECT_TRUE(run("exact", {}, "PARIS", "paris").correct);
  EXPECT_FALSE(run("exact", {}, "Paris..", "Paris").correct);  // only one period is stripped
  EXPECT_FALSE(run("exact", {}, "Paris, France", "Paris").correct);
  EXPECT_FALSE(run("exact", {}, "NewYork", "New York").correct);
}

TEST(ExactScorer, ExtractedIsTheNormalisedCompletion) {
  Verdict v = run("exact", {}, "  The  Eiffel\tTower. ", "the eiffel tower");
  ASSERT_TRUE(v.extracted.has_value());
  EXPECT_EQ(*v.extracted, "the eiffel tower");
  EXPECT_TRUE(v.correct);
  EXPECT_DOUBLE_EQ(v.score, 1.0);

  Verdict wrong = run("exact", {}, "Berlin", "Paris");
  EXPECT_EQ(wrong.extracted, std::optional<std::string>("berlin"));
  EXPECT_FALSE(wrong.correct);
  EXPECT_DOUBLE_EQ(wrong.score, 0.0);
}

TEST(ExactScorer, CaseSensitiveOption) {
  EXPECT_FALSE(run("exact", {{"case_sensitive", "true"}}, "paris", "Paris").correct);
  EXPECT_TRUE(run("exact", {{"case_sensitive", "true"}}, " Paris. ", "Paris").correct);
  EXPECT_EQ(*run("exact", {{"case_sensitive", "true"}}, "Paris", "Paris").extracted, "Paris");
  EXPECT_TRUE(run("exact", {{"case_sensitive", "false"}}, "paris", "Paris").correct);
}

TEST(ExactScorer, EmptyCompletionExtractsNothing) {
  Verdict v = run("exact", {}, "  \n ", "");
  EXPECT_FALSE(v.extracted.has_value());
  EXPECT_FALSE(v.correct);
  EXPECT_DOUBLE_EQ(v.score, 0.0);
}

// ---- regex ----

TEST(RegexScorer, RequiresPattern) {
  std::string message = config_error("regex", {});
  EXPECT_NE(message.find("pattern"), std::string::npos) << message;
  EXPECT_NE(message.find("required"), std::string::npos) << message;
}

TEST(RegexScorer, BadPatternNamesPatternAndRe2Error) {
  std::string message = config_error("regex", {{"pattern", "answer: (\\d+"}});
  EXPECT_NE(message.find("answer: (\\d+"), std::string::npos) << message;
  EXPECT_NE(message.find("missing )"), std::string::npos) << message;  // RE2's own wording

  // Perl lookahead is not RE2 syntax.
  message = config_error("regex", {{"pattern", "(?=x)(\\d)"}});
  EXPECT_NE(message.find("(?=x)(\\d)"), std::string::npos) << message;
  EXPECT_NE(message.find("compile"), std::string::npos) << message;
}

TEST(RegexScorer, PatternWithoutCaptureGroupIsRejected) {
  std::string message = config_error("regex", {{"pattern", "answer: \\d+"}});
  EXPECT_NE(message.find("answer: \\d+"), std::string::npos) << message;
  EXPECT_NE(message.find("capture group"), std::string::npos) << message;
  // A non-capturing group does not count.
  EXPECT_FALSE(config_error("regex", {{"pattern", "(?:\\d+)"}}).empty());
}

TEST(RegexScorer, SelectFirstAndLast) {
  const std::string text = "Guess: 12. Revised guess: 15. Final guess: 17";
  Verdict first = run("regex", {{"pattern", R"((?i)guess: (\d+))"}}, text, "12");
  EXPECT_EQ(first.extracted, std::optional<std::string>("12"));
  EXPECT_TRUE(first.correct);

  Verdict last = run("regex", {{"pattern", R"((?i)guess: (\d+))"}, {"select", "last"}}, text, "12");
  EXPECT_EQ(last.extracted, std::optional<std::string>("17"));
  EXPECT_FALSE(last.correct);

  // Patterns are case-sensitive unless they say otherwise: "Guess: 12" does not match.
  Verdict cased = run("regex", {{"pattern", R"(guess: (\d+))"}}, text, "15");
  EXPECT_EQ(cased.extracted, std::optional<std::string>("15"));
  EXPECT_TRUE(cased.correct);
}

TEST(RegexScorer, NoMatchExtractsNothing) {
  Verdict v = run("regex", {{"pattern", R"(ANSWER=(\w+))"}}, "I don't know", "yes");
  EXPECT_FALSE(v.extracted.has_value());
  EXPECT_FALSE(v.correct);
  EXPECT_DOUBLE_EQ(v.score, 0.0);
}

TEST(RegexScorer, ComparesNumericallyWhenBothParse) {
  ScorerOptions options{{"pattern", R"(answer: (\S+))"}};
  EXPECT_TRUE(run("regex", options, "answer: 42.0", "42").correct);
  EXPECT_TRUE(run("regex", options, "answer: 1,234", "1234").correct);
  EXPECT_TRUE(run("regex", options, "answer: 1e3", "1000").correct);
  EXPECT_TRUE(run("regex", options, "answer: -0.50", "-.5").correct);
  EXPECT_FALSE(run("regex", options, "answer: 42.01", "42").correct);
  EXPECT_FALSE(run("regex", options, "answer: 12,34", "1234").correct);  // not a thousands grouping
}

TEST(RegexScorer, ComparesTextUnderExactNormalisation) {
  ScorerOptions options{{"pattern", R"(Answer:\s*(.+))"}};
  EXPECT_TRUE(run("regex", options, "Reasoning...\nAnswer:   New  York.", "new york").correct);
  EXPECT_FALSE(run("regex", options, "Answer: Boston", "new york").correct);
}

TEST(RegexScorer, LastSelectionHandlesEmptyMatches) {
  RegexScorer scorer(ScorerOptions{{"pattern", "(\\d*)"}, {"select", "last"}});
  // The final match is the empty one at the end of the text.
  EXPECT_EQ(scorer.extract("ab 12 cd"), std::optional<std::string>(""));
  RegexScorer digits(ScorerOptions{{"pattern", "(\\d+)"}, {"select", "last"}});
  EXPECT_EQ(digits.extract("1 22 333"), std::optional<std::string>("333"));
}

TEST(RegexScorer, UnparticipatingGroupExtractsNothing) {
  RegexScorer scorer(ScorerOptions{{"pattern", "(yes)|no"}});
  EXPECT_EQ(scorer.extract("no"), std::nullopt);
  EXPECT_EQ(scorer.extract("yes"), std::optional<std::string>("yes"));
}

}  // namespace
}  // namespace gauntlet::verifiers
