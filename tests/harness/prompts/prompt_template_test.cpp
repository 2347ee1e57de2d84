#include "harness/prompts/prompt_template.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

using nlohmann::json;

TEST(PromptTemplate, SubstitutesFields) {
  PromptTemplate t("Q: {question}\nA ({id}):");
  EXPECT_EQ(t.fields(), (std::vector<std::string>{"question", "id"}));
  EXPECT_EQ(t.render({{"question", "What is 2+2?"}, {"id", "x7"}, {"unused", 1}}), "Q: What is 2+2?\nA (x7):");
}

TEST(PromptTemplate, RepeatedFieldAndAdjacentFields) {
  PromptTemplate t("{a}{b}{a}");
  EXPECT_EQ(t.fields(), (std::vector<std::string>{"a", "b", "a"}));
  EXPECT_EQ(t.render({{"a", "x"}, {"b", "y"}}), "xyx");
}

TEST(PromptTemplate, FieldNameCharacters) {
  PromptTemplate t("{_x} {a-b} {c.d} {e2}");
  EXPECT_EQ(t.fields(), (std::vector<std::string>{"_x", "a-b", "c.d", "e2"}));
  // A dotted name is a flat key, not a path.
  EXPECT_EQ(t.render({{"_x", "1"}, {"a-b", "2"}, {"c.d", "3"}, {"e2", "4"}}), "1 2 3 4");
}

TEST(PromptTemplate, LatexBracesAreLiteral) {
  PromptTemplate t(R"(Put the answer in \boxed{}. E.g. \frac{1}{2} or x^{2}. {q})");
  EXPECT_EQ(t.fields(), std::vector<std::string>{"q"});
  EXPECT_EQ(t.render({{"q", "go"}}), R"(Put the answer in \boxed{}. E.g. \frac{1}{2} or x^{2}. go)");
}

TEST(PromptTemplate, NonFieldBracesAreLiteral) {
  PromptTemplate t("{1} { x } {a b} {} { lone } and } and {");
  EXPECT_TRUE(t.fields().empty());
  EXPECT_EQ(t.render(json::object()), "{1} { x } {a b} {} { lone } and } and {");
}

TEST(PromptTemplate, DoubledBracesEscape) {
  PromptTemplate t("Write {{x}} literally; {x} is {{{x}}}");
  EXPECT_EQ(t.fields(), (std::vector<std::string>{"x", "x"}));
  EXPECT_EQ(t.render({{"x", "5"}}), "Write {x} literally; 5 is {5}");
  PromptTemplate json_like(R"({{"key": "{v}"}})");
  EXPECT_EQ(json_like.render({{"v", "val"}}), R"({"key": "val"})");
}

TEST(PromptTemplate, NonStringValuesRenderAsCompactJson) {
  PromptTemplate t("{i}|{f}|{b}|{n}|{arr}|{obj}|{s}");
  json row = {{"i", 42}, {"f", 1.5}, {"b", true}, {"n", nullptr}, {"arr", {1, "two", 3}},
              {"obj", {{"k", "v"}}}, {"s", "plain \"quoted\""}};
  EXPECT_EQ(t.render(row), R"(42|1.5|true|null|[1,"two",3]|{"k":"v"}|plain "quoted")");
}

TEST(PromptTemplate, MissingFieldThrowsOutOfRangeNamingIt) {
  PromptTemplate t("{present} and {absent_field}");
  try {
    t.render({{"present", "x"}});
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'absent_field'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("{{absent_field}}"), std::string::npos) << msg;  // suggests the escape
  }
  EXPECT_THROW(PromptTemplate("{a}").render(json::object()), std::out_of_range);
}

TEST(PromptTemplate, EmptyAndPlainTemplates) {
  PromptTemplate empty("");
  EXPECT_TRUE(empty.fields().empty());
  EXPECT_EQ(empty.render(json::object()), "");
  PromptTemplate plain("no fields here");
  EXPECT_EQ(plain.render(json::object()), "no fields here");
}

TEST(PromptTemplate, Utf8PassesThrough) {
  PromptTemplate t("Résoudre: {q} → ✓");
  EXPECT_EQ(t.render({{"q", "2×3"}}), "Résoudre: 2×3 → ✓");
}

}  // namespace
}  // namespace gauntlet::harness
