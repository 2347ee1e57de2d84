// The `routing:` block of an engine model: canonical JSON, fingerprint (controls in, trace out),
// rice_from files, the routing summary, and config errors naming file:line:key.
#include "harness/clients/routing_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness/errors/errors.h"
#include "harness/eval/suite_config.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;

class RoutingConfigTest : public ::testing::Test {
 protected:
  RoutingConfigTest() {
    dir_ = fs::temp_directory_path() / ("gauntlet_routing_config_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "model");
    write("data.jsonl", "{\"q\": \"1+1\", \"answer\": \"2\"}\n");
  }
  ~RoutingConfigTest() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  SuiteConfig load(const std::string& routing, const std::string& provider = "engine") {
    std::string yaml = "models:\n  - name: m\n    provider: " + provider + "\n";
    if (provider == "engine") yaml += "    path: model\n";
    if (provider == "openai") yaml += "    base_url: http://127.0.0.1:1/v1\n";
    yaml += "    routing:\n" + routing;
    yaml += "tasks:\n  - name: t\n    dataset: data.jsonl\n    prompt: \"{q}\"\n";
    return load_suite(write("suite.yaml", yaml));
  }
  std::string error_of(const std::string& routing, const std::string& provider = "engine") {
    try {
      load(routing, provider);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }
  fs::path dir_;
};

TEST_F(RoutingConfigTest, CanonicalJsonAndControls) {
  const auto suite = load(
      "      top_p: 0.7\n      min_experts: 2\n      max_experts: 6\n      rice: \"3:5, 2:1\"\n"
      "      rice_beta: 64\n      rice_mode: before_topk\n      expert_mask: [\"0:3\"]\n      mask_mode: zero\n"
      "      trace: true\n");
  const auto& j = suite.models[0].engine().routing;
  EXPECT_EQ(j["top_p"], 0.7);
  EXPECT_EQ(j["rice"], nlohmann::json::parse("[[3,5],[2,1]]"));
  EXPECT_EQ(j["mask_mode"], "zero");
  EXPECT_TRUE(routing_trace_enabled(j));
  const auto c = routing_controls(j);
  EXPECT_EQ(c.top_p, 0.7);
  EXPECT_EQ(c.min_experts, 2);
  EXPECT_EQ(c.max_experts, 6);
  ASSERT_EQ(c.rice.size(), 2u);
  EXPECT_EQ(c.rice[1], (engine::ExpertId{2, 1}));
  EXPECT_EQ(c.rice_beta, 64);
  EXPECT_EQ(c.rice_mode, engine::RiceMode::kBeforeTopK);
  EXPECT_TRUE(c.rice_renormalize);
  EXPECT_EQ(c.mask_mode, engine::MaskMode::kZero);
  // Controls change the fingerprint; trace does not.
  const auto fp = suite.models[0].fingerprint_json();
  EXPECT_EQ(fp["routing"]["rice_beta"], 64);
  EXPECT_FALSE(fp["routing"].contains("trace"));
  const auto traced_only = load("      trace: true\n");
  EXPECT_FALSE(traced_only.models[0].fingerprint_json().contains("routing"));
}

TEST_F(RoutingConfigTest, RiceFromReadsNpmiOutput) {
  write("experts.json",
        R"({"experts":[{"layer":3,"expert":1,"npmi":0.5},{"layer":2,"expert":7,"npmi":0.4},{"layer":0,"expert":0,"npmi":0.1}]})");
  const auto suite = load("      rice_from: experts.json\n      rice_top: 2\n      rice_beta: 8\n");
  EXPECT_EQ(suite.models[0].engine().routing["rice"], nlohmann::json::parse("[[3,1],[2,7]]"));
  EXPECT_EQ(read_expert_file(dir_ / "experts.json").size(), 3u);
  write("bad.json", R"({"experts":[{"layer":"x"}]})");
  EXPECT_THROW(read_expert_file(dir_ / "bad.json"), UsageError);
  write("empty.json", R"({"experts":[]})");
  EXPECT_THROW(read_expert_file(dir_ / "empty.json"), UsageError);
}

TEST_F(RoutingConfigTest, ErrorsNameTheKey) {
  const std::string file = (dir_ / "suite.yaml").string();
  EXPECT_NE(error_of("      top_p: 0.5\n", "toy").find("routing controls need the engine provider"), std::string::npos);
  EXPECT_NE(error_of("      top_p: 1.5\n").find("routing.top_p"), std::string::npos);
  EXPECT_NE(error_of("      min_experts: 2\n").find("applies only with top_p"), std::string::npos);
  EXPECT_NE(error_of("      rice: \"1:2\"\n").find("rice needs rice_beta"), std::string::npos);
  EXPECT_NE(error_of("      rice: \"1-2\"\n      rice_beta: 2\n").find("not LAYER:EXPERT"), std::string::npos);
  EXPECT_NE(error_of("      rice_beta: 2\n").find("needs rice or rice_from"), std::string::npos);
  EXPECT_NE(error_of("      rice: \"1:2\"\n      rice_beta: 2\n      rice_mode: sideways\n").find("rice_mode"),
            std::string::npos);
  EXPECT_NE(error_of("      expert_mask: \"1:2\"\n      mask_mode: drop\n").find("mask_mode"), std::string::npos);
  EXPECT_NE(error_of("      mask_mode: zero\n").find("needs expert_mask"), std::string::npos);
  EXPECT_NE(error_of("      rice_from: missing.json\n      rice_beta: 2\n").find("cannot open"), std::string::npos);
  const std::string unknown = error_of("      top_q: 0.5\n");
  EXPECT_NE(unknown.find(file + ":6: models[0].routing.top_q"), std::string::npos) << unknown;
}

TEST(RoutingSummary, CountsExpertsPerTokenAndLoad) {
  std::vector<engine::PositionRoutes> trace(3);
  for (int i = 0; i < 3; ++i) {
    trace[static_cast<std::size_t>(i)].push_back({0, {i, 3}, {0.5f, 0.5f}});
    trace[static_cast<std::size_t>(i)].push_back({2, {1}, {1.0f}});
  }
  const auto j = routing_summary(trace, 4);
  EXPECT_EQ(j["tokens"], 3);
  EXPECT_DOUBLE_EQ(j["experts_per_token"].get<double>(), 1.5);
  EXPECT_EQ(j["layers"][0]["layer"], 0);
  EXPECT_EQ(j["layers"][0]["load"], nlohmann::json::parse("[1,1,1,3]"));
  EXPECT_DOUBLE_EQ(j["layers"][1]["experts_per_token"].get<double>(), 1.0);
  EXPECT_EQ(routing_trace_json(trace)[1][0]["experts"], nlohmann::json::parse("[1,3]"));
}

}  // namespace
}  // namespace gauntlet::harness
