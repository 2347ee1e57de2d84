// Reading judges' replies: the last JSON object among prose and fences, lenient keys and numbers,
// strict completeness and range.
#include "harness/judges/judge_reply.h"

#include <gtest/gtest.h>

namespace gauntlet::harness {
namespace {

RubricTask small_task() {
  RubricTask t;
  t.candidates = {"for", "against"};
  t.rubric = Rubric::from_json({{"criteria", {{{"name", "logic"}, {"weight", 60}, {"aspects", {"validity", "depth"}}},
                                              {{"name", "style"}, {"weight", 40}, {"aspects", {"tone"}}}}}});
  return t;
}

TEST(JudgeReply, FindsTheLastObject) {
  EXPECT_FALSE(last_json_object("no json here"));
  EXPECT_FALSE(last_json_object("{broken: json"));
  auto j = last_json_object("First {\"a\": 1} then ```json\n{\"b\": {\"c\": \"}\"}}\n``` done {not json}");
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["b"]["c"], "}");
  std::string deep(100, '{');
  EXPECT_FALSE(last_json_object(deep + std::string(100, '}')));
  std::string nested;
  for (int i = 0; i < 100; ++i) nested += "{\"a\":";
  EXPECT_FALSE(last_json_object("{\"ok\": 1} " + nested + "1" + std::string(100, '}')));
  // Hostile shapes stay cheap: a 64 KiB run of openers, or of unterminated strings.
  EXPECT_FALSE(last_json_object(std::string(1 << 20, '{')));
  std::string strings;
  while (strings.size() < (1u << 16)) strings += "{\"";
  EXPECT_FALSE(last_json_object(strings));
}

TEST(JudgeReply, ReadsRubricScores) {
  auto task = small_task();
  RubricJudgement out;
  std::string reply = R"(Let me think. {"reasoning": "For was sharper.", "scores": {
      "For": {"Logic": {"validity": 5, "depth": "4"}, "style": {"tone": 3.0}},
      "against": {"logic": {"validity": 2, "depth": 3}, "style": {"tone": 4}}}})";
  ASSERT_EQ(read_rubric_reply(reply, task, &out), "");
  EXPECT_EQ(out.scores["for"]["logic"]["depth"], 4);
  EXPECT_EQ(out.reasoning, "For was sharper.");
  // for: (5+4)*60 + 3*40 = 660 -> 6.6; against: (2+3)*60 + 4*40 = 460 -> 4.6.
  EXPECT_DOUBLE_EQ(out.totals["for"], 6.6);
  EXPECT_DOUBLE_EQ(out.totals["against"], 4.6);
}

TEST(JudgeReply, RejectsIncompleteOrOutOfRangeScores) {
  auto task = small_task();
  const std::pair<std::string, std::string> bad[] = {
      {"I think For won.", "no JSON object"},
      {R"({"reasoning": "x"})", "no \"scores\""},
      {R"({"scores": {"for": {"logic": {"validity": 5, "depth": 4}, "style": {"tone": 3}}}})", "no scores for \"against\""},
      {R"({"scores": {"for": {"logic": {"validity": 5}, "style": {"tone": 3}}, "against": {}}})", "lacks \"depth\""},
      {R"({"scores": {"for": {"logic": {"validity": 6, "depth": 4}, "style": {"tone": 3}}, "against": {}}})", "from 1 to 5"},
      {R"({"scores": {"for": {"logic": {"validity": 4.5, "depth": 4}, "style": {"tone": 3}}, "against": {}}})", "from 1 to 5"},
      {R"({"scores": {"for": {"logic": {"validity": "high", "depth": 4}, "style": {"tone": 3}}, "against": {}}})", "from 1 to 5"},
  };
  for (const auto& [reply, problem] : bad) {
    RubricJudgement out;
    auto got = read_rubric_reply(reply, task, &out);
    EXPECT_NE(got.find(problem), std::string::npos) << reply << " -> " << got;
  }
}

}  // namespace
}  // namespace gauntlet::harness
