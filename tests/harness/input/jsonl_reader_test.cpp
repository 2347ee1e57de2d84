// JsonlReader: values line by line with file:line errors, and the limits of outside input: nesting
// (issue 21: 66,000 levels in a dataset row crashed the process), NUL bytes, trailing bytes after a
// value, and the line length (checked before a line is held whole). Lines longer than the read
// buffer, CRLF endings and a last line without '\n' read as usual.
#include "harness/input/jsonl_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "harness/errors/errors.h"

namespace gauntlet::harness {
namespace {

std::vector<nlohmann::json> read_all(const std::string& text, std::size_t max_line = JsonlReader::kMaxLineBytes) {
  std::istringstream in(text);
  JsonlReader reader(in, "rows.jsonl", max_line);
  std::vector<nlohmann::json> out;
  nlohmann::json j;
  while (reader.next(j)) out.push_back(j);
  return out;
}

std::string error_of(const std::string& text, std::size_t max_line = JsonlReader::kMaxLineBytes) {
  try {
    read_all(text, max_line);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "";
}

TEST(JsonlReader, ValuesBlankLinesCrlfAndNoFinalNewline) {
  auto rows = read_all("{\"a\": 1}\r\n\n  \t\n[2]\n\"three\"");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["a"], 1);
  EXPECT_EQ(rows[1][0], 2);
  EXPECT_EQ(rows[2], "three");
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("\n\n").empty());
}

TEST(JsonlReader, LinesLongerThanTheReadBufferReadWhole) {
  for (std::size_t n : {65534u, 65535u, 65536u, 200000u}) {
    std::string big(n, 'x');
    auto rows = read_all("\"" + big + "\"\n{\"b\": 2}\n\"" + big + "\"");
    ASSERT_EQ(rows.size(), 3u) << n;
    EXPECT_EQ(rows[0].get<std::string>().size(), n);
    EXPECT_EQ(rows[1]["b"], 2);
    EXPECT_EQ(rows[2].get<std::string>().size(), n);
  }
}

TEST(JsonlReader, DeepNestingIsAnErrorNamingTheLine) {
  const std::string deep = std::string(66000, '[') + std::string(66000, ']');
  EXPECT_EQ(error_of("{\"id\": 1}\n{\"question\": " + deep + "}\n"),
            "rows.jsonl:2: nested deeper than 128 levels (the limit)");
  EXPECT_EQ(error_of("{\"a\": " + std::string(129, '{') + "\n"), "rows.jsonl:1: nested deeper than 128 levels (the limit)");
}

TEST(JsonlReader, NulBytesAndTrailingBytesAreErrors) {
  using namespace std::string_literals;
  EXPECT_EQ(error_of("{\"a\": 1}\0junk\n"s), "rows.jsonl:1: a NUL byte at offset 8");
  auto msg = error_of("{\"a\": 1}\n{\"a\": 1} {\"b\": 2}\n");
  EXPECT_EQ(msg.rfind("rows.jsonl:2: not valid JSON: parse error", 0), 0u) << msg;
}

TEST(JsonlReader, LineLengthLimit) {
  EXPECT_EQ(read_all("\"" + std::string(98, 'x') + "\"\n", 100).size(), 1u);
  EXPECT_EQ(error_of("1\n\"" + std::string(99, 'x') + "\"\n", 100), "rows.jsonl:2: line longer than 100 bytes (the limit)");
  EXPECT_EQ(error_of(std::string(70000, ' ') + "1", 65536), "rows.jsonl:1: line longer than 65536 bytes (the limit)");
}

}  // namespace
}  // namespace gauntlet::harness
