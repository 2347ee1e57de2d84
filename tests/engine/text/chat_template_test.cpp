#include "engine/text/chat_template.h"

#include <gtest/gtest.h>

#include "engine/text/tokenizer_error.h"
#include "engine/text/tokenizer_writer.h"
#include "tests/support/command.h"

namespace gauntlet::engine {
namespace {

RenderOptions opts(bool generation_prompt = true, bool thinking = true, std::string prefill = "") {
  RenderOptions o;
  o.add_generation_prompt = generation_prompt;
  o.enable_thinking = thinking;
  o.assistant_prefill = std::move(prefill);
  return o;
}

TEST(ChatTemplate, Qwen3GenerationPromptWithAndWithoutThinking) {
  ChatTemplate t(ChatFormat::kQwen3);
  std::vector<ChatTurn> chat = {{"user", "Hi", {}}};
  EXPECT_EQ(t.render(chat), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(t.render(chat, opts(true, false)),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
  EXPECT_EQ(t.render(chat, opts(false)), "<|im_start|>user\nHi<|im_end|>\n");
}

TEST(ChatTemplate, Qwen3SystemFirstAndPastReasoningDropped) {
  ChatTemplate t(ChatFormat::kQwen3);
  std::vector<ChatTurn> chat = {{"system", "Be brief.", {}},
                                {"user", "1+1?", {}},
                                {"assistant", "<think>\nadd\n</think>\n\n2", {}},
                                {"user", "2+2?", {}}};
  EXPECT_EQ(t.render(chat),
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n1+1?<|im_end|>\n"
            "<|im_start|>assistant\n2<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, Qwen3TurnsAfterTheLastQueryKeepReasoning) {
  ChatTemplate t(ChatFormat::kQwen3);
  std::vector<ChatTurn> chat = {{"user", "q", {}}, {"assistant", "answer", std::string("\nthought\n")}};
  EXPECT_EQ(t.render(chat, opts(false)),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\nthought\n</think>\n\nanswer<|im_end|>\n");
  // The last assistant turn always gets a think block, even an empty one.
  std::vector<ChatTurn> bare = {{"user", "q", {}}, {"assistant", "a", {}}};
  EXPECT_EQ(t.render(bare, opts(false)),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\na<|im_end|>\n");
}

TEST(ChatTemplate, PrefillContinuesTheAssistantMessage) {
  ChatTemplate t(ChatFormat::kQwen3);
  std::vector<ChatTurn> chat = {{"user", "Hi", {}}};
  EXPECT_EQ(t.render(chat, opts(true, true, "<think>\nLet me")),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nLet me");
  EXPECT_EQ(t.render(chat, opts(true, false, "The answer is")),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nThe answer is");
}

TEST(ChatTemplate, ToolResponsesGoInUserTurns) {
  ChatTemplate t(ChatFormat::kQwen3);
  std::vector<ChatTurn> chat = {{"user", "q", {}}, {"tool", "r1", {}}, {"tool", "r2", {}}};
  EXPECT_EQ(t.render(chat, opts(false)),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>user\n<tool_response>\nr1\n</tool_response>\n"
            "<tool_response>\nr2\n</tool_response><|im_end|>\n");
}

TEST(ChatTemplate, PlainChatMLHasNoThinkHandling) {
  ChatTemplate t(ChatFormat::kChatML);
  std::vector<ChatTurn> chat = {{"user", "q", {}}, {"assistant", "<think>x</think>a", {}}, {"user", "r", {}}};
  EXPECT_EQ(t.render(chat, opts(true, false)),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>x</think>a<|im_end|>\n"
            "<|im_start|>user\nr<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, LoadsTheFamilyFromTokenizerConfig) {
  gauntlet::testing::TempDir dir;
  write_default_tokenizer(dir.path());
  EXPECT_EQ(ChatTemplate::load(dir.path()).format(), ChatFormat::kQwen3);
  dir.write("plain.json", R"({"chat_template": "{% for m in messages %}<|im_start|>{{m.role}}{% endfor %}"})");
  EXPECT_EQ(ChatTemplate::load(dir.file("plain.json")).format(), ChatFormat::kChatML);
  dir.write("llama.json", R"({"chat_template": "<|start_header_id|>"})");
  EXPECT_THROW(ChatTemplate::load(dir.file("llama.json")), TokenizerError);
  EXPECT_THROW(ChatTemplate::load(dir.file("missing.json")), TokenizerError);
}

}  // namespace
}  // namespace gauntlet::engine
