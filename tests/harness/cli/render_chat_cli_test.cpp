// `gauntlet render-chat`: a checkpoint's own chat template applied to conversations, one
// {"text", "ids"} object per case; a template that refuses a conversation, a bad case line or bad
// flags exit 2 with one message and print nothing.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
using ojson = nlohmann::ordered_json;

const std::string kBinary = GAUNTLET_BINARY;

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<ojson> lines_of(const std::string& out) {
  std::vector<ojson> v;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) v.push_back(ojson::parse(line));
  return v;
}

class RenderChatCli : public ::testing::Test {
 protected:
  void SetUp() override {
    model = dir.file("m");
    auto r = run_command(kBinary + " make-model --out " + model + " --dtype f32");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Replaces the checkpoint's chat template (tokenizer_config.json keeps its special tokens).
  void set_template(const std::string& text) {
    auto config = ojson::parse(gauntlet::testing::read_file(model + "/tokenizer_config.json"));
    config["chat_template"] = text;
    config["bos_token"] = "<|endoftext|>";
    dir.write("m/tokenizer_config.json", config.dump(2));
  }
  std::vector<int> tokenize(const std::string& text) {
    auto r = run_command(kBinary + " tokenize --model " + model + " --text " + quoted(text));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ojson::parse(r.out).get<std::vector<int>>();
  }

  TempDir dir;
  std::string model;
};

TEST_F(RenderChatCli, MessagesGiveTextAndTheTokenIdsOfIt) {
  auto r = run_command(kBinary + " render-chat --model " + model + " --messages " +
                       quoted(R"([{"role": "user", "content": "Hi"}])"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 1u);
  const std::string text = out[0]["text"];
  EXPECT_EQ(text, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(out[0]["ids"].get<std::vector<int>>(), tokenize(text));
  r = run_command(kBinary + " render-chat --model " + model + " --kwargs '{\"enable_thinking\": false}' --messages " +
                  quoted(R"([{"role": "user", "content": "Hi"}])"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0]["text"], "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
  r = run_command(kBinary + " render-chat --no-generation-prompt --model " + model + " --messages " +
                  quoted(R"([{"role": "user", "content": "Hi"}])"));
  EXPECT_EQ(lines_of(r.out)[0]["text"], "<|im_start|>user\nHi<|im_end|>\n");
}

TEST_F(RenderChatCli, ContinueFinalExtendsTheLastAssistantMessage) {
  auto r = run_command(kBinary + " render-chat --continue-final --model " + model + " --messages " +
                       quoted(R"([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hel"}])"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0]["text"], "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nHel");
}

TEST_F(RenderChatCli, JsonlCasesOneLineEachWithTheirOwnSwitches) {
  set_template(
      "{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}"
      "{% if tools %}{{ tools | tojson }}{% endif %}{% if add_generation_prompt %}>{% endif %}"
      "{% if flag is defined %}flag={{ flag }}{% endif %}");
  dir.write("cases.jsonl",
            R"({"messages": [{"role": "user", "content": "a"}]})" "\n"
            "\n"
            R"({"messages": [{"role": "user", "content": "é"}], "add_generation_prompt": false, "chat_template_kwargs": {"flag": 2}})" "\n"
            R"({"messages": [], "tools": [{"name": "t", "b": 1, "a": 2}]})" "\n");
  auto r = run_command(kBinary + " render-chat --model " + model + " --jsonl " + dir.file("cases.jsonl") +
                       " --kwargs '{\"flag\": 1}'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["text"], "<|endoftext|>[user:a]>flag=1");
  EXPECT_EQ(out[1]["text"], "<|endoftext|>[user:é]flag=2");
  // Keys keep the order the case file gives them.
  EXPECT_EQ(out[2]["text"], "<|endoftext|>[{\"name\": \"t\", \"b\": 1, \"a\": 2}]>flag=1");
  for (const auto& o : out) EXPECT_EQ(o["ids"].get<std::vector<int>>(), tokenize(o["text"]));
}

TEST_F(RenderChatCli, ATemplateThatRaisesExitsTwoWithItsMessageAndLine) {
  set_template("{% for m in messages %}\n{% if m.role == 'system' %}{{ raise_exception('no system turns') }}{% endif %}{% endfor %}ok");
  dir.write("cases.jsonl", R"({"messages": [{"role": "user", "content": "a"}]})" "\n"
                           R"({"messages": [{"role": "system", "content": "s"}]})" "\n");
  auto r = run_command(kBinary + " render-chat --model " + model + " --jsonl " + dir.file("cases.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");  // nothing printed: every case renders before any is written
  EXPECT_NE(r.err.find("cases.jsonl:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("template line 2: raise_exception: no system turns"), std::string::npos) << r.err;
  r = run_command(kBinary + " render-chat --model " + model + " --messages " + quoted(R"([{"role": "system", "content": "s"}])"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("raise_exception: no system turns"), std::string::npos) << r.err;
}

TEST_F(RenderChatCli, BrokenTemplatesAndInputsAreUsageErrors) {
  set_template("{% if x %}never closed");
  auto r = run_command(kBinary + " render-chat --model " + model + " --messages '[]'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tokenizer_config.json: template line 1: syntax error: Unexpected end of template"), std::string::npos)
      << r.err;
  set_template("{{ messages | length }}");
  dir.write("bad.jsonl", "{\"messages\": [{\"role\": \"user\"}]}\n{not json\n");
  r = run_command(kBinary + " render-chat --model " + model + " --jsonl " + dir.file("bad.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.jsonl:2"), std::string::npos) << r.err;
  dir.write("bad.jsonl", "{\"messages\": [], \"extra\": 1}\n");
  r = run_command(kBinary + " render-chat --model " + model + " --jsonl " + dir.file("bad.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown key 'extra'"), std::string::npos) << r.err;
  r = run_command(kBinary + " render-chat --model " + model);
  EXPECT_EQ(r.exit_code, 2);
  r = run_command(kBinary + " render-chat --model " + model + " --messages '{}'");
  EXPECT_EQ(r.exit_code, 2);
  r = run_command(kBinary + " render-chat --model " + model + " --messages '[]' --kwargs '[1]'");
  EXPECT_EQ(r.exit_code, 2);
  r = run_command(kBinary + " render-chat --model " + dir.file("missing") + " --messages '[]'");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
