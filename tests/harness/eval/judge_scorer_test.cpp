// `scorer: judge` in suites: the judge prompt filled from the row, grades parsed with the task's
// pattern, unreadable grades asked again, judges that fail after their attempts making the sample
// an error (never a wrong answer) that the next run asks afresh (replay), several judges aggregated
// (majority and mean), details stored, config errors named; judge models are scripted clients.
#include "harness/eval/judge_scorer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "harness/errors/errors.h"
#include "harness/eval/suite_config.h"
#include "harness/eval/suite_runner.h"
#include "harness/judges/model_judge.h"
#include "harness/store/store.h"
#include "tests/support/command.h"
#include "tests/support/scripted_client.h"

namespace gauntlet::harness {
namespace {

using testing::ScriptedClient;
using testing::TempDir;

TaskConfig judged_task(const std::string& grade_json = R"j({"pattern": "GRADE:\\s*([CI])", "choices": {"C": 1, "I": 0}})j",
                       const std::string& aggregate = "majority") {
  TaskConfig t;
  t.name = "qa";
  t.prompt = "Q: {question}";
  t.scorer = "judge";
  JudgeScoring j;
  j.judges = {"a"};
  j.prompt = "Question: {question}\nReference: {reference}\nAnswer: {answer}\nTopic: {item.topic}\nEnd with GRADE: C or I.";
  j.system = "You grade {topic} answers.";
  j.grade = nlohmann::json::parse(grade_json);
  j.aggregate = aggregate;
  t.judge = j;
  return t;
}

const nlohmann::json kItem = {{"id", "1"}, {"question", "Capital of France?"}, {"answer", "Paris"}, {"topic", "geography"}};

verifiers::Verdict grade(const JudgeScorer& scorer, const std::string& answer, int replay = 0) {
  const std::string reference = "Paris";
  return scorer.score_item({answer, reference, kItem, replay});
}

TEST(JudgeScorer, FillsThePromptAndReadsTheGrade) {
  ScriptedClient client(std::vector<std::string>{"The answer names Paris.\nGRADE: C"});
  ModelJudge judge("a", client, {});
  JudgeScorer scorer(judged_task(), {&judge});
  auto v = grade(scorer, "It is Paris.");
  EXPECT_TRUE(v.correct);
  EXPECT_EQ(v.score, 1.0);
  EXPECT_EQ(v.extracted, "C");
  auto sent = client.log()->snapshot();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].messages.size(), 2u);
  EXPECT_EQ(sent[0].messages[0].content, "You grade geography answers.");
  EXPECT_EQ(sent[0].messages[1].content,
            "Question: Q: Capital of France?\nReference: Paris\nAnswer: It is Paris.\nTopic: geography\nEnd with GRADE: C or I.");
  EXPECT_EQ(v.details["grade"]["label"], "C");
  ASSERT_EQ(v.details["judges"].size(), 1u);
  EXPECT_EQ(v.details["judges"][0]["judge"], "a");
  EXPECT_EQ(v.details["judges"][0]["reply"], "The answer names Paris.\nGRADE: C");
  EXPECT_FALSE(v.details["judges"][0]["trace"].contains("messages"));  // the prompt is not stored again
  EXPECT_EQ(sent[0].sample_index, 0);
}

TEST(JudgeScorer, AnUnreadableGradeIsAskedAgainWithTheProblem) {
  ScriptedClient client(std::vector<std::string>{"Looks right to me.", "GRADE: X", "GRADE: I"});
  ModelJudge judge("a", client, {});
  JudgeScorer scorer(judged_task(), {&judge});
  auto v = grade(scorer, "Lyon");
  EXPECT_FALSE(v.correct);
  EXPECT_EQ(v.score, 0.0);
  auto sent = client.log()->snapshot();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_NE(sent[1].messages.back().content.find("could not be read"), std::string::npos);
  EXPECT_EQ(v.details["judges"][0]["trace"]["replies"].size(), 3u);
  EXPECT_EQ(v.details["judges"][0]["trace"]["problems"].size(), 2u);
}

TEST(JudgeScorer, AJudgeThatFailsMakesTheSampleAnErrorNeverAWrongAnswer) {
  ScriptedClient unreadable(std::vector<std::string>{"no grade here"});
  ModelJudgeOptions two;
  two.attempts = 2;
  ModelJudge judge("a", unreadable, two);
  JudgeScorer scorer(judged_task(), {&judge});
  EXPECT_THROW(grade(scorer, "Paris"), verifiers::ScorerError);
  ScriptedClient failing([](const ChatRequest&, std::size_t) { return testing::error_result("HTTP 503 after 3 retries"); });
  ModelJudge down("a", failing, {});
  JudgeScorer scorer2(judged_task(), {&down});
  try {
    grade(scorer2, "Paris");
    ADD_FAILURE() << "no error";
  } catch (const verifiers::ScorerError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 503"), std::string::npos) << e.what();
  }
}

TEST(JudgeScorer, AReplayAsksAfresh) {
  ScriptedClient client(std::vector<std::string>{"GRADE: C"});
  ModelJudgeOptions options;
  options.params.seed = 10;
  ModelJudge judge("a", client, options);
  JudgeScorer scorer(judged_task(), {&judge});
  grade(scorer, "Paris", 2);
  auto sent = client.log()->snapshot();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].sample_index, 2);
  EXPECT_EQ(sent[0].params.seed, 12);
}

TEST(JudgeScorer, SeveralJudgesAreAggregated) {
  ScriptedClient yes(std::vector<std::string>{"GRADE: C"}), no(std::vector<std::string>{"GRADE: I"});
  ModelJudge a("a", yes, {}), b("b", yes, {}), c("c", no, {});
  JudgeScorer majority(judged_task(), {&a, &b, &c});
  auto v = grade(majority, "Paris");
  EXPECT_TRUE(v.correct);
  EXPECT_EQ(v.details["passed_votes"], 2);
  EXPECT_EQ(v.details["judges"].size(), 3u);
  JudgeScorer tie(judged_task(), {&a, &c});
  EXPECT_FALSE(grade(tie, "Paris").correct);  // a tie goes to the lower grade

  ScriptedClient six(std::vector<std::string>{"SCORE: 6"}), nine(std::vector<std::string>{"SCORE: 9"});
  ModelJudge s6("a", six, {}), s9("b", nine, {});
  JudgeScorer mean(judged_task(R"j({"pattern": "SCORE:\\s*(\\d+)", "range": [1, 10], "pass": 7})j", "mean"), {&s6, &s9});
  auto m = grade(mean, "Paris");
  EXPECT_TRUE(m.correct);  // 7.5 >= 7
  EXPECT_NEAR(m.score, (7.5 - 1) / 9, 1e-12);
  EXPECT_EQ(m.extracted, "7.5");
  JudgeScorer alone(judged_task(R"j({"pattern": "SCORE:\\s*(\\d+)", "range": [1, 10], "pass": 7})j", "mean"), {&s6});
  EXPECT_FALSE(grade(alone, "Paris").correct);
}

TEST(JudgeScorer, RowsMustHoldThePromptsFields) {
  JudgeScorer scorer(judged_task(), {});
  EXPECT_EQ(scorer.check_item(kItem), "");
  nlohmann::json no_topic = kItem;
  no_topic.erase("topic");
  EXPECT_NE(scorer.check_item(no_topic).find("'item.topic'"), std::string::npos) << scorer.check_item(no_topic);
  nlohmann::json no_question = kItem;
  no_question.erase("question");
  EXPECT_NE(scorer.check_item(no_question).find("question"), std::string::npos);
  EXPECT_THROW(scorer.score("a", "b"), verifiers::ScorerError);
}

// ---- a suite through run_suite, with scripted model and judge clients --------------------------

class JudgedSuite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("qa.jsonl",
               "{\"id\": \"fr\", \"q\": \"Capital of France?\", \"answer\": \"Paris\"}\n"
               "{\"id\": \"de\", \"q\": \"Capital of Germany?\", \"answer\": \"Berlin\"}\n"
               "{\"id\": \"it\", \"q\": \"Capital of Italy?\", \"answer\": \"Rome\"}\n");
  }
  void write_suite(const std::string& judges, const std::string& names, const std::string& aggregate = "majority") {
    dir_.write("suite.yaml",
               "name: judged\nmodels:\n  - name: m\n    provider: toy\njudges:\n" + judges +
                   "tasks:\n  - name: qa\n    dataset: qa.jsonl\n    id_field: id\n    prompt: \"{q}\"\n"
                   "    scorer: judge\n    samples: 2\n    judge:\n      judges: [" + names + "]\n"
                   "      prompt: \"Reference: {reference}\\nAnswer: {answer}\\nGRADE: C or I\"\n"
                   "      grade: {pattern: 'GRADE: ([CI])', choices: {C: 1, I: 0}}\n"
                   "      aggregate: " + aggregate + "\n");
  }
  // The model answers "Paris" to everything; judges answer as `grade` says for each request.
  RunOptions options(std::function<std::string(const ChatRequest&)> grade, std::shared_ptr<std::atomic<int>> judge_calls) {
    RunOptions o;
    o.make_client = [grade, judge_calls](const ModelSpec& spec) -> std::unique_ptr<ModelClient> {
      if (spec.name == "m") return std::make_unique<ScriptedClient>(std::vector<std::string>{"Paris"});
      return std::make_unique<ScriptedClient>([grade, judge_calls, name = spec.name](const ChatRequest& r, std::size_t) {
        ++*judge_calls;
        std::string g = grade(r);
        return g.empty() ? testing::error_result("HTTP 500: judge " + name + " is down") : testing::text_result(g);
      });
    };
    return o;
  }
  TempDir dir_;
};

const std::string kTwoJudges = "  - name: j1\n    model: {base_url: 'http://127.0.0.1:9/v1'}\n"
                               "  - name: j2\n    model: {base_url: 'http://127.0.0.1:9/v1', params: {seed: 5}}\n";

TEST_F(JudgedSuite, GradesAreStoredAndFailedJudgementsAreRetriedAfreshByTheNextRun) {
  write_suite(kTwoJudges, "j1, j2");
  auto suite = load_suite(dir_.file("suite.yaml"));
  Store store(dir_.file("run.db"));
  auto calls = std::make_shared<std::atomic<int>>(0);
  // First run: j2 is down for Berlin's samples; everything else is judged by the reference.
  auto verdict = [](const ChatRequest& r) {
    const std::string& text = r.messages.back().content;
    return std::string(text.find("Reference: Paris") != std::string::npos ? "GRADE: C" : "GRADE: I");
  };
  auto first = run_suite(suite, store, options([&](const ChatRequest& r) -> std::string {
    const bool berlin = r.messages.back().content.find("Berlin") != std::string::npos;
    if (berlin && r.params.seed && *r.params.seed == 5) return "";
    return verdict(r);
  }, calls));
  EXPECT_EQ(first.planned, 6);
  EXPECT_EQ(first.completed, 4);
  EXPECT_EQ(first.failed, 2);
  std::map<std::string, SampleRecord> by_item;
  for (const auto& s : store.samples()) by_item[s.key.item_id + "#" + std::to_string(s.key.sample_index)] = s;
  EXPECT_TRUE(by_item["fr#0"].correct);
  EXPECT_FALSE(by_item["it#1"].correct);
  EXPECT_EQ(by_item["it#1"].error, "");
  auto details = nlohmann::json::parse(by_item["fr#0"].details_json);
  EXPECT_EQ(details["judges"].size(), 2u);
  EXPECT_EQ(details["grade"]["label"], "C");
  EXPECT_NE(by_item["de#0"].error.find("scoring failed"), std::string::npos) << by_item["de#0"].error;
  EXPECT_NE(by_item["de#0"].error.find("j2"), std::string::npos) << by_item["de#0"].error;
  EXPECT_EQ(nlohmann::json::parse(by_item["de#0"].details_json)["scoring_failures"], 1);

  // Second run: both judges up. Only Berlin's two samples are redone; the judges are asked with
  // replay 1 (a fresh request, not the cached one).
  calls->store(0);
  std::vector<int> sample_indexes;
  std::mutex mutex;
  auto second = run_suite(suite, store, options([&](const ChatRequest& r) {
    std::lock_guard lock(mutex);
    sample_indexes.push_back(r.sample_index);
    return verdict(r);
  }, calls));
  EXPECT_EQ(second.already_done, 4);
  EXPECT_EQ(second.completed, 2);
  EXPECT_EQ(second.failed, 0);
  // 2 samples x 2 judges, fewer when the second sample's identical judgement was cached by then.
  EXPECT_GE(calls->load(), 2);
  EXPECT_LE(calls->load(), 4);
  for (int index : sample_indexes) EXPECT_EQ(index, 1);
  for (const auto& s : store.samples()) EXPECT_EQ(s.error, "") << s.key.item_id;
}

TEST_F(JudgedSuite, JudgeCallsAreCachedLikeAnyRequest) {
  write_suite(kTwoJudges, "j1, j2");
  dir_.write("suite.yaml", "cache: shared-cache.db\n" + testing::read_file(dir_.file("suite.yaml")));
  auto suite = load_suite(dir_.file("suite.yaml"));
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto always = [](const ChatRequest&) { return std::string("GRADE: C"); };
  {
    Store store(dir_.file("one.db"));
    EXPECT_EQ(run_suite(suite, store, options(always, calls)).completed, 6);
  }
  // Identical answers of an item may share a judgement already; at most one per sample and judge.
  EXPECT_GE(calls->load(), 6);
  EXPECT_LE(calls->load(), 12);
  // A fresh run database with the same cache: every judgement comes from the cache.
  calls->store(0);
  Store store(dir_.file("two.db"));
  auto again = run_suite(suite, store, options(always, calls));
  EXPECT_EQ(again.completed, 6);
  EXPECT_EQ(calls->load(), 0);
  for (const auto& s : store.samples()) EXPECT_TRUE(s.correct);
}

TEST_F(JudgedSuite, ConfigErrorsNameTheKey) {
  auto fails_with = [&](const std::string& yaml, const std::string& what) {
    dir_.write("bad.yaml", yaml);
    try {
      load_suite(dir_.file("bad.yaml"));
      ADD_FAILURE() << "no error for: " << what;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  const std::string head = "name: x\nmodels:\n  - name: m\n    provider: toy\n";
  const std::string task = "tasks:\n  - name: t\n    dataset: qa.jsonl\n    prompt: \"{q}\"\n    scorer: judge\n";
  fails_with(head + task, "judge: mapping");
  fails_with(head + task + "    judge: {judges: [nobody], prompt: p, grade: {pattern: 'G: (C)', choices: {C: 1}}}\n",
             "no judge named 'nobody'");
  fails_with(head + "judges:\n  - name: j\n    bot: heuristic\n" + task +
                 "    judge: {judges: [j], prompt: p, grade: {pattern: 'G: (C)', choices: {C: 1}}}\n",
             "cannot grade");
  fails_with(head + "judges:\n  - name: j\n    model: {provider: toy}\n" + task +
                 "    judge: {judges: [j], prompt: p, grade: {pattern: 'G: C', choices: {C: 1}}}\n",
             "capturing group");
  fails_with(head + "judges:\n  - name: j\n    model: {provider: toy}\n" + task +
                 "    judge: {judges: [j], prompt: p, grade: {pattern: 'G: (C)', choices: {C: 1}}, aggregate: median}\n",
             "median");
  fails_with(head + "judges:\n  - name: m\n    model: {provider: toy}\n" + task, "'m' is already a player's, a model's");
  fails_with(head + "tasks:\n  - name: t\n    dataset: qa.jsonl\n    prompt: \"{q}\"\n"
                    "    judge: {judges: [j], prompt: p, grade: {pattern: 'G: (C)'}}\n",
             "scorer: judge only");
}

}  // namespace
}  // namespace gauntlet::harness
