// PromptTemplate: fields found in order, literal braces, one-pass rendering, and every malformed
// template or missing value refused with where and what.
#include "harness/judges/prompt_template.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gauntlet::harness {
namespace {

TEST(PromptTemplate, RendersFieldsInOnePass) {
  PromptTemplate t("Q: {question}\nA: {answer}\nQ again: {question} {{not a field}} {item.level}");
  EXPECT_EQ(t.fields(), (std::vector<std::string>{"question", "answer", "item.level"}));
  EXPECT_EQ(t.render({{"question", "2+2?"}, {"answer", "{question}"}, {"item.level", "easy"}, {"unused", "x"}}),
            "Q: 2+2?\nA: {question}\nQ again: 2+2? {not a field} easy");
  EXPECT_EQ(PromptTemplate("no fields }} here").render({}), "no fields } here");
  EXPECT_TRUE(PromptTemplate("").fields().empty());
}

TEST(PromptTemplate, RefusesMalformedTemplatesAndMissingValues) {
  const char* bad[][2] = {{"open {question", "never closed"},
                          {"empty {}", "not a field name"},
                          {"space { question }", "not a field name"},
                          {"digit {1st}", "not a field name"},
                          {"json {\"a\": 1}", "not a field name"},
                          {"stray } brace", "stray '}'"}};
  for (const auto& [text, problem] : bad) {
    try {
      PromptTemplate t(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << text << " -> " << e.what();
    }
  }
  PromptTemplate t("{question} / {answer}");
  try {
    t.render({{"question", "q"}});
    ADD_FAILURE() << "rendered without a value";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("no value for field 'answer'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gauntlet::harness
