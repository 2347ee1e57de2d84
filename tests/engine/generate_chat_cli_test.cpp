// `gauntlet generate --chat` on random OLMoE and Mixtral checkpoints carrying their own chat
// templates (the tulu <|user|> format and Mixtral's [INST]; tests/engine/text/chat_templates):
// the prompt the engine feeds the model is the template's rendering, token for token, and a
// template that refuses the conversation exits 2 with its message.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
using ojson = nlohmann::ordered_json;

const std::string kBinary = GAUNTLET_BINARY;
const std::string kTemplates = std::string(GAUNTLET_SOURCE_DIR) + "/tests/engine/text/chat_templates/";

std::vector<int> tokenize(const std::string& model, const std::string& text) {
  TempDir dir;
  dir.write("t.jsonl", ojson(text).dump() + "\n");
  auto r = run_command(kBinary + " tokenize --model " + model + " --jsonl " + dir.file("t.jsonl"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return ojson::parse(r.out).get<std::vector<int>>();
}

// A random checkpoint of `arch` whose tokenizer_config.json carries `template_file` and the
// given special tokens.
std::string checkpoint(const TempDir& dir, const std::string& arch, const std::string& template_file, const ojson& special) {
  const std::string model = dir.file(arch);
  auto r = run_command(kBinary + " make-model --arch " + arch + " --out " + model + " --dtype f32 --seed 3");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto config = ojson::parse(read_file(model + "/tokenizer_config.json"));
  config["chat_template"] = read_file(kTemplates + template_file);
  for (auto it = special.begin(); it != special.end(); ++it) config[it.key()] = it.value();
  dir.write(arch + "/tokenizer_config.json", config.dump(2));
  return model;
}

ojson generate_chat(const std::string& model, const std::string& prompt) {
  auto r = run_command(kBinary + " generate --chat --json --max-tokens 4 --model " + model + " --prompt '" + prompt + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? ojson::parse(r.out) : ojson();
}

TEST(GenerateChatCli, OlmoeChatsInItsTuluTemplate) {
  TempDir dir;
  const std::string model = checkpoint(dir, "olmoe", "olmoe_tulu.jinja", {{"eos_token", "<|endoftext|>"}});
  auto out = generate_chat(model, "Hi there");
  ASSERT_TRUE(out.is_object());
  EXPECT_EQ(out["prompt_ids"].get<std::vector<int>>(), tokenize(model, "<|user|>\nHi there\n<|assistant|>\n"));
  EXPECT_EQ(out["tokens"].size(), 4u);
}

TEST(GenerateChatCli, MixtralChatsInItsInstTemplateAndRefusesWhatItRefuses) {
  TempDir dir;
  const std::string model = checkpoint(dir, "mixtral", "mixtral_v01.jinja", {{"bos_token", "<|endoftext|>"}, {"eos_token", "<|im_end|>"}});
  auto out = generate_chat(model, "Hi there");
  ASSERT_TRUE(out.is_object());
  EXPECT_EQ(out["prompt_ids"].get<std::vector<int>>(), tokenize(model, "<|endoftext|>[INST] Hi there [/INST]"));
  // The same checkpoint with a template that requires a system turn first: exit 2, its message.
  dir.write("mixtral/chat_template.jinja",
            "{% if messages[0]['role'] != 'system' %}{{ raise_exception('a system message must come first') }}{% endif %}");
  auto r = run_command(kBinary + " generate --chat --max-tokens 2 --model " + model + " --prompt 'Hi'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("chat_template.jinja: template line 1: raise_exception: a system message must come first"),
            std::string::npos)
      << r.err;
}

}  // namespace
