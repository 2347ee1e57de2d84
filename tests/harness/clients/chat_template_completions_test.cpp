// A model's `chat_template: PATH` (an openai model on the completions endpoint): the config loads
// the checkpoint's template (a directory or a tokenizer_config.json), the fingerprint follows its
// content rather than where it lives, and the client sends messages as the template renders them.
#include <gtest/gtest.h>

#include <string>

#include <yaml-cpp/yaml.h>

#include "harness/clients/model_spec_reader.h"
#include "harness/clients/openai_client.h"
#include "harness/errors/errors.h"
#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"

namespace gauntlet::harness {
namespace {

using gauntlet::testing::TempDir;

const char* kTemplate =
    "{%- for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}"
    "{%- if add_generation_prompt %}<|assistant|>{% if enable_thinking is defined and not enable_thinking %}"
    "<nothink>{% endif %}{% endif %}";

void write_config(const TempDir& dir, const std::string& sub, const std::string& chat_template) {
  nlohmann::json config = {{"chat_template", chat_template}, {"eos_token", "</s>"}};
  std::filesystem::create_directories(dir.file(sub));
  dir.write(sub + "/tokenizer_config.json", config.dump());
}

ModelSpec read(const TempDir& dir, const std::string& yaml) {
  dir.write("suite.yaml", yaml);
  return read_model_spec(YAML::Load(yaml), dir.file("suite.yaml"), "models[0]");
}

std::string model_yaml(const std::string& url, const std::string& extra) {
  return "name: m\nbase_url: " + url + "\nendpoint: completions\nmax_retries: 0\n" + extra;
}

std::string config_error(const TempDir& dir, const std::string& yaml) {
  try {
    read(dir, yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << yaml;
  return "";
}

TEST(ChatTemplateCompletions, LoadsTheTemplateAndFingerprintsItsContent) {
  TempDir dir;
  write_config(dir, "a", kTemplate);
  write_config(dir, "b", kTemplate);
  write_config(dir, "c", std::string(kTemplate) + "!");
  ModelSpec a = read(dir, model_yaml("http://127.0.0.1:1/v1", "chat_template: a\n"));
  ASSERT_TRUE(a.chat_template);
  EXPECT_TRUE(a.sends_messages());
  ModelSpec b = read(dir, model_yaml("http://127.0.0.1:1/v1", "chat_template: " + dir.file("b/tokenizer_config.json") + "\n"));
  ModelSpec c = read(dir, model_yaml("http://127.0.0.1:1/v1", "chat_template: c\n"));
  ModelSpec none = read(dir, model_yaml("http://127.0.0.1:1/v1", ""));
  EXPECT_FALSE(none.sends_messages());
  EXPECT_EQ(a.fingerprint_json(), b.fingerprint_json());  // same template, another place
  EXPECT_NE(a.fingerprint_json(), c.fingerprint_json());
  EXPECT_NE(a.fingerprint_json(), none.fingerprint_json());
}

TEST(ChatTemplateCompletions, ConfigProblemsAreConfigErrors) {
  TempDir dir;
  write_config(dir, "ok", kTemplate);
  write_config(dir, "broken", "line one\n{% for m in messages %}");
  EXPECT_NE(config_error(dir, "name: m\nbase_url: http://h/v1\nchat_template: ok\n").find("endpoint: completions"),
            std::string::npos);
  EXPECT_NE(config_error(dir, model_yaml("http://h/v1", "chat_template: missing\n")).find("missing"), std::string::npos);
  const std::string broken = config_error(dir, model_yaml("http://h/v1", "chat_template: broken\n"));
  EXPECT_NE(broken.find("template line 2: syntax error"), std::string::npos) << broken;
}

TEST(ChatTemplateCompletions, TheClientSendsTheRenderedPrompt) {
  TempDir dir;
  write_config(dir, "t", kTemplate);
  gauntlet::testing::FakeOpenAIServer server;
  server.start();
  ModelSpec spec = read(dir, model_yaml(server.base_url(), "chat_template: t\nchat_template_kwargs: {enable_thinking: false}\n"));
  OpenAIClient client(spec);
  ChatRequest request;
  request.messages = {{"system", "Be brief."}, {"user", "What is 2+3?"}};
  ChatResult result = client.submit(request).get();
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_NE(result.choices.at(0).text.find('5'), std::string::npos) << result.choices.at(0).text;
  const auto stats = server.stats();
  EXPECT_TRUE(stats["by_prompt"].contains("<|system|>Be brief.\n<|user|>What is 2+3?\n<|assistant|><nothink>")) << stats.dump();

  // A template that refuses the messages: the request fails without reaching the server.
  write_config(dir, "strict", "{{ raise_exception('only user turns') if messages[0].role != 'user' }}");
  OpenAIClient strict(read(dir, model_yaml(server.base_url(), "chat_template: strict\n")));
  const auto before = server.stats()["requests"].get<int>();
  result = strict.submit(request).get();
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("chat template:"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("raise_exception: only user turns"), std::string::npos) << result.error;
  EXPECT_EQ(server.stats()["requests"].get<int>(), before);
}

}  // namespace
}  // namespace gauntlet::harness
