#include "harness/eval/suite_config.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "harness/errors/errors.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;

class SuiteConfigTest : public ::testing::Test {
 protected:
  SuiteConfigTest() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("gauntlet_suite_config_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter++) + "_" + std::to_string(rd()));
    fs::create_directories(dir_);
    write("data.jsonl", "{\"question\": \"1 + 1\", \"answer\": \"2\", \"id\": \"a\"}\n");
  }
  ~SuiteConfigTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path write(const std::string& name, const std::string& text) {
    auto p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << text;
    return p;
  }

  // Loads `yaml` as suite.yaml and returns the ConfigError message (failing the test if none).
  std::string error_of(const std::string& yaml) {
    auto p = write("suite.yaml", yaml);
    try {
      load_suite(p);
    } catch (const ConfigError& e) {
      return e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "expected ConfigError, got another exception: " << e.what();
      return "";
    }
    ADD_FAILURE() << "expected ConfigError for:\n" << yaml;
    return "";
  }

  // "<dir>/suite.yaml:<line>: <key>"
  std::string where(int line, const std::string& key) const {
    return (dir_ / "suite.yaml").string() + ":" + std::to_string(line) + ": " + key + ":";
  }

  fs::path dir_;
};

// A minimal valid suite; error tests replace one part of it.
const char* const kToyModel =
    "models:\n"                        // 1
    "  - name: toy\n"                  // 2
    "    provider: toy\n";             // 3
const char* const kBasicTask =
    "tasks:\n"                         // 4
    "  - name: add\n"                  // 5
    "    dataset: data.jsonl\n"        // 6
    "    prompt: \"Q: {question}\"\n";  // 7

#define EXPECT_CONTAINS(haystack, needle)                                   \
  do {                                                                      \
    const std::string h_ = (haystack);                                      \
    const std::string n_ = (needle);                                        \
    EXPECT_NE(h_.find(n_), std::string::npos) << "'" << n_ << "' not in: " << h_; \
  } while (0)

TEST_F(SuiteConfigTest, FullSuiteParsesEveryKey) {
  write("other/prompts.jsonl", "{\"q\": \"2 * 3\", \"gold\": 6, \"uid\": 7}\n");
  auto p = write("suite.yaml",
                 "name: my-suite\n"
                 "cache: false\n"
                 "progress_interval: 2.5\n"
                 "models:\n"
                 "  - name: big\n"
                 "    provider: openai\n"
                 "    base_url: http://127.0.0.1:8000/v1/\n"
                 "    model: org/big-model\n"
                 "    api_key_env: MY_KEY\n"
                 "    endpoint: completions\n"
                 "    stream: true\n"
                 "    max_tokens_param: max_completion_tokens\n"
                 "    concurrency: 32\n"
                 "    min_concurrency: 4\n"
                 "    timeout: 12.5\n"
                 "    max_retries: 3\n"
                 "    backoff_initial: 0.5\n"
                 "    backoff_max: 8\n"
                 "    endpoint_cooldown: 7\n"
                 "    chat_template_kwargs: {enable_thinking: false, depth: 3}\n"
                 "    extra_body:\n"
                 "      repetition_penalty: 1.05\n"
                 "      tag: \"123\"\n"
                 "      nested: {a: [1, two]}\n"
                 "    params:\n"
                 "      temperature: 0.6\n"
                 "      top_p: 0.95\n"
                 "      top_k: 20\n"
                 "      min_p: 0.05\n"
                 "      presence_penalty: 0.1\n"
                 "      frequency_penalty: 0.2\n"
                 "      seed: 1234\n"
                 "      max_tokens: 4096\n"
                 "      stop: [\"</s>\", \"END\"]\n"
                 "      logprobs: true\n"
                 "      top_logprobs: 5\n"
                 "  - name: pool\n"
                 "    base_urls: [\"http://a:1/v1\", \"https://b:2/v1\"]\n"
                 "    params: {stop: \"###\"}\n"
                 "  - name: toy\n"
                 "    provider: toy\n"
                 "    toy_accuracy: 0.9\n"
                 "    toy_nothink_accuracy: 0.25\n"
                 "tasks:\n"
                 "  - name: add\n"
                 "    dataset: data.jsonl\n"
                 "    prompt: \"Q: {question} \\\\boxed{{}}\"\n"
                 "  - name: mul\n"
                 "    dataset: other/prompts.jsonl\n"
                 "    prompt: \"{q}\"\n"
                 "    system: \"You are {{careful}}.\"\n"
                 "    answer_field: gold\n"
                 "    id_field: uid\n"
                 "    scorer: regex\n"
                 "    scorer_options:\n"
                 "      pattern: \"answer is (\\\\d+)\"\n"
                 "      select: last\n"
                 "    samples: 4\n"
                 "    pass_at_k: [1, 2, 4]\n"
                 "    limit: 10\n"
                 "    params:\n"
                 "      temperature: 1.0\n"
                 "      max_tokens: 64\n");
  SuiteConfig s = load_suite(p);
  EXPECT_EQ(s.name, "my-suite");
  EXPECT_FALSE(s.cache);
  EXPECT_TRUE(s.cache_path.empty());
  EXPECT_DOUBLE_EQ(s.progress_interval_s, 2.5);
  EXPECT_EQ(s.path, fs::absolute(p));
  ASSERT_EQ(s.models.size(), 3u);

  const ModelSpec& m = s.models[0];
  EXPECT_EQ(m.name, "big");
  EXPECT_STREQ(m.provider_name(), "openai");
  EXPECT_EQ(m.openai().base_urls, std::vector<std::string>{"http://127.0.0.1:8000/v1"});  // trailing '/' trimmed
  EXPECT_EQ(m.model_id, "org/big-model");
  EXPECT_EQ(m.openai().api_key_env, "MY_KEY");
  EXPECT_EQ(m.endpoint, Endpoint::kCompletions);
  EXPECT_TRUE(m.openai().stream);
  EXPECT_TRUE(m.openai().use_max_completion_tokens);
  EXPECT_EQ(m.concurrency, 32);
  EXPECT_EQ(m.openai().min_concurrency, 4);
  EXPECT_DOUBLE_EQ(m.openai().timeout_s, 12.5);
  EXPECT_EQ(m.openai().max_retries, 3);
  EXPECT_DOUBLE_EQ(m.openai().backoff_initial_s, 0.5);
  EXPECT_DOUBLE_EQ(m.openai().backoff_max_s, 8.0);
  EXPECT_DOUBLE_EQ(m.openai().endpoint_cooldown_s, 7.0);
  EXPECT_EQ(m.chat_template_kwargs, nlohmann::json({{"enable_thinking", false}, {"depth", 3}}));
  EXPECT_EQ(m.extra_body, nlohmann::json::parse(
                              R"({"repetition_penalty":1.05,"tag":"123","nested":{"a":[1,"two"]}})"));
  EXPECT_TRUE(m.extra_body["tag"].is_string());
  ASSERT_TRUE(m.params.temperature);
  EXPECT_DOUBLE_EQ(*m.params.temperature, 0.6);
  ASSERT_TRUE(m.params.top_p);
  EXPECT_DOUBLE_EQ(*m.params.top_p, 0.95);
  EXPECT_EQ(m.params.top_k, 20);
  ASSERT_TRUE(m.params.min_p);
  EXPECT_DOUBLE_EQ(*m.params.min_p, 0.05);
  ASSERT_TRUE(m.params.presence_penalty);
  EXPECT_DOUBLE_EQ(*m.params.presence_penalty, 0.1);
  ASSERT_TRUE(m.params.frequency_penalty);
  EXPECT_DOUBLE_EQ(*m.params.frequency_penalty, 0.2);
  EXPECT_EQ(m.params.seed, std::optional<std::int64_t>(1234));
  EXPECT_EQ(m.params.max_tokens, 4096);
  EXPECT_EQ(m.params.stop, (std::vector<std::string>{"</s>", "END"}));
  EXPECT_TRUE(m.params.logprobs);
  EXPECT_EQ(m.params.top_logprobs, 5);

  const ModelSpec& pool = s.models[1];
  EXPECT_STREQ(pool.provider_name(), "openai");
  EXPECT_EQ(pool.openai().base_urls, (std::vector<std::string>{"http://a:1/v1", "https://b:2/v1"}));
  EXPECT_EQ(pool.model_id, "pool");  // defaults to the name
  EXPECT_EQ(pool.endpoint, Endpoint::kChat);
  EXPECT_FALSE(pool.openai().stream);
  EXPECT_FALSE(pool.openai().use_max_completion_tokens);
  EXPECT_EQ(pool.concurrency, 16);
  EXPECT_EQ(pool.openai().min_concurrency, 1);
  EXPECT_DOUBLE_EQ(pool.openai().timeout_s, 300.0);
  EXPECT_EQ(pool.openai().max_retries, 6);
  EXPECT_TRUE(pool.chat_template_kwargs.is_null());
  EXPECT_EQ(pool.extra_body, nlohmann::json::object());
  EXPECT_EQ(pool.params.stop, std::vector<std::string>{"###"});
  EXPECT_FALSE(pool.params.temperature);
  EXPECT_FALSE(pool.params.logprobs);

  const ModelSpec& toy = s.models[2];
  EXPECT_STREQ(toy.provider_name(), "toy");
  EXPECT_FALSE(std::holds_alternative<OpenAISpec>(toy.provider));  // no base URLs: a toy model has no HTTP settings
  EXPECT_DOUBLE_EQ(toy.toy().accuracy, 0.9);
  EXPECT_DOUBLE_EQ(toy.toy().nothink_accuracy, 0.25);

  ASSERT_EQ(s.tasks.size(), 2u);
  const TaskConfig& add = s.tasks[0];
  EXPECT_EQ(add.name, "add");
  EXPECT_EQ(add.dataset, dir_ / "data.jsonl");
  EXPECT_EQ(add.prompt, "Q: {question} \\boxed{{}}");
  EXPECT_EQ(add.system, "");
  EXPECT_EQ(add.answer_field, "answer");
  EXPECT_EQ(add.id_field, "");
  EXPECT_EQ(add.scorer, "exact");
  EXPECT_TRUE(add.scorer_options.empty());
  EXPECT_EQ(add.samples, 1);
  EXPECT_TRUE(add.pass_at_k.empty());
  EXPECT_EQ(add.limit, 0);
  EXPECT_FALSE(add.params.temperature);
  EXPECT_EQ(add.line, 45);

  const TaskConfig& mul = s.tasks[1];
  EXPECT_EQ(mul.dataset, dir_ / "other" / "prompts.jsonl");
  EXPECT_EQ(mul.prompt, "{q}");
  EXPECT_EQ(mul.system, "You are {{careful}}.");
  EXPECT_EQ(mul.answer_field, "gold");
  EXPECT_EQ(mul.id_field, "uid");
  EXPECT_EQ(mul.scorer, "regex");
  EXPECT_EQ(mul.scorer_options, (std::map<std::string, std::string>{{"pattern", "answer is (\\d+)"}, {"select", "last"}}));
  EXPECT_EQ(mul.samples, 4);
  EXPECT_EQ(mul.pass_at_k, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(mul.limit, 10);
  ASSERT_TRUE(mul.params.temperature);
  EXPECT_DOUBLE_EQ(*mul.params.temperature, 1.0);
  EXPECT_EQ(mul.params.max_tokens, 64);
  EXPECT_EQ(mul.line, 48);
}

TEST_F(SuiteConfigTest, DefaultsNameFromFileAndCacheOn) {
  auto p = write("my_bench.yaml", std::string(kToyModel) + kBasicTask);
  SuiteConfig s = load_suite(p);
  EXPECT_EQ(s.name, "my_bench");
  EXPECT_TRUE(s.cache);
  EXPECT_TRUE(s.cache_path.empty());
  EXPECT_DOUBLE_EQ(s.progress_interval_s, 30.0);
  ASSERT_EQ(s.models.size(), 1u);
  EXPECT_DOUBLE_EQ(s.models[0].toy().accuracy, 0.8);
  EXPECT_DOUBLE_EQ(s.models[0].toy().nothink_accuracy, 0.1);
}

TEST_F(SuiteConfigTest, CacheAsRelativeAndAbsolutePath) {
  auto p = write("suite.yaml", std::string("cache: caches/shared.db\n") + kToyModel + kBasicTask);
  SuiteConfig s = load_suite(p);
  EXPECT_TRUE(s.cache);
  EXPECT_EQ(s.cache_path, dir_ / "caches" / "shared.db");

  auto abs = dir_ / "abs.db";
  p = write("suite.yaml", "cache: " + abs.string() + "\n" + kToyModel + kBasicTask);
  EXPECT_EQ(load_suite(p).cache_path, abs);

  p = write("suite.yaml", std::string("cache: true\n") + kToyModel + kBasicTask);
  s = load_suite(p);
  EXPECT_TRUE(s.cache);
  EXPECT_TRUE(s.cache_path.empty());
}

TEST_F(SuiteConfigTest, UnknownTopLevelKey) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask + "verbose: true\n");  // line 8
  EXPECT_CONTAINS(msg, where(8, "verbose"));
  EXPECT_CONTAINS(msg, "unknown key");
  EXPECT_CONTAINS(msg, "models");  // lists valid keys
}

TEST_F(SuiteConfigTest, UnknownModelKey) {
  auto msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    concurency: 4\n" +
      std::string(kBasicTask).substr(0));
  EXPECT_CONTAINS(msg, where(4, "models[0].concurency"));
  EXPECT_CONTAINS(msg, "unknown key");
  EXPECT_CONTAINS(msg, "concurrency");
}

TEST_F(SuiteConfigTest, MisspelledParamInsideModelParams) {
  auto msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    params:\n"
      "      top_p: 0.9\n"
      "      temprature: 0.7\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(6, "models[0].params.temprature"));
  EXPECT_CONTAINS(msg, "temperature");  // the valid list names the right spelling
}

TEST_F(SuiteConfigTest, MisspelledParamInsideTaskParams) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask +
                      "    params:\n"
                      "      max_token: 5\n");  // line 9
  EXPECT_CONTAINS(msg, where(9, "tasks[0].params.max_token"));
}

TEST_F(SuiteConfigTest, UnknownTaskKeyInSecondTask) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask +
                      "  - name: two\n"             // 8
                      "    dataset: data.jsonl\n"    // 9
                      "    prompt: \"{question}\"\n"  // 10
                      "    sample: 3\n");            // 11
  EXPECT_CONTAINS(msg, where(11, "tasks[1].sample"));
}

TEST_F(SuiteConfigTest, WrongTypeForSamples) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask + "    samples: many\n");  // line 8
  EXPECT_CONTAINS(msg, where(8, "tasks[0].samples"));
  EXPECT_CONTAINS(msg, "'many'");
  EXPECT_CONTAINS(msg, "integer");
}

TEST_F(SuiteConfigTest, WrongTypeForTemperatureAndBool) {
  auto msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    params: {temperature: hot}\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[0].params.temperature"));
  EXPECT_CONTAINS(msg, "'hot'");

  msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    stream: perhaps\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[0].stream"));
  EXPECT_CONTAINS(msg, "true/false");

  msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    concurrency: [1, 2]\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[0].concurrency"));
  EXPECT_CONTAINS(msg, "single value");
}

TEST_F(SuiteConfigTest, MissingRequiredPrompt) {
  auto msg = error_of(std::string(kToyModel) +
                      "tasks:\n"                 // 4
                      "  - name: add\n"          // 5
                      "    dataset: data.jsonl\n");  // 6
  EXPECT_CONTAINS(msg, where(5, "tasks[0].prompt"));
  EXPECT_CONTAINS(msg, "required");
}

TEST_F(SuiteConfigTest, MissingModelName) {
  auto msg = error_of(
      "models:\n"
      "  - provider: toy\n" +
      std::string(kBasicTask).substr(0));
  EXPECT_CONTAINS(msg, where(2, "models[0].name"));
  EXPECT_CONTAINS(msg, "required");
}

TEST_F(SuiteConfigTest, BadEndpointEnum) {
  auto msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    endpoint: chatty\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[0].endpoint"));
  EXPECT_CONTAINS(msg, "'chatty'");
}

TEST_F(SuiteConfigTest, BadProviderAndMaxTokensParam) {
  auto msg = error_of(
      "models:\n"
      "  - name: x\n"
      "    provider: anthropic\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(3, "models[0].provider"));
  EXPECT_CONTAINS(msg, "'anthropic'");

  msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    max_tokens_param: max_new_tokens\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[0].max_tokens_param"));
}

TEST_F(SuiteConfigTest, MissingDatasetFile) {
  auto msg = error_of(std::string(kToyModel) +
                      "tasks:\n"
                      "  - name: add\n"
                      "    dataset: nope.jsonl\n"  // 6
                      "    prompt: \"{question}\"\n");
  EXPECT_CONTAINS(msg, where(6, "tasks[0].dataset"));
  EXPECT_CONTAINS(msg, (dir_ / "nope.jsonl").string());
}

TEST_F(SuiteConfigTest, UnknownScorer) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask + "    scorer: fuzzy\n");  // 8
  EXPECT_CONTAINS(msg, where(8, "tasks[0].scorer"));
  EXPECT_CONTAINS(msg, "'fuzzy'");
  EXPECT_CONTAINS(msg, "math");
}

TEST_F(SuiteConfigTest, RegexWithoutCaptureGroup) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask +
                      "    scorer: regex\n"            // 8
                      "    scorer_options:\n"          // 9
                      "      pattern: \"answer \\\\d+\"\n");  // 10
  // Reported at the scorer_options mapping, whose first entry is on line 10.
  EXPECT_CONTAINS(msg, where(10, "tasks[0].scorer_options"));
  EXPECT_CONTAINS(msg, "capture group");
}

TEST_F(SuiteConfigTest, RegexScorerWithoutPattern) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask + "    scorer: regex\n");
  EXPECT_CONTAINS(msg, "tasks[0].scorer_options");
  EXPECT_CONTAINS(msg, "pattern");
  EXPECT_CONTAINS(msg, "suite.yaml:5:");  // the task's own line
}

TEST_F(SuiteConfigTest, UnknownScorerOption) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask +
                      "    scorer: exact\n"
                      "    scorer_options: {tolerance: 0.1}\n");  // 9
  EXPECT_CONTAINS(msg, where(9, "tasks[0].scorer_options"));
  EXPECT_CONTAINS(msg, "tolerance");
}

TEST_F(SuiteConfigTest, PassAtKBiggerThanSamples) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask +
                      "    samples: 4\n"
                      "    pass_at_k:\n"
                      "      - 1\n"
                      "      - 8\n");  // 11
  EXPECT_CONTAINS(msg, where(11, "tasks[0].pass_at_k"));
  EXPECT_CONTAINS(msg, "k=8");
}

TEST_F(SuiteConfigTest, PassAtKZeroAndNonInteger) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask + "    samples: 2\n    pass_at_k: [0]\n");
  EXPECT_CONTAINS(msg, where(9, "tasks[0].pass_at_k"));
  msg = error_of(std::string(kToyModel) + kBasicTask + "    samples: 2\n    pass_at_k: [x]\n");
  EXPECT_CONTAINS(msg, where(9, "tasks[0].pass_at_k"));
  EXPECT_CONTAINS(msg, "'x'");
}

TEST_F(SuiteConfigTest, DuplicateModelNames) {
  auto msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "  - name: toy\n"  // 4
      "    provider: toy\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[1].name"));
  EXPECT_CONTAINS(msg, "duplicate model name 'toy'");
}

TEST_F(SuiteConfigTest, VariantsExpandIntoModels) {
  auto p = write("suite.yaml",
                 "models:\n"
                 "  - name: a\n"
                 "    provider: toy\n"
                 "    grid: {budget: [none]}\n"
                 "  - name: b\n"
                 "    provider: toy\n"
                 "    variants: [{name: x}, {name: y}]\n" +
                     std::string(kBasicTask));
  auto suite = load_suite(p);
  ASSERT_EQ(suite.models.size(), 3u);
  EXPECT_EQ(suite.models[0].name, "a/none");
  EXPECT_EQ(suite.models[1].name, "b/x");
  EXPECT_EQ(suite.models[2].name, "b/y");
  // A variant's name is a model name like any other: used twice is an error.
  auto msg = error_of(
      "models:\n"
      "  - name: b/x\n"
      "    provider: toy\n"
      "  - name: b\n"  // 4
      "    provider: toy\n"
      "    variants: [{name: x}]\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[1].name"));
  EXPECT_CONTAINS(msg, "duplicate model name 'b/x'");
  msg = error_of(
      "models:\n"
      "  - name: b\n"
      "    provider: toy\n"
      "    variants: [{name: x, provider: openai}]\n" +  // 4
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[0].variants[0].provider"));
}

TEST_F(SuiteConfigTest, DuplicateTaskNames) {
  auto msg = error_of(std::string(kToyModel) + kBasicTask +
                      "  - name: add\n"  // 8
                      "    dataset: data.jsonl\n"
                      "    prompt: \"{question}\"\n");
  EXPECT_CONTAINS(msg, where(8, "tasks[1].name"));
  EXPECT_CONTAINS(msg, "duplicate task name 'add'");
}

TEST_F(SuiteConfigTest, OpenAIProviderNeedsBaseUrl) {
  auto msg = error_of(
      "models:\n"
      "  - name: remote\n"  // 2
      "    model: foo\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(2, "models[0].base_url"));
  EXPECT_CONTAINS(msg, "base_url");
}

TEST_F(SuiteConfigTest, BadUrlsAndToyWithUrl) {
  auto msg = error_of(
      "models:\n"
      "  - name: remote\n"
      "    base_url: localhost:8000\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(2, "models[0].base_url"));
  EXPECT_CONTAINS(msg, "'localhost:8000'");

  msg = error_of(
      "models:\n"
      "  - name: remote\n"
      "    base_urls: []\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(3, "models[0].base_urls"));

  msg = error_of(
      "models:\n"
      "  - name: t\n"
      "    provider: toy\n"
      "    base_url: http://x/v1\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(2, "models[0].base_url"));
}

TEST_F(SuiteConfigTest, RangeChecks) {
  struct Case {
    std::string line;
    std::string key;
  };
  for (const Case& c : {Case{"    concurrency: 0\n", "models[0].concurrency"},
                        Case{"    min_concurrency: 17\n", "models[0].min_concurrency"},
                        Case{"    timeout: 0\n", "models[0].timeout"},
                        Case{"    max_retries: -1\n", "models[0].max_retries"},
                        Case{"    backoff_max: 0.1\n", "models[0].backoff_max"},
                        Case{"    toy_accuracy: 1.5\n", "models[0].toy_accuracy"},
                        Case{"    toy_nothink_accuracy: -0.1\n", "models[0].toy_nothink_accuracy"},
                        Case{"    params: {temperature: -1}\n", "models[0].params.temperature"},
                        Case{"    params: {top_p: 0}\n", "models[0].params.top_p"},
                        Case{"    params: {max_tokens: 0}\n", "models[0].params.max_tokens"},
                        Case{"    params: {top_logprobs: 21}\n", "models[0].params.top_logprobs"}}) {
    SCOPED_TRACE(c.line);
    auto msg = error_of(std::string(kToyModel) + c.line + kBasicTask);
    EXPECT_CONTAINS(msg, where(4, c.key));
  }
  auto msg = error_of(std::string(kToyModel) + kBasicTask + "    samples: 0\n");
  EXPECT_CONTAINS(msg, where(8, "tasks[0].samples"));
  msg = error_of(std::string(kToyModel) + kBasicTask + "    limit: -2\n");
  EXPECT_CONTAINS(msg, where(8, "tasks[0].limit"));
  msg = error_of(std::string("progress_interval: 0\n") + kToyModel + kBasicTask);
  EXPECT_CONTAINS(msg, where(1, "progress_interval"));
}

TEST_F(SuiteConfigTest, CrossFieldCheckOnAbsentKeyStillNamesALine) {
  // backoff_max is not written (default 60) but backoff_initial exceeds it: the error is about
  // backoff_max, which has no position of its own, so the model's line is reported.
  auto msg = error_of(
      "models:\n"
      "  - name: toy\n"           // 2
      "    provider: toy\n"
      "    backoff_initial: 100\n" +
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(2, "models[0].backoff_max"));
  EXPECT_CONTAINS(msg, "backoff_initial <= backoff_max");
}

TEST_F(SuiteConfigTest, NestedListsInStringListsAreConfigErrors) {
  // These used to escape as yaml-cpp's "bad conversion" without a key.
  auto msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    params:\n"
      "      stop: [\"ok\", [nested]]\n" +  // 5
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(5, "models[0].params.stop"));

  msg = error_of(
      "models:\n"
      "  - name: remote\n"
      "    base_urls:\n"
      "      - http://a/v1\n"
      "      - {url: http://b/v1}\n" +  // 5
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(5, "models[0].base_urls"));

  msg = error_of(
      "models:\n"
      "  - name: toy\n"
      "    provider: toy\n"
      "    params: {stop: {a: b}}\n" +  // 4
      std::string(kBasicTask));
  EXPECT_CONTAINS(msg, where(4, "models[0].params.stop"));
}

// Found by the fuzz targets: a dataset path the system refuses (here: longer than a file name may
// be) is a missing dataset, named with its key (before: an uncaught filesystem_error, exit 1).
TEST_F(SuiteConfigTest, DatasetPathTooLongIsNamed) {
  auto msg = error_of(std::string(kToyModel) + "tasks:\n  - name: add\n    dataset: " + std::string(5000, '9') +
                      ".jsonl\n    prompt: \"Q: {question}\"\n");
  EXPECT_CONTAINS(msg, ":6: tasks[0].dataset: no such file");
}

TEST_F(SuiteConfigTest, EmptyModelsOrTasks) {
  auto msg = error_of(std::string("models: []\n") + kBasicTask);
  EXPECT_CONTAINS(msg, "models");
  EXPECT_CONTAINS(msg, "non-empty");
  msg = error_of(std::string(kToyModel));
  EXPECT_CONTAINS(msg, "tasks");
  EXPECT_CONTAINS(msg, "non-empty");
  msg = error_of("");
  EXPECT_CONTAINS(msg, "empty");
}

TEST_F(SuiteConfigTest, YamlSyntaxErrorReportsLine) {
  auto msg = error_of(std::string(kToyModel) +
                      "tasks:\n"
                      "  - name: add\n"
                      "    dataset: data.jsonl\n"
                      "    prompt: [unclosed\n"  // 7
                      "    samples: 2\n");
  EXPECT_CONTAINS(msg, (dir_ / "suite.yaml").string() + ":");
  EXPECT_CONTAINS(msg, ": yaml: ");
  // yaml-cpp notices the unclosed flow sequence on the line after it opens, at the latest.
  bool at_7_or_8 = msg.find("suite.yaml:7:") != std::string::npos || msg.find("suite.yaml:8:") != std::string::npos;
  EXPECT_TRUE(at_7_or_8) << msg;

  msg = error_of("models:\n  - name: toy\n\tprovider: toy\n");  // a tab in indentation, line 3
  EXPECT_CONTAINS(msg, "suite.yaml:3: yaml:");
}

TEST_F(SuiteConfigTest, MissingSuiteFile) {
  try {
    load_suite(dir_ / "absent.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_CONTAINS(e.what(), (dir_ / "absent.yaml").string());
  }
}

TEST_F(SuiteConfigTest, TemplateBracesAreAccepted) {
  auto p = write("suite.yaml", std::string(kToyModel) +
                                   "tasks:\n"
                                   "  - name: add\n"
                                   "    dataset: data.jsonl\n"
                                   "    prompt: 'Compute {question}. Put it in \\boxed{} like \\frac{1}{2}.'\n");
  auto s = load_suite(p);
  EXPECT_EQ(s.tasks[0].prompt, "Compute {question}. Put it in \\boxed{} like \\frac{1}{2}.");
}

TEST(MergeParams, TaskOverridesFieldByField) {
  SamplingParams model;
  model.temperature = 0.6;
  model.top_p = 0.95;
  model.top_k = 20;
  model.seed = 1;
  model.max_tokens = 1000;
  model.stop = {"A"};
  model.logprobs = true;
  model.top_logprobs = 3;
  SamplingParams task;
  task.temperature = 0.0;  // a set zero still overrides
  task.max_tokens = 50;
  task.min_p = 0.1;
  SamplingParams m = merge_params(model, task);
  EXPECT_EQ(m.temperature, std::optional<double>(0.0));
  EXPECT_EQ(m.top_p, std::optional<double>(0.95));
  EXPECT_EQ(m.top_k, std::optional<int>(20));
  EXPECT_EQ(m.min_p, std::optional<double>(0.1));
  EXPECT_EQ(m.seed, std::optional<std::int64_t>(1));
  EXPECT_EQ(m.max_tokens, std::optional<int>(50));
  EXPECT_EQ(m.stop, std::vector<std::string>{"A"});
  EXPECT_TRUE(m.logprobs);
  EXPECT_EQ(m.top_logprobs, std::optional<int>(3));
  EXPECT_FALSE(m.presence_penalty);
  EXPECT_FALSE(m.frequency_penalty);

  SamplingParams task2;
  task2.stop = {"B", "C"};
  task2.seed = 9;
  task2.presence_penalty = 0.5;
  task2.frequency_penalty = 0.25;
  task2.top_logprobs = 0;
  task2.top_k = -1;
  task2.top_p = 0.5;
  SamplingParams m2 = merge_params(model, task2);
  EXPECT_EQ(m2.stop, (std::vector<std::string>{"B", "C"}));
  EXPECT_EQ(m2.seed, std::optional<std::int64_t>(9));
  EXPECT_EQ(m2.presence_penalty, std::optional<double>(0.5));
  EXPECT_EQ(m2.frequency_penalty, std::optional<double>(0.25));
  EXPECT_EQ(m2.top_logprobs, std::optional<int>(0));
  EXPECT_EQ(m2.top_k, std::optional<int>(-1));
  EXPECT_EQ(m2.top_p, std::optional<double>(0.5));
  EXPECT_EQ(m2.temperature, std::optional<double>(0.6));

  // Empty over: identity. logprobs can be switched on by a task.
  SamplingParams base;
  SamplingParams on;
  on.logprobs = true;
  EXPECT_TRUE(merge_params(base, on).logprobs);
  EXPECT_EQ(params_to_json(merge_params(model, SamplingParams{})), params_to_json(model));
}

TEST(ParamsToJson, OnlySetFields) {
  EXPECT_EQ(params_to_json(SamplingParams{}), nlohmann::json::object());
  SamplingParams p;
  p.temperature = 0.5;
  p.seed = 7;
  p.stop = {"x"};
  p.logprobs = true;
  EXPECT_EQ(params_to_json(p), nlohmann::json::parse(R"({"temperature":0.5,"seed":7,"stop":["x"],"logprobs":true})"));
}

TEST(ModelFingerprint, ChangesWithWhatShapesAnswersOnly) {
  ModelSpec base;
  base.name = "m";
  base.model_id = "org/m";
  base.openai().base_urls = {"http://a/v1"};
  base.params.temperature = 0.6;
  const auto fp = base.fingerprint_json();

  ModelSpec transport = base;
  transport.concurrency = 99;
  transport.openai().min_concurrency = 7;
  transport.openai().timeout_s = 1.0;
  transport.openai().max_retries = 0;
  transport.openai().backoff_initial_s = 0.1;
  transport.openai().backoff_max_s = 0.2;
  transport.openai().endpoint_cooldown_s = 1;
  transport.openai().base_urls = {"http://b/v1", "http://c/v1"};
  transport.openai().api_key_env = "OTHER";
  transport.openai().stream = true;
  EXPECT_EQ(transport.fingerprint_json(), fp);

  ModelSpec temp = base;
  temp.params.temperature = 0.7;
  EXPECT_NE(temp.fingerprint_json(), fp);
  ModelSpec seed = base;
  seed.params.seed = 1;
  EXPECT_NE(seed.fingerprint_json(), fp);
  ModelSpec id = base;
  id.model_id = "org/other";
  EXPECT_NE(id.fingerprint_json(), fp);
  ModelSpec endpoint = base;
  endpoint.endpoint = Endpoint::kCompletions;
  EXPECT_NE(endpoint.fingerprint_json(), fp);
  ModelSpec extra = base;
  extra.extra_body = {{"repetition_penalty", 1.1}};
  EXPECT_NE(extra.fingerprint_json(), fp);
  ModelSpec kwargs = base;
  kwargs.chat_template_kwargs = {{"enable_thinking", false}};
  EXPECT_NE(kwargs.fingerprint_json(), fp);

  ModelSpec toy = base;
  toy.provider = ToySpec{};
  ModelSpec toy2 = toy;
  toy2.toy().accuracy = 0.5;
  EXPECT_NE(toy.fingerprint_json(), fp);
  EXPECT_NE(toy2.fingerprint_json(), toy.fingerprint_json());
}

TEST(TaskFingerprint, ExcludesSamplesLimitPassAtKAndDatasetLocation) {
  TaskConfig t;
  t.name = "t";
  t.prompt = "{q}";
  t.dataset = "/a/data.jsonl";
  const auto fp = t.fingerprint_json();
  TaskConfig more = t;
  more.samples = 8;
  more.limit = 3;
  more.pass_at_k = {1, 8};
  more.dataset = "/b/data.jsonl";
  more.line = 99;
  EXPECT_EQ(more.fingerprint_json(), fp);
  TaskConfig prompt = t;
  prompt.prompt = "Q: {q}";
  EXPECT_NE(prompt.fingerprint_json(), fp);
  TaskConfig scorer = t;
  scorer.scorer = "math";
  EXPECT_NE(scorer.fingerprint_json(), fp);
  TaskConfig params = t;
  params.params.max_tokens = 5;
  EXPECT_NE(params.fingerprint_json(), fp);
}

}  // namespace
}  // namespace gauntlet::harness

namespace gauntlet::harness {

// examples/budgets.yaml (issue 15's study): one entry expands into every policy, each its own player.
TEST(BudgetsExample, ExpandsIntoOnePlayerPerPolicy) {
  const SuiteConfig s = load_suite(std::string(GAUNTLET_SOURCE_DIR) + "/examples/budgets.yaml");
  std::vector<std::string> names, policies;
  std::set<std::string> fingerprints;
  for (const auto& m : s.models) {
    names.push_back(m.name);
    policies.push_back(m.budget.name());
    fingerprints.insert(m.fingerprint_json().dump());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"testbed/thinking", "testbed/nothinking", "testbed/budget-32",
                                             "testbed/budget-96", "testbed/budget-192", "testbed/budget-384",
                                             "testbed/extend", "testbed/trimr", "testbed/parallel-4x192"}));
  EXPECT_EQ(policies, (std::vector<std::string>{"none", "nothinking", "budget", "budget", "budget", "budget",
                                                "budget", "trimr", "parallel"}));
  EXPECT_EQ(fingerprints.size(), s.models.size());
  ASSERT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks[0].limit, 100);
}

}  // namespace gauntlet::harness
