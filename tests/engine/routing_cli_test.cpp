// Routing controls through the command line: `gauntlet generate` routing flags and --trace-routing
// JSON, `gauntlet experts npmi` (its --json output feeds --rice-from) and `gauntlet experts super`,
// and clear usage errors (exit 2) for bad flags.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
using nlohmann::json;

const std::string kBinary = GAUNTLET_BINARY;

class RoutingCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    model_ = dir_->file("m");
    auto r = run_command(kBinary + " make-model --out " + model_ +
                         " --layers 3 --hidden 32 --heads 4 --kv-heads 2 --head-dim 8 --experts 8 --top-k 2 "
                         "--moe-ff 16 --dtype f32 --seed 9");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    dir_->write("prompts.jsonl",
                "\"What is 2+3?\"\n{\"prompt\": \"Count: 1 2 3\", \"completion\": \"<think>\\nfour\\n</think>\\n4\"}\n"
                "\"<think> hmm </think> done\"\n");
  }
  static void TearDownTestSuite() { delete dir_; }
  static json generate(const std::string& flags) {
    auto r = run_command(kBinary + " generate --model " + model_ + " --prompt-ids 5,6,7,8,9 --max-tokens 12 --json " +
                         flags);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  static std::vector<int> ids(const json& j) {
    std::vector<int> out;
    for (const auto& t : j["tokens"]) out.push_back(t["id"].get<int>());
    return out;
  }
  static TempDir* dir_;
  static std::string model_;
};
TempDir* RoutingCli::dir_ = nullptr;
std::string RoutingCli::model_;

TEST_F(RoutingCli, TraceRoutingJson) {
  const json j = generate("--trace-routing --trace-prompt-routing");
  ASSERT_TRUE(j.contains("routing"));
  ASSERT_EQ(j["routing"].size(), j["tokens"].size());
  ASSERT_EQ(j["prompt_routing"].size(), 5u);
  for (const auto& position : j["routing"]) {
    ASSERT_EQ(position.size(), 3u);  // three MoE layers
    for (int l = 0; l < 3; ++l) {
      EXPECT_EQ(position[l]["layer"], l);
      EXPECT_EQ(position[l]["experts"].size(), 2u);
      EXPECT_EQ(position[l]["weights"].size(), 2u);
    }
  }
  EXPECT_DOUBLE_EQ(j["routing_summary"]["experts_per_token"].get<double>(), 2.0);
  EXPECT_EQ(j["routing_summary"]["layers"][0]["load"].size(), 8u);
  // Without the flag there is no routing key, and the tokens are the same.
  const json plain = generate("");
  EXPECT_FALSE(plain.contains("routing"));
  EXPECT_EQ(ids(plain), ids(j));
}

TEST_F(RoutingCli, TopPChangesExpertCountsAndNeutralRiceChangesNothing) {
  const json plain = generate("");
  EXPECT_EQ(ids(generate("--rice 0:1,2:3 --rice-beta 1")), ids(plain));
  const json wide = generate("--router-top-p 0.95 --trace-routing");
  const json narrow = generate("--router-top-p 0.2 --trace-routing");
  EXPECT_GT(wide["routing_summary"]["experts_per_token"].get<double>(),
            narrow["routing_summary"]["experts_per_token"].get<double>());
  const json masked = generate("--expert-mask 1:0,1:1,1:2,1:3,1:4,1:5,1:6 --trace-routing");
  for (const auto& position : masked["routing"]) EXPECT_EQ(position[1]["experts"], json::array({7}));
}

TEST_F(RoutingCli, NpmiFeedsRiceFromAndSuperReports) {
  auto r = run_command(kBinary + " experts npmi --model " + model_ + " --prompts " + dir_->file("prompts.jsonl") +
                       " --max-tokens 8 --top 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json n = json::parse(r.out);
  EXPECT_EQ(n["target_tokens"], json::array({"<think>", "</think>"}));
  EXPECT_GE(n["target_positions"].get<int>(), 4);  // two in the completion, two in the third prompt
  ASSERT_EQ(n["experts"].size(), 2u);
  EXPECT_GE(n["experts"][0]["npmi"].get<double>(), n["experts"][1]["npmi"].get<double>());
  dir_->write("rice.json", r.out);
  const json steered = generate("--rice-from " + dir_->file("rice.json") + " --rice-beta 10000 --rice-mode before_topk --trace-routing");
  const int layer = n["experts"][0]["layer"], expert = n["experts"][0]["expert"];
  for (const auto& position : steered["routing"]) {
    bool found = false;
    for (const auto& e : position[layer]["experts"]) found |= e.get<int>() == expert;
    EXPECT_TRUE(found) << "before_topk with a huge beta puts the steered expert in the top-k";
  }
  r = run_command(kBinary + " experts npmi --model " + model_ + " --prompts " + dir_->file("prompts.jsonl") +
                  " --max-tokens 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("nPMI"), std::string::npos);

  r = run_command(kBinary + " experts super --model " + model_ + " --prompts " + dir_->file("prompts.jsonl") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(r.out);
  EXPECT_EQ(s["layers_considered"], 2);
  EXPECT_GE(s["super_experts"].size(), 1u);
  EXPECT_GT(s["global_max"].get<double>(), 0);
}

TEST_F(RoutingCli, BadFlagsAreUsageErrors) {
  const std::string base = kBinary + " generate --model " + model_ + " --prompt-ids 5,6 --max-tokens 2 ";
  struct Case {
    std::string flags, expect;
  };
  const std::vector<Case> cases = {
      {"--rice 0:99 --rice-beta 2", "expert 99 outside"},
      {"--rice 7:1 --rice-beta 2", "layer 7 outside"},
      {"--rice 0:1", "--rice-beta"},
      {"--rice 0-1 --rice-beta 2", "not LAYER:EXPERT"},
      {"--router-top-p 1.5", "(0, 1]"},
      {"--router-min-experts 2", "only with --router-top-p"},
      {"--router-top-k 9", "top-k 9"},
      {"--router-top-k 2 --router-top-p 0.5", "not both"},
      {"--expert-mask 0:0,0:1,0:2,0:3,0:4,0:5,0:6,0:7", "every expert of layer 0"},
      {"--mask-mode zero", "needs --expert-mask"},
      {"--rice-from /nonexistent.json --rice-beta 2", "cannot open"},
  };
  for (const auto& c : cases) {
    auto r = run_command(base + c.flags);
    EXPECT_EQ(r.exit_code, 2) << c.flags << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.flags << "\n" << r.err;
  }
  auto r = run_command(kBinary + " experts npmi --model " + model_ + " --prompts " + dir_->file("prompts.jsonl") +
                       " --target-tokens 'hello world'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a single token"), std::string::npos) << r.err;
  dir_->write("bad.jsonl", "\"ok\"\n{\"text\": 3}\n");
  r = run_command(kBinary + " experts super --model " + model_ + " --prompts " + dir_->file("bad.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.jsonl:2"), std::string::npos) << r.err;
}

}  // namespace
