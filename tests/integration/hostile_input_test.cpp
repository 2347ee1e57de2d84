// Issue 21, end to end: every hostile input the mutation fuzzer found against the released binary,
// run through the gauntlet command that crashed, hung or said nothing. Each must now end at once
// with its documented exit code (2 for input errors, 1 for a database gauntlet cannot use) and one
// message naming the file and the key, line or limit.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::CommandResult;
using gauntlet::testing::read_file;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

const std::string kBinary = GAUNTLET_BINARY;
const std::string kDeep = std::string(66000, '[') + std::string(66000, ']');

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs `args` and checks that it ends within 10 s with `exit_code` and `part` in stderr.
void expect_refused(const std::string& args, int exit_code, const std::string& part) {
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = run_command("timeout -s KILL 60 " + kBinary + " " + args);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10)) << args;
  EXPECT_EQ(r.exit_code, exit_code) << args.substr(0, 200) << "\n" << r.err.substr(0, 500);
  EXPECT_TRUE(has(r.err, part)) << args.substr(0, 200) << "\n" << r.err.substr(0, 500);
}

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = run_command(kBinary + " make-model --out " + dir.file("model"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    config = json::parse(read_file(dir.file("model/config.json")));
    tokenizer = json::parse(read_file(dir.file("model/tokenizer.json")));
    dir.write("data.jsonl", "{\"id\": \"a\", \"question\": \"1+1\", \"answer\": \"2\"}\n");
  }
  // A copy of the model named `name` with config.json / tokenizer.json replaced by the given text.
  std::string model_with(const std::string& name, const std::string& config_text, const std::string& tokenizer_text = "") {
    fs::copy(dir.file("model"), dir.file(name), fs::copy_options::recursive);
    if (!config_text.empty()) dir.write(name + "/config.json", config_text);
    if (!tokenizer_text.empty()) dir.write(name + "/tokenizer.json", tokenizer_text);
    return dir.file(name);
  }
  std::string suite(const std::string& name, const std::string& model_lines, const std::string& task_lines = "",
                    const std::string& dataset = "data.jsonl") {
    dir.write(name, "name: s\nmodels:\n  - name: toy\n    provider: toy\n" + model_lines + "tasks:\n  - name: t\n    dataset: " +
                        dataset + "\n    prompt: \"{question}\"\n    answer_field: answer\n    id_field: id\n    scorer: math\n" +
                        task_lines);
    return dir.file(name);
  }
  TempDir dir;
  json config, tokenizer;
};

TEST_F(HostileInput, DeepJsonInAReadConfigKey) {
  std::string text = config.dump();
  text.insert(1, "\"rms_norm_eps\": " + kDeep + ", ");
  std::string model = model_with("deep_config", text);
  expect_refused("generate --model " + model + " --prompt hi --max-tokens 1", 2,
                 model + "/config.json: line 1: nested deeper than 128 levels (the limit)");
}

TEST_F(HostileInput, DeepJsonInTokenizerDecoderType) {
  json t = tokenizer;
  t["decoder"]["type"] = "PLACEHOLDER";
  std::string text = t.dump();
  text.replace(text.find("\"PLACEHOLDER\""), 13, kDeep);
  std::string model = model_with("deep_tokenizer", "", text);
  expect_refused("tokenize --model " + model + " --text hi", 2, model + "/tokenizer.json: line 1: nested deeper than 128");
}

TEST_F(HostileInput, DeepJsonInDatasetRows) {
  for (const std::string& row : {"{\"id\": \"b\", \"question\": " + kDeep + ", \"answer\": \"2\"}",
                                 "{\"id\": \"b\", \"question\": \"1\", \"answer\": " + kDeep + "}",
                                 "{\"id\": " + kDeep + ", \"question\": \"1\", \"answer\": \"2\"}"}) {
    dir.write("deep.jsonl", read_file(dir.file("data.jsonl")) + row + "\n");
    expect_refused("eval " + suite("deep.yaml", "", "", "deep.jsonl") + " --db " + dir.file("deep.db") + " --no-progress",
                   2, "deep.jsonl:2: nested deeper than 128 levels (the limit)");
  }
}

TEST_F(HostileInput, DeepJsonInABattleLine) {
  dir.write("battles.jsonl", "{\"a\": \"x\", \"b\": \"y\", \"winner\": \"a\"}\n{\"a\": \"x\", \"b\": \"y\", \"winner\": " + kDeep + "}\n");
  expect_refused("ratings --battles " + dir.file("battles.jsonl"), 2,
                 "battles.jsonl:2: nested deeper than 128 levels (the limit)");
}

TEST_F(HostileInput, ThirteenThousandNestedParenthesesInAMathAnswer) {
  const std::string gold = std::string(13200, '(') + "1" + std::string(13200, ')');
  for (const std::string flags : {"", " --no-symbolic"}) {
    const auto start = std::chrono::steady_clock::now();
    auto r = run_command("timeout -s KILL 60 " + kBinary + " verify math --gold '" + gold + "' --pred 1 --json" + flags);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 300);
    EXPECT_FALSE(json::parse(r.out).at("equivalent").get<bool>());
  }
}

TEST_F(HostileInput, NegativeSchemaVersions) {
  dir.write("ok.yaml", read_file(suite("ok.yaml", "")));
  for (const std::string version : {"-1", "-100", "-1000"}) {
    const std::string db = dir.file("v" + version + ".db");
    auto made = run_command("sqlite3 " + db + " 'PRAGMA user_version=" + version + "'");
    if (made.exit_code != 0) {  // no sqlite3 shell: write the pragma through python's sqlite3
      made = run_command("/usr/bin/python3 -c \"import sqlite3; c = sqlite3.connect('" + db +
                         "'); c.execute('PRAGMA user_version=" + version + "'); c.commit()\"");
    }
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const std::string message = "schema version " + version + " is not one gauntlet writes";
    expect_refused("report --db " + db, 1, message);
    expect_refused("eval " + dir.file("ok.yaml") + " --db " + db + " --no-progress", 1, message);
  }
}

TEST_F(HostileInput, YamlAliasBombs) {
  for (int levels : {7, 9}) {
    std::string kwargs = "    chat_template_kwargs:\n      a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int i = 1; i <= levels; ++i) {
      kwargs += "      a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
      for (int k = 0; k < 9; ++k) kwargs += (k ? ", *a" : "*a") + std::to_string(i - 1);
      kwargs += "]\n";
    }
    expect_refused("eval " + suite("bomb.yaml", kwargs) + " --db " + dir.file("bomb.db") + " --no-progress", 2,
                   "the file expands to more than 100000 values (the limit");
  }
}

TEST_F(HostileInput, DuplicateYamlKeys) {
  expect_refused("eval " + suite("dup.yaml", "", "    samples: 1\n    samples: 3\n") + " --db " + dir.file("dup.db") +
                     " --no-progress",
                 2, "dup.yaml:13: tasks[0].samples: duplicate key (first at line 12)");
}

TEST_F(HostileInput, ConfigJsonWithANulByteAndGarbage) {
  std::string model = model_with("nul", config.dump() + std::string(1, '\0') + "garbage{{{");
  expect_refused("generate --model " + model + " --prompt hi --max-tokens 1", 2, model + "/config.json: line 1: a NUL byte");
}

TEST_F(HostileInput, TokenizerModelTypeOfTheWrongKind) {
  for (const json& type : {json(0.5), json(true), json("")}) {
    json t = tokenizer;
    t["model"]["type"] = type;
    std::string model = model_with("type" + std::to_string(type.type() == json::value_t::string ? 0 : type.is_boolean() ? 1 : 2), "", t.dump());
    expect_refused("tokenize --model " + model + " --text hi", 2, model + "/tokenizer.json: model.type");
  }
}

TEST_F(HostileInput, SharedExpertTensorsWithSharedExpertSizeZero) {
  auto r = run_command(kBinary + " make-model --arch qwen2_moe --out " + dir.file("q2"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json c = json::parse(read_file(dir.file("q2/config.json")));
  c["shared_expert_intermediate_size"] = 0;
  dir.write("q2/config.json", c.dump());
  expect_refused("generate --model " + dir.file("q2") + " --prompt hi --max-tokens 1", 2,
                 "shared_expert_intermediate_size is 0 (no shared expert) but tensor model.layers.0.mlp.shared_expert");
}

TEST_F(HostileInput, WrongTypesNameTheFileAndKey) {
  json t = tokenizer;
  t["added_tokens"][0]["special"] = "yes";
  std::string model = model_with("special", "", t.dump());
  const std::string message = model + "/tokenizer.json: added_tokens[0].special: expected true or false, got \"yes\"";
  expect_refused("tokenize --model " + model + " --text hi", 2, message);
  expect_refused("generate --model " + model + " --prompt hi --max-tokens 1", 2, message);
  expect_refused("eval " + suite("utf8.yaml", "  - name: \"to\xff" "y\"\n    provider: toy\n") + " --db " + dir.file("u.db") +
                     " --no-progress",
                 2, "utf8.yaml:5: models[1].name: not valid UTF-8 (byte 0xFF at offset 2 of the value)");
}

}  // namespace
