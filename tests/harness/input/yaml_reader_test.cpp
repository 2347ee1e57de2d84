// load_yaml_file: the limits and rules of a config file (issue 21). An alias bomb stops at the
// value budget at once (before: 40 s and 3.3 GB for 7 levels, killed at 8-9), duplicate keys are
// errors (before: the first was kept silently), invalid UTF-8 is named with its key (before: a
// library message from the JSON encoder, exit 1), and nesting, non-scalar keys, directories and
// oversized files are clean ConfigErrors naming the file, the line and the key path.
#include "harness/input/yaml_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "harness/errors/errors.h"
#include "tests/support/command.h"

namespace gauntlet::harness {
namespace {

using gauntlet::testing::TempDir;

class YamlFile : public ::testing::Test {
 protected:
  YAML::Node load(const std::string& text) {
    dir.write("c.yaml", text);
    return load_yaml_file(dir.file("c.yaml"), "suite");
  }
  // The ConfigError message with the file name cut off ("" when it loads).
  std::string error_of(const std::string& text) {
    try {
      load(text);
    } catch (const ConfigError& e) {
      std::string msg = e.what();
      EXPECT_EQ(msg.rfind(dir.file("c.yaml"), 0), 0u) << msg;
      return msg.substr(dir.file("c.yaml").size());
    }
    return "";
  }
  TempDir dir;
};

// levels of 9 aliases each over a list of 9 strings: 9^(levels+1) values once expanded.
std::string alias_bomb(int levels) {
  std::string out = "name: bomb\nkwargs:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= levels; ++i) {
    out += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) out += (k ? ", *a" : "*a") + std::to_string(i - 1);
    out += "]\n";
  }
  return out;
}

TEST_F(YamlFile, AliasesWithinTheBudgetWork) {
  auto root = load("base: &b {temperature: 0.5}\nother: *b\nlist: [*b, *b]\n");
  EXPECT_EQ(root["other"]["temperature"].as<double>(), 0.5);
  EXPECT_EQ(yaml_to_json(root["list"]).dump(), R"([{"temperature":0.5},{"temperature":0.5}])");
}

TEST_F(YamlFile, AliasBombsStopAtTheBudgetAtOnce) {
  for (int levels : {5, 7, 9, 30}) {
    const auto start = std::chrono::steady_clock::now();
    auto msg = error_of(alias_bomb(levels));
    EXPECT_NE(msg.find("the file expands to more than 100000 values (the limit; aliases count each time they are used)"),
              std::string::npos)
        << levels << ": " << msg;
    EXPECT_EQ(msg.rfind(":", 0), 0u);  // ":LINE: key.path: ..."
    EXPECT_NE(msg.find(": kwargs.a"), std::string::npos) << msg;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << levels;
  }
  EXPECT_EQ(error_of(alias_bomb(4)), "");  // 9^5 = 59,049 values
}

// Found by fuzz_suite_yaml: a long key or value reached many times through aliases. The check walks
// the expanded document, so the text it would scan (and later copy) is budgeted too, and key paths
// are only spelled out for an error, with long keys cut.
TEST_F(YamlFile, LongTextRepeatedThroughAliasesStopsAtTheTextBudget) {
  const std::string big(1 << 20, 'x');  // 1 MiB
  std::string yaml = "name: t\nbig: &b \"" + big + "\"\nuses: [";
  for (int i = 0; i < 100; ++i) yaml += std::string(i ? ", " : "") + "*b";  // 100 MiB once expanded
  yaml += "]\n";
  auto msg = error_of(yaml);
  EXPECT_NE(msg.find("uses["), std::string::npos) << msg;
  EXPECT_NE(msg.find("the file expands to more than 64 MiB of text (the limit; aliases count each time they are used)"),
            std::string::npos)
      << msg;

  // A 1 MiB key under an alias used 100 times: the error names the key cut to 80 characters.
  std::string keyed = "name: t\nm: &m\n  ? " + big + "\n  : 1\nuses: [";  // an explicit key: no length limit
  for (int i = 0; i < 100; ++i) keyed += std::string(i ? ", " : "") + "*m";
  keyed += "]\n";
  msg = error_of(keyed);
  EXPECT_NE(msg.find("more than 64 MiB of text"), std::string::npos) << msg.substr(0, 300);
  EXPECT_LT(msg.size(), 400u);
  EXPECT_NE(msg.find(std::string(77, 'x') + "..."), std::string::npos) << msg.substr(0, 300);
}

TEST_F(YamlFile, DuplicateKeysAreErrors) {
  EXPECT_EQ(error_of("name: x\ntasks:\n  - name: t\n    samples: 1\n    samples: 3\n"),
            ":5: tasks[0].samples: duplicate key (first at line 4)");
  EXPECT_EQ(error_of("a: 1\nb: 2\na: 1\n"), ":3: a: duplicate key (first at line 1)");
  EXPECT_EQ(error_of("m: {x: 1, y: 2, x: 3}\n"), ":1: m.x: duplicate key (first at line 1)");
}

TEST_F(YamlFile, InvalidUtf8IsNamedWithItsKey) {
  EXPECT_EQ(error_of("models:\n  - name: \"to\xffy\"\n"), ":2: models[0].name: not valid UTF-8 (byte 0xFF at offset 2 of the value)");
  EXPECT_EQ(error_of("\xc3\x28: 1\n"), ":1: \xc3\x28: not valid UTF-8 (byte 0xC3 at offset 0 of the value)");
  EXPECT_EQ(error_of("a: \"\xed\xa0\x80\"\n"), ":1: a: not valid UTF-8 (byte 0xED at offset 0 of the value)");  // a surrogate
  EXPECT_EQ(error_of("a: \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"\n"), "");
}

TEST_F(YamlFile, NestingAndKeysThatAreNotScalars) {
  std::string deep = "a: " + std::string(70, '[') + std::string(70, ']') + "\n";
  std::string path = "a";
  for (int i = 0; i < 64; ++i) path += "[0]";
  EXPECT_EQ(error_of(deep), ":1: " + path + ": nested deeper than 64 levels (the limit)");
  // Far deeper input is the YAML parser's own error, at once.
  auto msg = error_of("a: " + std::string(100000, '[') + "\n");
  EXPECT_NE(msg.find(": yaml: "), std::string::npos) << msg.substr(0, 200);
  EXPECT_EQ(error_of("? [a, b]\n: 1\n"), ":1: (top level): a key must be a plain value, not a list or a mapping");
}

TEST_F(YamlFile, FilesThatCannotBeRead) {
  auto error_for = [&](const std::string& path) {
    try {
      load_yaml_file(path, "suite");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error_for(dir.file("absent.yaml")), dir.file("absent.yaml") + ": file: cannot read the suite file");
  EXPECT_EQ(error_for(dir.path()), dir.path() + ": file: the suite file is not a regular file");
  dir.write("big.yaml", "a: 1\n");
  std::filesystem::resize_file(dir.file("big.yaml"), kMaxYamlFileBytes + 1);
  EXPECT_EQ(error_for(dir.file("big.yaml")),
            dir.file("big.yaml") + ": file: the suite file has 16777217 bytes, more than 16777216 (the limit)");
  dir.write("empty.yaml", "# nothing\n");
  EXPECT_EQ(error_for(dir.file("empty.yaml")), dir.file("empty.yaml") + ": file: the suite file is empty");
}

}  // namespace
}  // namespace gauntlet::harness
