// ChatTemplate: a checkpoint's own Jinja template applied as transformers' apply_chat_template
// applies it. The Qwen3 expectations are the rules engine.md §3.4 states, rendered through our
// own copy of the Qwen3 template (tests/engine/text/chat_templates/qwen3.jinja).
#include "engine/text/chat_template.h"

#include <gtest/gtest.h>

#include "engine/text/jinja/error.h"
#include "engine/text/tokenizer_error.h"
#include "engine/text/tokenizer_writer.h"
#include "tests/support/command.h"

namespace gauntlet::engine {
namespace {

using ojson = nlohmann::ordered_json;

std::string template_file(const std::string& name) {
  return gauntlet::testing::read_file(std::string(GAUNTLET_SOURCE_DIR) + "/tests/engine/text/chat_templates/" + name);
}

ChatTemplate qwen3() {
  return ChatTemplate::from_template_text(template_file("qwen3.jinja"), "qwen3.jinja",
                                          {{"eos_token", "<|im_end|>"}, {"pad_token", "<|endoftext|>"}});
}

RenderOptions opts(bool generation_prompt = true, bool thinking = true, std::string prefill = "") {
  RenderOptions o;
  o.add_generation_prompt = generation_prompt;
  o.enable_thinking = thinking;
  o.assistant_prefill = std::move(prefill);
  return o;
}

// Catches the TemplateError `fn` throws and returns it (a test failure when nothing is thrown).
template <typename Fn>
jinja::TemplateError error_of(Fn fn) {
  try {
    fn();
  } catch (const jinja::TemplateError& e) {
    return e;
  }
  ADD_FAILURE() << "no TemplateError thrown";
  return jinja::TemplateError(jinja::ErrorKind::kType, "none");
}

TEST(ChatTemplate, Qwen3GenerationPromptWithAndWithoutThinking) {
  ChatTemplate t = qwen3();
  std::vector<ChatTurn> chat = {{"user", "Hi", {}}};
  EXPECT_EQ(t.render(chat), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(t.render(chat, opts(true, false)),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
  EXPECT_EQ(t.render(chat, opts(false)), "<|im_start|>user\nHi<|im_end|>\n");
}

TEST(ChatTemplate, Qwen3SystemFirstAndPastReasoningDropped) {
  ChatTemplate t = qwen3();
  std::vector<ChatTurn> chat = {{"system", "Be brief.", {}},
                                {"user", "1+1?", {}},
                                {"assistant", "<think>\nadd\n</think>\n\n2", {}},
                                {"user", "2+2?", {}}};
  EXPECT_EQ(t.render(chat),
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n1+1?<|im_end|>\n"
            "<|im_start|>assistant\n2<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, Qwen3TurnsAfterTheLastQueryKeepReasoning) {
  ChatTemplate t = qwen3();
  std::vector<ChatTurn> chat = {{"user", "q", {}}, {"assistant", "answer", std::string("\nthought\n")}};
  EXPECT_EQ(t.render(chat, opts(false)),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\nthought\n</think>\n\nanswer<|im_end|>\n");
  // The last assistant turn always gets a think block, even an empty one.
  std::vector<ChatTurn> bare = {{"user", "q", {}}, {"assistant", "a", {}}};
  EXPECT_EQ(t.render(bare, opts(false)),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\na<|im_end|>\n");
}

TEST(ChatTemplate, PrefillIsAppendedVerbatim) {
  ChatTemplate t = qwen3();
  std::vector<ChatTurn> chat = {{"user", "Hi", {}}};
  EXPECT_EQ(t.render(chat, opts(true, true, "<think>\nLet me")),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nLet me");
  EXPECT_EQ(t.render(chat, opts(true, false, "The answer is")),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nThe answer is");
}

TEST(ChatTemplate, ToolResponsesGoInUserTurns) {
  ChatTemplate t = qwen3();
  std::vector<ChatTurn> chat = {{"user", "q", {}}, {"tool", "r1", {}}, {"tool", "r2", {}}};
  EXPECT_EQ(t.render(chat, opts(false)),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>user\n<tool_response>\nr1\n</tool_response>\n"
            "<tool_response>\nr2\n</tool_response><|im_end|>\n");
}

TEST(ChatTemplate, ToolDefinitionsAndCallsAsJson) {
  ChatTemplate t = qwen3();
  ChatInput in;
  in.messages = ojson::parse(R"([{"role": "user", "content": "Paris?"},
      {"role": "assistant", "content": "", "tool_calls": [{"type": "function",
        "function": {"name": "weather", "arguments": {"city": "Paris", "unit": "°C"}}}]}])");
  in.tools = ojson::parse(R"([{"type": "function", "function": {"name": "weather", "parameters": {}}}])");
  in.add_generation_prompt = false;
  const std::string out = t.render(in);
  // tojson keeps non-ASCII and Python's ", " / ": " separators.
  EXPECT_NE(out.find("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"weather\", \"parameters\": {}}}\n</tools>"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("<tool_call>\n{\"name\": \"weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"°C\"}}\n</tool_call>"),
            std::string::npos)
      << out;
}

TEST(ChatTemplate, ChatMLFallbackHasNoThinkHandling) {
  ChatTemplate t = ChatTemplate::chatml();
  std::vector<ChatTurn> chat = {{"user", "q", {}}, {"assistant", "<think>x</think>a", {}}, {"user", "r", {}}};
  EXPECT_EQ(t.render(chat, opts(true, false)),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>x</think>a<|im_end|>\n"
            "<|im_start|>user\nr<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, SpecialTokensAndEveryKwargReachTheTemplate) {
  ChatTemplate t = ChatTemplate::from_template_text(
      "{{ bos_token }}|{{ eos_token }}|{{ custom_flag }}|{{ date_string | default('none') }}|{{ add_generation_prompt }}",
      "inline", {{"bos_token", "<s>"}, {"eos_token", "</s>"}});
  ChatInput in;
  in.kwargs = {{"custom_flag", 7}, {"date_string", "1 Jan"}};
  EXPECT_EQ(t.render(in), "<s>|</s>|7|1 Jan|True");
  // A kwarg overrides a special token of the same name, as in transformers.
  in.kwargs = {{"bos_token", "<B>"}};
  EXPECT_EQ(t.render(in), "<B>|</s>||none|True");
}

TEST(ChatTemplate, KwargsMayNotReplaceArguments) {
  ChatTemplate t = qwen3();
  ChatInput in;
  in.messages = ojson::parse(R"([{"role": "user", "content": "x"}])");
  in.kwargs = {{"messages", ojson::array()}};
  EXPECT_NE(error_of([&] { t.render(in); }).message().find("may not set 'messages'"), std::string::npos);
}

TEST(ChatTemplate, ContinueFinalMessageCutsWhereTheMessageEnds) {
  ChatTemplate t = qwen3();
  ChatInput in;
  in.messages = ojson::parse(R"([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello th"}])");
  in.add_generation_prompt = false;
  in.continue_final_message = true;
  EXPECT_EQ(t.render(in), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nHello th");
  // Content as parts: the last text part is continued.
  ChatTemplate parts = ChatTemplate::from_template_text(
      "{% for m in messages %}[{{ m.role }}]{% for p in m.content %}{{ p.text }};{% endfor %}{% endfor %}", "parts");
  in.messages = ojson::parse(R"([{"role": "assistant", "content": [{"type": "text", "text": "one"}, {"type": "image"}]}])");
  EXPECT_EQ(parts.render(in), "[assistant]one");
  in.add_generation_prompt = true;
  EXPECT_NE(error_of([&] { t.render(in); }).message().find("not compatible"), std::string::npos);
}

TEST(ChatTemplate, ContinueFinalMessageRefusesTemplatesThatDropTheMessage) {
  ChatTemplate t = ChatTemplate::from_template_text("{% for m in messages %}{{ m.role }}{% endfor %}", "drops");
  ChatInput in;
  in.messages = ojson::parse(R"([{"role": "assistant", "content": "partial"}])");
  in.add_generation_prompt = false;
  in.continue_final_message = true;
  EXPECT_NE(error_of([&] { t.render(in); }).message().find("does not appear in the chat"), std::string::npos);
}

TEST(ChatTemplate, RaiseExceptionIsKindRaisedWithTheTemplatesMessage) {
  ChatTemplate t = ChatTemplate::from_template_text(template_file("mixtral_v01.jinja"), "mixtral.jinja",
                                                    {{"bos_token", "<s>"}, {"eos_token", "</s>"}});
  std::vector<ChatTurn> chat = {{"user", "a", {}}, {"user", "b", {}}};
  auto e = error_of([&] { t.render(chat); });
  EXPECT_EQ(e.kind(), jinja::ErrorKind::kRaised);
  EXPECT_EQ(e.message(), "Conversation roles must alternate user/assistant/user/assistant/...");
  EXPECT_EQ(std::string(e.what()),
            "mixtral.jinja: template line 1: raise_exception: Conversation roles must alternate "
            "user/assistant/user/assistant/...");
  EXPECT_EQ(t.render({{"user", "a", {}}, {"assistant", "b", {}}}, opts(false)), "<s>[INST] a [/INST]b</s>");
}

TEST(ChatTemplate, ASyntaxErrorNamesTheFileAndLine) {
  auto e = error_of([] { ChatTemplate::from_template_text("line 1\n{% if x %}\nnever closed", "t.jinja"); });
  EXPECT_EQ(e.kind(), jinja::ErrorKind::kSyntax);
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(std::string(e.what()).rfind("t.jinja: template line 3: syntax error: Unexpected end of template.", 0), 0u)
      << e.what();
}

TEST(ChatTemplate, LoadsFromTheCheckpointDirectory) {
  gauntlet::testing::TempDir dir;
  write_default_tokenizer(dir.path());
  ChatTemplate t = ChatTemplate::load(dir.path());
  EXPECT_EQ(t.text(), default_chat_template());
  EXPECT_EQ(t.special_tokens().value("eos_token", ""), "<|im_end|>");
  EXPECT_EQ(t.special_tokens().value("pad_token", ""), "<|endoftext|>");
  EXPECT_FALSE(t.special_tokens().contains("bos_token"));  // null in the config
  // chat_template.jinja next to the config wins, as in transformers.
  dir.write("chat_template.jinja", "J{{ eos_token }}");
  EXPECT_EQ(ChatTemplate::load(dir.path()).render(ChatInput{}), "J<|im_end|>");
  EXPECT_TRUE(ChatTemplate::find(dir.path()).has_value());
}

TEST(ChatTemplate, TheListFormPicksDefaultOrToolUse) {
  ojson config = {{"bos_token", {{"content", "<s>"}, {"lstrip", false}}},
                  {"chat_template", ojson::array({{{"name", "default"}, {"template", "D{{ bos_token }}"}},
                                                  {{"name", "tool_use"}, {"template", "T{{ tools | length }}"}}})}};
  ChatTemplate t = ChatTemplate::from_config(config, "cfg");
  ChatInput in;
  EXPECT_EQ(t.render(in), "D<s>");
  in.tools = ojson::array();  // tools given (even empty): transformers picks tool_use
  EXPECT_EQ(t.render(in), "T0");
  config["chat_template"] = ojson::array({{{"name", "rag"}, {"template", "R"}}, {{"name", "x"}, {"template", "X"}}});
  EXPECT_THROW(ChatTemplate::from_config(config, "cfg"), TokenizerError);
}

TEST(ChatTemplate, MissingOrUnusableConfigsAreTokenizerErrors) {
  gauntlet::testing::TempDir dir;
  EXPECT_THROW(ChatTemplate::load(dir.file("missing.json")), TokenizerError);
  EXPECT_FALSE(ChatTemplate::find(dir.path()).has_value());
  dir.write("tokenizer_config.json", "{not json");
  EXPECT_THROW(ChatTemplate::load(dir.file("tokenizer_config.json")), TokenizerError);
  dir.write("tokenizer_config.json", R"({"eos_token": "x"})");
  EXPECT_FALSE(ChatTemplate::find(dir.path()).has_value());
  EXPECT_THROW(ChatTemplate::load(dir.file("tokenizer_config.json")), TokenizerError);
}

}  // namespace
}  // namespace gauntlet::engine
