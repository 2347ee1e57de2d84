// examples/judged.yaml end to end, offline: the model and three judges are the fake server with the
// example's answer book. Every sample is graded by the majority of three stored judgements (a reply
// without a grade line is asked again); with the judges' server down every sample is an error, never
// a wrong answer, and the next run on the same database grades them without asking the model again.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <utility>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"

namespace {

using gauntlet::testing::FakeOpenAIServer;
using gauntlet::testing::FakeServerOptions;
using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kExamples = std::string(GAUNTLET_SOURCE_DIR) + "/examples";

// The example with the model at `model_url` and the judges at `judge_url` (two quick retries each).
std::string example_suite(const std::string& model_url, const std::string& judge_url) {
  std::string yaml = read_file(kExamples + "/judged.yaml");
  yaml = std::regex_replace(yaml, std::regex("base_url: http://127\\.0\\.0\\.1:18931/v1"), "base_url: " + model_url);
  yaml = std::regex_replace(yaml, std::regex("base_url: \"http://127\\.0\\.0\\.1:18931/v1\", model: grader,"),
                            "base_url: \"" + judge_url + "\", model: grader, max_retries: 2, backoff_initial: 0.01, backoff_max: 0.02,");
  yaml = std::regex_replace(yaml, std::regex("dataset: data/"), "dataset: " + kExamples + "/data/");
  return yaml;
}

std::vector<nlohmann::json> exported(const std::string& db) {
  auto r = run_command(std::string(GAUNTLET_BINARY) + " export --db " + db + " --samples -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> out;
  std::stringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

// Checks every stored sample of a judged run; returns (samples with a re-asked judge, split votes).
std::pair<int, int> check_samples(const std::vector<nlohmann::json>& samples) {
  int reasked = 0, split = 0;
  for (const auto& s : samples) {
    SCOPED_TRACE(s["item_id"].get<std::string>() + " #" + std::to_string(s["sample_index"].get<int>()));
    EXPECT_TRUE(s["error"].is_null()) << s["error"];
    const auto& d = s["details"];
    EXPECT_EQ(d["judges"].size(), 3u) << d.dump();
    if (d["judges"].size() != 3u) continue;
    int votes = 0;
    bool again = false;
    for (const auto& j : d["judges"]) {
      votes += j["grade"]["passed"].get<bool>();
      again = again || !j["trace"]["problems"].empty();
    }
    reasked += again;
    EXPECT_EQ(d["passed_votes"], votes);
    EXPECT_EQ(s["correct"].get<bool>(), votes >= 2) << d.dump();
    EXPECT_EQ(s["answer"], d["grade"]["label"]);
    split += votes == 1 || votes == 2;
    const std::string answer = s["completion"];
    if (answer.find("traps tiny air") != std::string::npos || answer.find("closer to the Sun") != std::string::npos) {
      EXPECT_FALSE(s["correct"].get<bool>());
    }
    if (answer.find("hexagonal lattice") != std::string::npos || answer.find("Rayleigh scattering") != std::string::npos) {
      EXPECT_TRUE(s["correct"].get<bool>());
    }
  }
  return {reasked, split};
}

class JudgedSuite : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeServerOptions options;
    options.book = gauntlet::testing::load_answer_book(kExamples + "/data/judged_answers.json");
    server_ = std::make_unique<FakeOpenAIServer>(options);
    server_->start();
  }
  gauntlet::testing::CommandResult eval(const std::string& db) {
    return run_command(std::string(GAUNTLET_BINARY) + " eval " + dir_.file("judged.yaml") + " --db " + db +
                       " --no-progress");
  }
  std::unique_ptr<FakeOpenAIServer> server_;
  TempDir dir_;
};

TEST_F(JudgedSuite, TheExampleRunsOfflineWithThreeJudgesAggregatedByMajority) {
  dir_.write("judged.yaml", example_suite(server_->base_url(), server_->base_url()));
  auto run = eval(dir_.file("judged.db"));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto samples = exported(dir_.file("judged.db"));
  ASSERT_EQ(samples.size(), 16u);
  auto [reasked, split] = check_samples(samples);
  EXPECT_GT(split, 0) << "the judges never disagreed";
  EXPECT_GT(reasked, 0) << "no reply ever needed asking again";
  auto report = run_command(std::string(GAUNTLET_BINARY) + " report --db " + dir_.file("judged.db") + " --json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto results = nlohmann::json::parse(report.out)["results"];
  ASSERT_EQ(results.size(), 1u);
  int correct = 0;
  for (const auto& s : samples) correct += s["correct"].get<bool>();
  EXPECT_DOUBLE_EQ(results[0]["accuracy"].get<double>(), correct / 16.0) << results[0].dump();
}

TEST_F(JudgedSuite, JudgeFailuresAreErrorsThatTheNextRunGradesWithoutAskingTheModelAgain) {
  FakeServerOptions down_options;
  down_options.fault_rate = 1.0;
  down_options.fault_attempts = 1000;
  down_options.faults = {"500"};
  FakeOpenAIServer down(down_options);
  down.start();
  const std::string db = dir_.file("judged.db");

  // 1. The judges' server is down: every sample is an error, none is scored.
  dir_.write("judged.yaml", example_suite(server_->base_url(), down.base_url()));
  auto first = eval(db);
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
  auto failed = exported(db);
  ASSERT_EQ(failed.size(), 16u);
  for (const auto& s : failed) {
    EXPECT_NE(s["error"].get<std::string>().find("scoring failed"), std::string::npos) << s["error"];
    EXPECT_FALSE(s["correct"].get<bool>());
    EXPECT_FALSE(s["completion"].get<std::string>().empty());
  }
  const auto model_requests = server_->stats()["completed"].get<long long>();
  EXPECT_EQ(model_requests, 16);
  // Every judge request was tried three times (the first attempt and two retries) before the sample
  // was recorded as an error.
  const auto down_stats = down.stats();
  EXPECT_EQ(down_stats["completed"], 0);
  EXPECT_GE(down_stats["requests"].get<long long>(), 3 * 16);
  for (const auto& [key, counts] : down_stats["by_prompt"].items())
    EXPECT_EQ(counts["requests"].get<long long>() % 3, 0) << key;

  // 2. The judges are back: the next run grades every sample; the answers come from the cache.
  dir_.write("judged.yaml", example_suite(server_->base_url(), server_->base_url()));
  auto second = eval(db);
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  auto samples = exported(db);
  ASSERT_EQ(samples.size(), 16u);
  check_samples(samples);
  EXPECT_GT(server_->stats()["completed"].get<long long>(), model_requests);  // the judges were asked
  const auto stats = server_->stats();
  long long model_asked = 0;
  for (const auto& [key, counts] : stats["by_prompt"].items())
    if (key.find("You are grading") == std::string::npos && key.find("Your reply could not") == std::string::npos)
      model_asked += counts["completed"].get<long long>();
  EXPECT_EQ(model_asked, 16);  // not asked again: the model's answers came from the response cache
}

}  // namespace
