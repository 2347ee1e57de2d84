// GradePattern: the last match is the grade; labels without case, numbers in range; pass marks;
// the JSON form and every bad spec refused.
#include "harness/judges/grade_pattern.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gauntlet::harness {
namespace {

GradePattern letters() {
  return GradePattern::from_json(
      {{"pattern", R"(GRADE:\s*\**([A-Za-z]+))"}, {"choices", {{"C", 1.0}, {"P", 0.5}, {"I", 0.0}}}, {"pass", 0.5}});
}

TEST(GradePattern, ReadsTheLastLabel) {
  auto p = letters();
  Grade g;
  EXPECT_EQ(p.read("First thought GRADE: I, but on reflection\nGRADE: **p", &g), "");
  EXPECT_EQ(g.label, "P");
  EXPECT_DOUBLE_EQ(g.value, 0.5);
  EXPECT_TRUE(g.passed);  // pass mark 0.5
  EXPECT_EQ(p.read("GRADE: I", &g), "");
  EXPECT_FALSE(g.passed);
  auto none = p.read("The answer looks right.", &g);
  EXPECT_NE(none.find("no grade matching"), std::string::npos) << none;
  auto off = p.read("GRADE: maybe", &g);
  EXPECT_NE(off.find("\"maybe\" is not C, P or I"), std::string::npos) << off;
  EXPECT_EQ(p.describe(), "C, P or I");
  EXPECT_DOUBLE_EQ(p.pass_at(), 0.5);
}

TEST(GradePattern, ReadsNumbersInRange) {
  auto p = GradePattern::from_json({{"pattern", R"((?i)score\W*(-?[\d.]+))"}, {"range", {1, 10}}});
  Grade g;
  EXPECT_EQ(p.read("Score: 4 ... final score = 10", &g), "");
  EXPECT_DOUBLE_EQ(g.value, 10.0);
  EXPECT_EQ(g.label, "10");
  EXPECT_TRUE(g.passed);  // default pass mark: the top of the scale
  EXPECT_EQ(p.read("SCORE: 7.5", &g), "");
  EXPECT_EQ(g.label, "7.5");
  EXPECT_FALSE(g.passed);
  EXPECT_NE(p.read("score: 11", &g), "");
  EXPECT_NE(p.read("score: 0", &g), "");
  EXPECT_NE(p.read("score: 1.2.3", &g), "");
  EXPECT_EQ(p.describe(), "a number from 1 to 10");
  auto round = GradePattern::from_json(p.to_json());
  EXPECT_EQ(round.to_json(), p.to_json());
  EXPECT_EQ(letters().to_json()["choices"]["P"], 0.5);
}

TEST(GradePattern, RefusesBadSpecs) {
  const nlohmann::json bad[] = {
      nullptr,
      {{"choices", {{"C", 1}}}},                                               // no pattern
      {{"pattern", "GRADE: C"}, {"choices", {{"C", 1}}}},                      // no group
      {{"pattern", "(A)(B)"}, {"choices", {{"C", 1}}}},                        // two groups
      {{"pattern", "(unclosed"}, {"choices", {{"C", 1}}}},                     // does not compile
      {{"pattern", "(x)"}},                                                    // neither scale
      {{"pattern", "(x)"}, {"choices", {{"C", 1}}}, {"range", {1, 2}}},        // both scales
      {{"pattern", "(x)"}, {"choices", nlohmann::json::object()}},             // no labels
      {{"pattern", "(x)"}, {"choices", {{"C", 1}, {"c", 0}}}},                 // same label twice
      {{"pattern", "(x)"}, {"choices", {{"C", "1"}}}},                         // not a number
      {{"pattern", "(x)"}, {"range", {5, 5}}},                                 // min >= max
      {{"pattern", "(x)"}, {"range", {1}}},                                    // not [min, max]
      {{"pattern", "(x)"}, {"range", {1, 10}}, {"threshold", 5}},             // unknown key
  };
  for (const auto& spec : bad) EXPECT_THROW(GradePattern::from_json(spec), std::invalid_argument) << spec.dump();
}

}  // namespace
}  // namespace gauntlet::harness
