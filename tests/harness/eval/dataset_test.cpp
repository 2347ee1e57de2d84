#include "harness/eval/dataset.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "harness/errors/errors.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;

class DatasetTest : public ::testing::Test {
 protected:
  DatasetTest() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("gauntlet_dataset_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter++) + "_" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  ~DatasetTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& text, const std::string& name = "data.jsonl") {
    auto p = dir_ / name;
    std::ofstream out(p, std::ios::binary);
    out << text;
    return p;
  }
  // The DatasetError message for loading `text`, or "" (with a test failure) when it loads.
  std::string error_of(const std::string& text, const std::string& answer = "answer", const std::string& id = "") {
    auto p = write(text);
    try {
      load_dataset(p, answer, id);
    } catch (const DatasetError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected DatasetError";
    return "";
  }
  std::string at(int line) const { return (dir_ / "data.jsonl").string() + ":" + std::to_string(line) + ": "; }
  fs::path dir_;
};

TEST_F(DatasetTest, RowNumbersAsIdsWhenNoIdField) {
  auto p = write(
      "{\"q\": \"1+1\", \"answer\": \"2\"}\n"
      "{\"q\": \"2+2\", \"answer\": 4}\n"
      "{\"q\": \"3+3\", \"answer\": [6]}\n");
  auto items = load_dataset(p, "answer", "");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].id, "0");
  EXPECT_EQ(items[1].id, "1");
  EXPECT_EQ(items[2].id, "2");
  EXPECT_EQ(items[0].line, 1);
  EXPECT_EQ(items[2].line, 3);
  EXPECT_EQ(items[0].reference, "2");
  EXPECT_EQ(items[1].reference, "4");    // non-strings as JSON text
  EXPECT_EQ(items[2].reference, "[6]");
  EXPECT_EQ(items[0].fields["q"], "1+1");
  EXPECT_EQ(items[1].fields, nlohmann::json::parse(R"({"q":"2+2","answer":4})"));
}

TEST_F(DatasetTest, IdsFromIdField) {
  auto p = write(
      "{\"uid\": \"abc\", \"gold\": \"x\"}\n"
      "{\"uid\": 17, \"gold\": \"y\"}\n");
  auto items = load_dataset(p, "gold", "uid");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "abc");
  EXPECT_EQ(items[1].id, "17");
  EXPECT_EQ(items[0].reference, "x");
  EXPECT_EQ(items[1].reference, "y");
}

TEST_F(DatasetTest, BlankLinesSkippedButLineNumbersKept) {
  auto p = write(
      "\n"
      "{\"answer\": \"a\"}\n"
      "   \t \n"
      "\n"
      "{\"answer\": \"b\"}\n"
      "\n");
  auto items = load_dataset(p, "answer", "");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "0");
  EXPECT_EQ(items[0].line, 2);
  EXPECT_EQ(items[1].id, "1");  // row number counts items, not file lines
  EXPECT_EQ(items[1].line, 5);
  EXPECT_EQ(items[1].reference, "b");
}

TEST_F(DatasetTest, CrlfLineEndingsAndNoFinalNewline) {
  auto p = write("{\"answer\": \"a\", \"id\": \"x\"}\r\n\r\n{\"answer\": \"b\", \"id\": \"y\"}");
  auto items = load_dataset(p, "answer", "id");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "x");
  EXPECT_EQ(items[0].reference, "a");
  EXPECT_EQ(items[1].id, "y");
  EXPECT_EQ(items[1].line, 3);
  EXPECT_EQ(items[1].reference, "b");
}

TEST_F(DatasetTest, Utf8ByteOrderMarkIsAccepted) {
  auto p = write("\xEF\xBB\xBF{\"answer\": \"a\"}\n{\"answer\": \"é\"}\n");
  auto items = load_dataset(p, "answer", "");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].reference, "a");
  EXPECT_EQ(items[1].reference, "é");
}

TEST_F(DatasetTest, EmptyFileHasNoItems) {
  EXPECT_TRUE(load_dataset(write(""), "answer", "").empty());
  EXPECT_TRUE(load_dataset(write("\n\n"), "answer", "").empty());
}

TEST_F(DatasetTest, BadJsonNamesFileAndLine) {
  auto msg = error_of(
      "{\"answer\": \"a\"}\n"
      "\n"
      "{\"answer\": \"b\",}\n");
  EXPECT_NE(msg.find(at(3)), std::string::npos) << msg;
  EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
}

TEST_F(DatasetTest, NonObjectRow) {
  auto msg = error_of("{\"answer\": \"a\"}\n[1, 2]\n");
  EXPECT_NE(msg.find(at(2)), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a JSON object"), std::string::npos) << msg;
  msg = error_of("\"just a string\"\n");
  EXPECT_NE(msg.find(at(1)), std::string::npos) << msg;
}

TEST_F(DatasetTest, MissingOrNullAnswerField) {
  auto msg = error_of("{\"answer\": \"a\"}\n{\"solution\": \"b\"}\n");
  EXPECT_NE(msg.find(at(2)), std::string::npos) << msg;
  EXPECT_NE(msg.find("'answer'"), std::string::npos) << msg;
  msg = error_of("{\"gold\": null}\n", "gold");
  EXPECT_NE(msg.find(at(1)), std::string::npos) << msg;
  EXPECT_NE(msg.find("'gold'"), std::string::npos) << msg;
}

TEST_F(DatasetTest, MissingIdField) {
  auto msg = error_of("{\"answer\": \"a\", \"id\": 1}\n{\"answer\": \"b\"}\n", "answer", "id");
  EXPECT_NE(msg.find(at(2)), std::string::npos) << msg;
  EXPECT_NE(msg.find("id field 'id'"), std::string::npos) << msg;
}

TEST_F(DatasetTest, DuplicateId) {
  auto msg = error_of(
      "{\"answer\": \"a\", \"id\": \"q1\"}\n"
      "{\"answer\": \"b\", \"id\": \"q2\"}\n"
      "{\"answer\": \"c\", \"id\": \"q1\"}\n",
      "answer", "id");
  EXPECT_NE(msg.find(at(3)), std::string::npos) << msg;
  EXPECT_NE(msg.find("duplicate id 'q1'"), std::string::npos) << msg;
  // The number 1 and the string "1" render to the same id text.
  msg = error_of("{\"answer\": \"a\", \"id\": 1}\n{\"answer\": \"b\", \"id\": \"1\"}\n", "answer", "id");
  EXPECT_NE(msg.find(at(2)), std::string::npos) << msg;
}

TEST_F(DatasetTest, MissingFile) {
  const auto p = dir_ / "absent.jsonl";
  try {
    load_dataset(p, "answer", "");
    FAIL() << "expected DatasetError";
  } catch (const DatasetError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(p.string() + ":0:"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace gauntlet::harness
