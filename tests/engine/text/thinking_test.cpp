// Thinking delimiters come from the tokenizer's added tokens, never from hard-coded ids.
#include "engine/text/thinking.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/text/tokenizer_writer.h"
#include "tests/support/command.h"

namespace gauntlet::engine {
namespace {

TEST(ThinkingDelimiters, FoundAmongTheAddedTokens) {
  gauntlet::testing::TempDir dir;
  write_default_tokenizer(dir.path());
  Tokenizer tok = Tokenizer::load(dir.path());
  auto d = find_thinking_delimiters(tok);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->open, "<think>");
  EXPECT_EQ(d->close, "</think>");
  EXPECT_EQ(d->open_id, *tok.token_id("<think>"));
  EXPECT_EQ(d->close_id, *tok.token_id("</think>"));
}

TEST(ThinkingDelimiters, NoneWithoutBothTokensAndOtherSpellingsFound) {
  gauntlet::testing::TempDir dir;
  write_default_tokenizer(dir.path());
  std::string json = gauntlet::testing::read_file(dir.file("tokenizer.json"));
  auto rename = [&json](const std::string& from, const std::string& to) {
    for (auto at = json.find(from); at != std::string::npos; at = json.find(from, at + to.size()))
      json.replace(at, from.size(), to);
  };
  rename("\"</think>\"", "\"</reason>\"");
  EXPECT_FALSE(find_thinking_delimiters(Tokenizer::from_json(json, "no-close")).has_value());
  rename("\"<think>\"", "\"<thinking>\"");
  rename("\"</reason>\"", "\"</thinking>\"");
  auto d = find_thinking_delimiters(Tokenizer::from_json(json, "thinking"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->open, "<thinking>");
  EXPECT_EQ(d->close, "</thinking>");
}

}  // namespace
}  // namespace gauntlet::engine
