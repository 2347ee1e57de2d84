// Self-play config files: defaults, every setting read, errors naming file:line and the key.
#include "harness/selfplay/config.h"

#include <gtest/gtest.h>

#include "harness/errors/errors.h"
#include "tests/support/command.h"

namespace gauntlet::harness {
namespace {

using testing::TempDir;

const std::string kModel =
    "proposer:\n"
    "  name: m\n"
    "  base_url: http://127.0.0.1:9/v1\n"
    "  params: {temperature: 1.0, seed: 3}\n";

SelfPlayConfig load_text(const TempDir& dir, const std::string& yaml) {
  dir.write("sp.yaml", yaml);
  return load_selfplay(dir.file("sp.yaml"));
}

std::string error_of(const TempDir& dir, const std::string& yaml) {
  try {
    load_text(dir, yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return "";
}

TEST(SelfPlayConfig, DefaultsFollowAbsoluteZero) {
  TempDir dir;
  auto c = load_text(dir, kModel);
  EXPECT_EQ(c.name, "sp");  // the file's stem
  EXPECT_EQ(c.task_types, all_task_types());
  EXPECT_EQ(c.batch, 4);
  EXPECT_EQ(c.solver_samples, 8);
  EXPECT_EQ(c.references, 6);
  EXPECT_EQ(c.induction_inputs, 10);
  EXPECT_EQ(c.limits.timeout_ms, 10000);
  EXPECT_EQ(c.limits.max_output_chars, 400u);
  EXPECT_EQ(c.limits.banned_imports, default_banned_imports());
  EXPECT_DOUBLE_EQ(c.rewards.format_error, -1.0);
  EXPECT_DOUBLE_EQ(c.rewards.well_formed_zero, 0.0);
  EXPECT_TRUE(c.same_model);
  EXPECT_EQ(c.solver.name, "m");
  EXPECT_TRUE(c.logprobs);
  EXPECT_TRUE(c.require_think);
}

TEST(SelfPlayConfig, EverySettingIsRead) {
  TempDir dir;
  auto c = load_text(dir,
                     "name: run\nseed: 9\nsteps: 20\ntask_types: [induction, deduction]\nbatch: 16\n"
                     "solver_samples: 4\nreferences: 3\ninduction_inputs: 6\nnew_window: 2\nlogprobs: false\n"
                     "require_think: false\nsandbox_lanes: 2\nprogress_interval: 5\n" +
                         kModel +
                         "solver:\n  name: s\n  base_url: http://127.0.0.1:9/v1\n"
                         "limits:\n  timeout_ms: 500\n  memory_mb: 256\n  max_output_chars: 100\n"
                         "  banned_imports: [random, os.path]\n"
                         "rewards: {format_error: -2, well_formed_zero: -0.5}\n"
                         "advantage: {normalize_std: false, epsilon: 0.001}\n");
  EXPECT_EQ(c.name, "run");
  EXPECT_EQ(c.seed, 9u);
  EXPECT_EQ(c.steps, 20);
  EXPECT_EQ(c.task_types, (std::vector<TaskType>{TaskType::deduction, TaskType::induction}));  // AZR's order
  EXPECT_EQ(c.batch, 16);
  EXPECT_EQ(c.solver_samples, 4);
  EXPECT_EQ(c.references, 3);
  EXPECT_EQ(c.induction_inputs, 6);
  EXPECT_EQ(c.new_window, 2);
  EXPECT_FALSE(c.logprobs);
  EXPECT_FALSE(c.require_think);
  EXPECT_EQ(c.sandbox_lanes, 2);
  EXPECT_FALSE(c.same_model);
  EXPECT_EQ(c.solver.name, "s");
  EXPECT_EQ(c.limits.timeout_ms, 500);
  EXPECT_EQ(c.limits.memory_mb, 256);
  EXPECT_EQ(c.limits.max_output_chars, 100u);
  EXPECT_EQ(c.limits.banned_imports, (std::vector<std::string>{"random", "os.path"}));
  EXPECT_DOUBLE_EQ(c.rewards.format_error, -2.0);
  EXPECT_DOUBLE_EQ(c.rewards.well_formed_zero, -0.5);
  EXPECT_FALSE(c.advantage.normalize_std);
  EXPECT_DOUBLE_EQ(c.advantage.epsilon, 0.001);
}

TEST(SelfPlayConfig, ErrorsNameFileLineAndKey) {
  TempDir dir;
  auto unknown = error_of(dir, kModel + "batchsize: 3\n");
  EXPECT_NE(unknown.find("sp.yaml:5:"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("batchsize"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("unknown key"), std::string::npos) << unknown;
  auto type = error_of(dir, kModel + "task_types: [deduction, guessing]\n");
  EXPECT_NE(type.find("task_types"), std::string::npos) << type;
  EXPECT_NE(type.find("unknown task type"), std::string::npos) << type;
  auto twice = error_of(dir, kModel + "task_types: [deduction, deduction]\n");
  EXPECT_NE(twice.find("listed twice"), std::string::npos) << twice;
  auto timeout = error_of(dir, kModel + "limits:\n  timeout_ms: 0\n");
  EXPECT_NE(timeout.find("limits.timeout_ms"), std::string::npos) << timeout;
  auto limit_key = error_of(dir, kModel + "limits:\n  timeout: 5\n");
  EXPECT_NE(limit_key.find("limits.timeout"), std::string::npos) << limit_key;
  auto batch = error_of(dir, kModel + "batch: 0\n");
  EXPECT_NE(batch.find("batch"), std::string::npos) << batch;
  auto no_model = error_of(dir, "steps: 2\n");
  EXPECT_NE(no_model.find("proposer"), std::string::npos) << no_model;
  auto model_key = error_of(dir, "proposer:\n  name: m\n  base_url: http://x/v1\n  temprature: 1\n");
  EXPECT_NE(model_key.find("proposer.temprature"), std::string::npos) << model_key;
  auto clash =
      error_of(dir, kModel + "solver:\n  name: m\n  base_url: http://127.0.0.1:9/v1\n  params: {temperature: 0}\n");
  EXPECT_NE(clash.find("solver.name"), std::string::npos) << clash;
  auto reward_key = error_of(dir, kModel + "rewards: {wrong: -0.5}\n");
  EXPECT_NE(reward_key.find("rewards.wrong"), std::string::npos) << reward_key;
}

TEST(SelfPlayConfig, FingerprintCoversWhatChangesResultsNotStepsOrLanes) {
  TempDir dir;
  auto base = load_text(dir, kModel + "steps: 5\n").fingerprint_json();
  EXPECT_EQ(base, load_text(dir, kModel + "steps: 50\nsandbox_lanes: 1\nprogress_interval: 1\n").fingerprint_json());
  EXPECT_NE(base, load_text(dir, kModel + "batch: 5\n").fingerprint_json());
  EXPECT_NE(base, load_text(dir, kModel + "seed: 2\n").fingerprint_json());
  EXPECT_NE(base, load_text(dir, kModel + "limits: {timeout_ms: 100}\n").fingerprint_json());
  EXPECT_NE(base, load_text(dir, kModel + "rewards: {well_formed_zero: -0.5}\n").fingerprint_json());
}

TEST(SelfPlayConfig, TheExampleLoads) {
  auto c = load_selfplay(std::string(GAUNTLET_SOURCE_DIR) + "/examples/selfplay.yaml");
  EXPECT_EQ(c.name, "azr-qwen");
  EXPECT_EQ(c.batch, 16);
  EXPECT_TRUE(c.same_model);
  EXPECT_EQ(c.proposer.extra_body.value("return_token_ids", false), true);
}

}  // namespace
}  // namespace gauntlet::harness
