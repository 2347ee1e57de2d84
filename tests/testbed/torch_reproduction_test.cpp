// The in-process engine against the framework the testbed model was trained in: on the committed
// f32 checkpoint (benchmarks/testbed/model) it must reproduce, token for token, the greedy outputs
// torch produced when train.py finished (benchmarks/testbed/data/torch_greedy.jsonl), with thinking
// and without, for at least 100 held-out problems each. The prompts are rendered by the engine's own
// chat template and must tokenise to the ids torch was given.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.h"

namespace gauntlet::engine {
namespace {

const std::filesystem::path kTestbed = std::filesystem::path(GAUNTLET_SOURCE_DIR) / "benchmarks" / "testbed";

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

TEST(TestbedModel, EngineReproducesTorchGreedyOutputsInBothModes) {
  Engine engine(kTestbed / "model");
  EXPECT_EQ(engine.config().model_type, "qwen3_moe");
  EXPECT_EQ(engine.config().num_experts, 16);
  EXPECT_EQ(engine.config().num_experts_per_tok, 2);
  ASSERT_TRUE(engine.has_chat_template());

  auto rows = read_jsonl(kTestbed / "data" / "torch_greedy.jsonl");
  std::map<std::string, int> total, agree, prompt_agree;
  std::vector<GenerationRequest> requests;
  for (const auto& row : rows) {
    const std::string mode = row.at("mode");
    ASSERT_TRUE(mode == "thinking" || mode == "no_thinking") << mode;
    RenderOptions options;
    options.enable_thinking = mode == "thinking";
    std::string prompt = engine.chat_template().render({{"user", row.at("question"), std::nullopt}}, options);
    auto expected_prompt = row.at("prompt_ids").get<std::vector<int>>();
    if (engine.tokenizer().encode(prompt) == expected_prompt) ++prompt_agree[mode];
    GenerationRequest g;
    g.prompt_ids = expected_prompt;
    g.max_tokens = static_cast<int>(row.at("output_ids").size());
    g.sampling.temperature = 0;
    requests.push_back(std::move(g));
  }
  auto results = engine.generate(requests);
  ASSERT_EQ(results.size(), rows.size());
  int reported = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string mode = rows[i].at("mode");
    ++total[mode];
    auto expected = rows[i].at("output_ids").get<std::vector<int>>();
    auto got = results[i].token_ids();
    if (got == expected) {
      ++agree[mode];
    } else if (++reported <= 5) {
      std::size_t at = 0;
      while (at < got.size() && at < expected.size() && got[at] == expected[at]) ++at;
      ADD_FAILURE() << rows[i].at("id").get<std::string>() << " (" << mode << ", " << rows[i].at("question").get<std::string>()
                    << "): first difference at generated token " << at << "\n torch:  " << rows[i].at("text").get<std::string>()
                    << "\n engine: " << results[i].text;
    }
  }
  for (const char* mode : {"thinking", "no_thinking"}) {
    EXPECT_GE(total[mode], 100) << mode;
    EXPECT_EQ(prompt_agree[mode], total[mode]) << mode << ": rendered prompts that tokenise to torch's ids";
    EXPECT_EQ(agree[mode], total[mode]) << mode << ": outputs identical to torch's";
    std::printf("%s: engine = torch on %d/%d greedy outputs\n", mode, agree[mode], total[mode]);
  }
}

}  // namespace
}  // namespace gauntlet::engine
