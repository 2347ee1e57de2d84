// parse_json_input / load_json_input_file: the nesting limit (exactly at it parses, one more is an
// error naming the line and the limit, whatever key holds it), brackets inside strings, NUL bytes
// and trailing garbage, files that are not regular; json_brief for error messages.
#include "engine/json/json_input.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/support/command.h"

namespace gauntlet::engine {
namespace {

using gauntlet::testing::TempDir;

std::string nested(int depth, const std::string& leaf = "1") {
  return std::string(static_cast<std::size_t>(depth), '[') + leaf + std::string(static_cast<std::size_t>(depth), ']');
}

std::string error_of(std::string_view text, const std::string& source = "x.json") {
  try {
    parse_json_input(text, source);
  } catch (const JsonInputError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; }

TEST(JsonInput, NestingUpToTheLimitParses) {
  auto j = parse_json_input(nested(kMaxJsonDepth), "x.json");
  const nlohmann::json* inner = &j;
  for (int i = 0; i < kMaxJsonDepth; ++i) inner = &(*inner)[0];
  EXPECT_EQ(*inner, 1);
  EXPECT_NO_THROW(parse_json_input("{\"a\": " + nested(kMaxJsonDepth - 1) + "}", "x.json"));
}

TEST(JsonInput, OneLevelMoreIsAnErrorNamingTheSourceLineAndLimit) {
  auto msg = error_of("{\n\"a\": 1,\n\"b\": " + nested(kMaxJsonDepth) + "}");
  EXPECT_EQ(msg, "x.json: line 3: nested deeper than 128 levels (the limit)");
}

// The crash of issue 21: 66,000 levels in any key, read or not, is refused at once without
// building (or printing) anything.
TEST(JsonInput, SixtySixThousandLevelsAreRefusedQuickly) {
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& text : {nested(66000), "{\"rms_norm_eps\": " + nested(66000) + "}",
                                  "{\"a\": {\"b\": " + std::string(66000, '{') + "}}", std::string(66000, '[')}) {
    EXPECT_TRUE(has(error_of(text), "nested deeper than 128 levels")) << error_of(text).substr(0, 200);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(JsonInput, BracketsInsideStringsDoNotCount) {
  std::string deep_text = "\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"";
  auto j = parse_json_input("{\"k\": " + deep_text + "}", "x.json");
  EXPECT_EQ(j["k"].get<std::string>().size(), 2001u);
  // An escaped backslash before the closing quote ends the string; the brackets after it count.
  EXPECT_TRUE(has(error_of("[\"\\\\\", " + nested(kMaxJsonDepth) + "]"), "nested deeper"));
}

TEST(JsonInput, NulBytesAndTrailingGarbageAreErrors) {
  using namespace std::string_literals;
  EXPECT_EQ(error_of("{\"a\": 1}\0garbage{{"s), "x.json: line 1: a NUL byte at offset 8");
  EXPECT_TRUE(has(error_of("{\"a\": \"x\0y\"}"s), "a NUL byte at offset 8"));
  EXPECT_TRUE(has(error_of("{\"a\": 1}\n{} trailing"), "x.json: not valid JSON: parse error at line 2"));
  EXPECT_TRUE(has(error_of("{\"a\": 1} x"), "not valid JSON"));
  EXPECT_TRUE(has(error_of(""), "not valid JSON"));
  EXPECT_NO_THROW(parse_json_input(" \n{\"a\": 1}\r\n\t ", "x.json"));
}

// Found by the fuzz targets: a number beyond double's range is a library out_of_range, not a
// parse_error; it must still be a JsonInputError (before: an uncaught exception, exit 1).
TEST(JsonInput, NumbersBeyondDoubleAreErrors) {
  auto msg = error_of("{\"rms_norm_eps\": 1" + std::string(400, '0') + "}");
  EXPECT_EQ(msg.rfind("x.json: not valid JSON: number overflow parsing '1000", 0), 0u) << msg;
  EXPECT_LT(msg.size(), 300u);
  EXPECT_EQ(parse_json_input("[1e308, -1e308, 18446744073709551615, -9223372036854775808]", "x.json").size(), 4u);
}

TEST(JsonInput, ParseErrorsHaveNoLibraryTag) {
  auto msg = error_of("{\"a\": [1, 2}");
  EXPECT_TRUE(has(msg, "x.json: not valid JSON: parse error at line 1")) << msg;
  EXPECT_FALSE(has(msg, "[json.exception")) << msg;
}

TEST(JsonInput, FilesMustBeRegularAndReadable) {
  TempDir dir;
  dir.write("ok.json", "{\"a\": [1]}");
  EXPECT_EQ(load_json_input_file(dir.file("ok.json"))["a"][0], 1);
  auto error_of_file = [](const std::string& path) {
    try {
      load_json_input_file(path);
    } catch (const JsonInputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_TRUE(has(error_of_file(dir.file("absent.json")), dir.file("absent.json") + ": cannot open"));
  EXPECT_EQ(error_of_file(dir.path()), dir.path() + ": not a regular file");
  dir.write("deep.json", "{\n" + nested(500) + "}");
  EXPECT_EQ(error_of_file(dir.file("deep.json")), dir.file("deep.json") + ": line 2: nested deeper than 128 levels (the limit)");
}

TEST(JsonInput, BriefIsShortAndSafeForAnyBytes) {
  EXPECT_EQ(json_brief(nlohmann::json::parse("[1, {\"a\": \"b\"}]")), "[1,{\"a\":\"b\"}]");
  std::string long_text = json_brief(nlohmann::json(std::string(1000, 'x')), 20);
  EXPECT_EQ(long_text, "\"" + std::string(19, 'x') + "...");
  EXPECT_EQ(json_brief(nlohmann::json(std::string("a\xff") + "b")), "\"a\xEF\xBF\xBD" "b\"");
  // Never cut inside a UTF-8 sequence.
  std::string cut = json_brief(nlohmann::json("\xC3\xA9\xC3\xA9\xC3\xA9"), 4);
  EXPECT_EQ(cut, "\"\xC3\xA9...");
}

}  // namespace
}  // namespace gauntlet::engine
