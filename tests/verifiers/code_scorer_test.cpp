// The `code` scorer on the in-tree problem set (examples/data/code_*.jsonl, candidate answers in
// examples/data/code_answers.json): every candidate of every problem, correct, wrong, slow,
// crashing and hostile (early exit, fork bomb, subprocess, file writes, network, memory, peeking at
// other tests), scored in the sandbox with the status of its first failing test; plus the item
// formats, options and details.
#include "verifiers/code_scorer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "sandbox/sandbox.h"
#include "verifiers/scorer.h"

namespace gauntlet::verifiers {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<nlohmann::json> jsonl(const std::string& name) {
  std::vector<nlohmann::json> rows;
  std::stringstream in(slurp(std::string(GAUNTLET_SOURCE_DIR) + "/examples/data/" + name));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

// The first failing test's status each kind of candidate must get ("" = every test passes).
const std::map<std::string, std::string> kExpected = {
    {"correct", ""},           {"wrong", "wrong_answer"},       {"slow", "timeout"},
    {"crash", "error"},        {"exit_early", "no_result"},     {"fork_bomb", "forbidden_syscall"},
    {"subprocess", "forbidden_syscall"}, {"network", "forbidden_syscall"}, {"memory", "memory"},
    {"file_write", "error"},   {"peek_tests", "wrong_answer"},  {"no_code", "no_code"},
};

Verdict score_with(const Scorer& scorer, const std::string& completion, const std::string& reference,
                   const nlohmann::json& item) {
  return scorer.score_item({completion, reference, item});
}

std::string kind_of(const std::string& answer) {
  std::smatch m;
  static const std::regex re("# kind: ([a-z_]+)");
  return std::regex_search(answer, m, re) ? m[1].str() : "no_code";
}

class CodeScorerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sandbox::SandboxOptions options;
    options.lanes = 2;
    box_ = std::make_unique<sandbox::Sandbox>(options);
  }
  static void TearDownTestSuite() { box_.reset(); }
  static std::unique_ptr<sandbox::Sandbox> box_;

  // Every candidate in the book for the problems of `file` (matched by `key`'s text), scored with `options`.
  static void score_all(const std::string& file, const std::string& key, const ScorerOptions& options) {
    CodeScorer scorer(options, *box_);
    auto book = nlohmann::json::parse(slurp(std::string(GAUNTLET_SOURCE_DIR) + "/examples/data/code_answers.json"));
    int scored = 0;
    for (const auto& item : jsonl(file)) {
      ASSERT_EQ(scorer.check_item(item), "");
      const std::string text = item[key].get<std::string>();
      const nlohmann::json* answers = nullptr;
      for (const auto& rule : book)
        if (text.find(rule["contains"][0].get<std::string>()) != std::string::npos) answers = &rule["answers"];
      ASSERT_NE(answers, nullptr) << "no candidates for " << item["id"];
      for (const auto& a : *answers) {
        const std::string answer = a.get<std::string>();
        const std::string kind = kind_of(answer);
        SCOPED_TRACE(item["id"].get<std::string>() + " / " + kind);
        ASSERT_TRUE(kExpected.count(kind)) << kind;
        const std::string want = kExpected.at(kind);
        Verdict v = score_with(scorer, answer, "", item);
        const auto& d = v.details;
        ASSERT_TRUE(d.is_object());
        EXPECT_EQ(d["tests_total"], scorer.problem(item).size());
        EXPECT_EQ(v.correct, want.empty()) << d.dump(1);
        EXPECT_EQ(v.score, want.empty() ? 1.0 : 0.0);
        if (want.empty()) {
          EXPECT_EQ(d["tests_passed"], d["tests_total"]);
          EXPECT_TRUE(d["first_failure"].is_null());
        } else {
          ASSERT_TRUE(d["first_failure"].is_object()) << d.dump(1);
          EXPECT_EQ(d["first_failure"]["status"], want) << d.dump(1);
          EXPECT_LT(d["tests_passed"].get<int>(), d["tests_total"].get<int>());
        }
        if (kind != "no_code") {
          ASSERT_TRUE(v.extracted.has_value());
          EXPECT_NE(v.extracted->find("# kind: " + kind), std::string::npos);
          EXPECT_EQ(d["statuses"].size(), d["tests_total"].get<std::size_t>());
        }
        ++scored;
      }
    }
    EXPECT_GE(scored, 18);
  }
};
std::unique_ptr<sandbox::Sandbox> CodeScorerTest::box_;

TEST_F(CodeScorerTest, HumanEvalStyleProblemsWithPromptPrefixAndCheck) {
  score_all("code_humaneval.jsonl", "prompt", {{"format", "function"}, {"prefix_field", "prompt"}, {"timeout_ms", "300"}});
}

TEST_F(CodeScorerTest, MbppStyleProblemsWithAListOfAsserts) {
  score_all("code_mbpp.jsonl", "text", {{"timeout_ms", "300"}});
}

TEST_F(CodeScorerTest, StdioProblemsComparedWithFloatTolerance) {
  score_all("code_stdio.jsonl", "statement",
            {{"format", "stdio"}, {"compare", "float"}, {"extract", "block"}, {"timeout_ms", "300"}});
}

TEST_F(CodeScorerTest, TheFirstFailureCarriesItsTestStatusAndOutput) {
  CodeScorer scorer({{"format", "stdio"}, {"timeout_ms", "300"}}, *box_);
  nlohmann::json item = {{"tests", {{{"input", "1\n"}, {"output", "1\n"}},
                                    {{"input", "2\n"}, {"output", "4\n"}},
                                    {{"input", "3\n"}, {"output", "9\n"}}}}};
  auto v = score_with(scorer, 
      "```python\nimport sys\nn = int(input())\nsys.stdout.buffer.write(b'\\xff\\n')\nprint(n * n)\n```", "", item);
  EXPECT_FALSE(v.correct);
  const auto& d = v.details;
  EXPECT_EQ(d["tests_passed"], 0);  // a stray byte before every answer
  EXPECT_EQ(d["statuses"], nlohmann::json({"wrong_answer", "wrong_answer", "wrong_answer"}));
  EXPECT_EQ(d["first_failure"]["test"], 0);
  EXPECT_EQ(d["first_failure"]["expected"], "1\n");
  EXPECT_EQ(d["first_failure"]["output"], "\xEF\xBF\xBD\n1\n");  // valid UTF-8 in the details, whatever it printed
  EXPECT_NO_THROW(d.dump());

  auto e = score_with(scorer, "```python\nimport sys\nn = int(input())\nif n == 2:\n    sys.exit('bad ' + str(n))\nprint(n * n)\n```",
                             "", item);
  EXPECT_EQ(e.details["tests_passed"], 2);
  EXPECT_EQ(e.details["statuses"], nlohmann::json({"passed", "error", "passed"}));
  EXPECT_EQ(e.details["first_failure"]["test"], 1);
  EXPECT_EQ(e.details["first_failure"]["status"], "error");
  EXPECT_EQ(e.details["first_failure"]["error_type"], "SystemExit");
  EXPECT_NE(e.details["first_failure"]["stderr"].get<std::string>().find("bad 2"), std::string::npos);
}

TEST_F(CodeScorerTest, AFunctionProgramMustRunToTheEndOfItsTests) {
  CodeScorer scorer({{"timeout_ms", "300"}}, *box_);
  nlohmann::json item = {{"tests", {"assert f(2) == 4", "assert f(3) == 9"}}};
  // Every way out before the asserts have run: never a pass.
  for (const char* leave : {"raise SystemExit", "import sys; sys.exit(0)", "import os; os._exit(0)",
                            "import atexit, os; atexit.register(lambda: os._exit(0)); raise SystemExit(0)"}) {
    SCOPED_TRACE(leave);
    auto v = score_with(scorer, std::string("def f(x):\n    return 0\n") + leave + "\n", "", item);
    EXPECT_FALSE(v.correct);
    EXPECT_EQ(v.details["first_failure"]["status"], "no_result") << v.details.dump();
  }
  // Leaving from inside f, which the tests call.
  auto inside = score_with(scorer, "def f(x):\n    raise SystemExit(0)\n", "", item);
  EXPECT_EQ(inside.details["first_failure"]["status"], "no_result");
  EXPECT_TRUE(score_with(scorer, "def f(x):\n    return x * x\n", "", item).correct);
  // A test file's asserts fail as wrong answers, other exceptions as errors.
  auto wrong = score_with(scorer, "def f(x):\n    return x + x\n", "", item);
  EXPECT_EQ(wrong.details["statuses"], nlohmann::json({"passed", "wrong_answer"}));
  EXPECT_EQ(wrong.details["first_failure"]["error_type"], "AssertionError");
}

TEST_F(CodeScorerTest, TestsRunInSeparateProcessesThatShareNothing) {
  CodeScorer scorer({{"timeout_ms", "300"}}, *box_);
  // A candidate that counts its runs in a file, and one that stores state in builtins.
  nlohmann::json item = {{"tests", {"assert f() == 1", "assert f() == 1", "assert f() == 1"}}};
  auto file = score_with(scorer, 
      "import os\ndef f():\n    n = int(open('count').read()) + 1 if os.path.exists('count') else 1\n"
      "    open('count', 'w').write(str(n))\n    return n\n",
      "", item);
  EXPECT_TRUE(file.correct) << file.details.dump();
  auto state = score_with(scorer, 
      "import builtins\ndef f():\n    builtins.n = getattr(builtins, 'n', 0) + 1\n    return builtins.n\n", "", item);
  EXPECT_TRUE(state.correct) << state.details.dump();
}

TEST_F(CodeScorerTest, NoCodeIsAWrongAnswerWithNothingRun) {
  CodeScorer scorer({{"extract", "block"}}, *box_);
  auto v = score_with(scorer, "I would use a loop.", "", {{"tests", "assert True"}});
  EXPECT_FALSE(v.correct);
  EXPECT_FALSE(v.extracted.has_value());
  EXPECT_EQ(v.details["first_failure"]["status"], "no_code");
  EXPECT_EQ(v.details["tests_total"], 1);
}

TEST(CodeScorerItems, TestFormsAndTheirProblems) {
  CodeScorer stdio(ScorerOptions{{"format", "stdio"}});
  EXPECT_EQ(stdio.check_item({{"tests", {{{"input", "1"}, {"output", "1"}}}}}), "");
  EXPECT_EQ(stdio.check_item({{"tests", {{"inputs", {"1", "2"}}, {"outputs", {"1", "4"}}}}}), "");  // APPS
  EXPECT_EQ(stdio.check_item({{"tests", R"([{"input": "1", "output": "1"}])"}}), "");            // LiveCodeBench
  EXPECT_EQ(stdio.problem({{"tests", {{"inputs", {"1", "2"}}, {"outputs", {"1", "4"}}}}}).io[1].output, "4");
  EXPECT_NE(stdio.check_item({{"tests", nlohmann::json::array()}}).find("no tests"), std::string::npos);
  EXPECT_NE(stdio.check_item({{"answer", 1}}).find("'tests'"), std::string::npos);
  EXPECT_NE(stdio.check_item({{"tests", {{"inputs", {"1"}}, {"outputs", {"1", "4"}}}}}).find("same length"),
            std::string::npos);
  EXPECT_NE(stdio.check_item({{"tests", {{{"input", 1}, {"output", "1"}}}}}).find("must be a string"), std::string::npos);
  EXPECT_NE(stdio.check_item({{"tests", "not json"}}).find("not JSON"), std::string::npos);

  CodeScorer function(ScorerOptions{{"prefix_field", "prompt"}});
  EXPECT_EQ(function.check_item({{"prompt", "def f():\n"}, {"tests", "assert f() is None"}}), "");
  EXPECT_NE(function.check_item({{"tests", "assert 1"}}).find("'prompt'"), std::string::npos);
  EXPECT_NE(function.check_item({{"prompt", ""}, {"tests", {"assert 1", "  "}}}).find("empty"), std::string::npos);
  EXPECT_NE(function.check_item({{"prompt", ""}, {"tests", "def check(c): pass"}, {"entry_point", "f(); import os"}})
                .find("not a Python identifier"),
            std::string::npos);
  // check(<entry point>) only when the tests define check.
  EXPECT_EQ(function.problem({{"prompt", ""}, {"tests", "def check(c):\n    assert c(1)"}, {"entry_point", "f"}}).call,
            "check(f)");
  EXPECT_EQ(function.problem({{"prompt", ""}, {"tests", "assert f(1)"}, {"entry_point", "f"}}).call, "None");
  EXPECT_THROW(score_with(function, "x", "", {{"tests", 3}}), ScorerError);
  EXPECT_THROW(function.score("x", "y"), ScorerError);
}

TEST(CodeScorerOptions, AreCheckedWhenMade) {
  EXPECT_NO_THROW(make_scorer("code", {{"format", "stdio"}, {"compare", "exact"}, {"timeout_ms", "100"}}));
  EXPECT_THROW(make_scorer("code", {{"format", "sql"}}), ScorerConfigError);
  EXPECT_THROW(make_scorer("code", {{"language", "rust"}}), ScorerConfigError);
  EXPECT_THROW(make_scorer("code", {{"timeout_ms", "0"}}), ScorerConfigError);
  EXPECT_THROW(make_scorer("code", {{"memory_mb", "16"}}), ScorerConfigError);
  EXPECT_THROW(make_scorer("code", {{"compare", "float"}}), ScorerConfigError);  // function format has no output
  EXPECT_THROW(make_scorer("code", {{"format", "stdio"}, {"prefix_field", "prompt"}}), ScorerConfigError);
  EXPECT_THROW(make_scorer("code", {{"tests_field", ""}}), ScorerConfigError);
  EXPECT_THROW(make_scorer("code", {{"seed", "1"}}), ScorerConfigError);
}

// Only a scorer that never reads the reference may choose among samples (budgets' parallel `verifier`).
TEST(CodeScorerOptions, JudgesWithoutTheReferenceUnlikeTheMathScorer) {
  EXPECT_TRUE(make_scorer("code", {})->checks_without_reference());
  EXPECT_FALSE(make_scorer("math", {})->checks_without_reference());
  EXPECT_FALSE(make_scorer("exact", {})->checks_without_reference());
}

}  // namespace
}  // namespace gauntlet::verifiers
