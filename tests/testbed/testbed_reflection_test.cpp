// The testbed's overthinking contract (benchmarks/testbed/model/NOTE.md), which the budget policies
// rely on, checked through the in-process engine on held-out problems, greedy:
// - a thinking trace is passes separated by lines that start with "Wait" ("Wait, let me check:",
//   "Wait, let me check again:"); every pass ends with "so the answer is N"; the number of re-checks
//   follows the first operand's last digit; the boxed answer repeats the last pass's;
// - some first passes slip (their answer differs from the last pass's);
// - thinking closed right after the first answer line (a budget cap) gets that answer back.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.h"

namespace gauntlet::engine {
namespace {

const std::filesystem::path kTestbed = std::filesystem::path(GAUNTLET_SOURCE_DIR) / "benchmarks" / "testbed";
constexpr int kProblems = 60;

struct Trace {
  std::vector<std::string> answers;  // one per pass, in order ("" when a pass has no answer line)
  std::string boxed;
};

Trace parse(const std::string& text) {
  Trace t;
  const auto close = text.find("</think>");
  const std::string thinking = text.substr(0, close);
  std::size_t start = 0;
  static const std::regex answer("answer is (\\d+)");
  while (start <= thinking.size()) {
    std::size_t next = thinking.find("\nWait", start);
    const std::string pass = thinking.substr(start, next == std::string::npos ? std::string::npos : next - start);
    std::smatch m;
    std::string last;
    for (auto it = std::sregex_iterator(pass.begin(), pass.end(), answer); it != std::sregex_iterator(); ++it)
      last = (*it)[1];
    t.answers.push_back(last);
    if (next == std::string::npos) break;
    start = next + 1;
  }
  static const std::regex boxed("\\\\boxed\\{(\\d+)\\}");
  std::smatch m;
  if (close != std::string::npos) {
    const std::string after = text.substr(close);
    if (std::regex_search(after, m, boxed)) t.boxed = m[1];
  }
  return t;
}

int expected_rechecks(const std::string& question) {
  const auto op = question.find_first_of("+*");
  const int last_digit = question[op - 1] - '0';
  static const int table[10] = {0, 0, 1, 1, 2, 2, 3, 3, 3, 3};
  return table[last_digit];
}

TEST(TestbedReflection, PassesEndWithAnswerLinesReChecksFollowTheRuleAndACapCopiesTheAnswer) {
  Engine engine(kTestbed / "model");
  std::ifstream in(kTestbed / "data" / "heldout.jsonl");
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(in, line) && static_cast<int>(rows.size()) < kProblems;)
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(static_cast<int>(rows.size()), kProblems);

  std::vector<GenerationRequest> requests;
  for (const auto& row : rows) {
    GenerationRequest g;
    g.prompt = engine.chat_template().render({{"user", row.at("question"), std::nullopt}}, RenderOptions{});
    g.max_tokens = 900;
    g.sampling.temperature = 0;
    requests.push_back(std::move(g));
  }
  auto results = engine.generate(requests);
  int follows_rule = 0, well_formed = 0, slipped = 0, rechecked = 0;
  std::vector<GenerationRequest> capped;
  std::vector<std::string> first_answers;
  for (int i = 0; i < kProblems; ++i) {
    const std::string question = rows[i].at("question");
    const Trace t = parse(results[i].text);
    bool formed = !t.boxed.empty() && t.boxed == t.answers.back();
    for (const auto& a : t.answers) formed = formed && !a.empty();
    if (formed) ++well_formed;
    else ADD_FAILURE() << question << ": " << results[i].text;
    if (static_cast<int>(t.answers.size()) == 1 + expected_rechecks(question)) ++follows_rule;
    if (t.answers.size() >= 2) ++rechecked;
    if (t.answers.size() >= 2 && t.answers.front() != t.answers.back()) ++slipped;
    // Cap right after the first answer line: the model copies that line's answer.
    const std::string text = results[i].text;
    const auto first = text.find("so the answer is ");
    const auto eol = first == std::string::npos ? std::string::npos : text.find('\n', first);
    if (t.answers.size() >= 2 && eol != std::string::npos) {
      GenerationRequest g;
      g.prompt = requests[i].prompt + text.substr(0, eol + 1) + "\n</think>\n\n";
      g.max_tokens = 24;
      g.sampling.temperature = 0;
      capped.push_back(std::move(g));
      first_answers.push_back(t.answers.front());
    }
  }
  EXPECT_EQ(well_formed, kProblems);
  // Measured 54/60: the model mostly, not always, keeps the count (NOTE.md).
  EXPECT_GE(follows_rule, kProblems * 4 / 5) << "re-check counts that follow the first operand's last digit";
  EXPECT_GE(rechecked, kProblems / 2);
  EXPECT_GE(slipped, 1) << "first passes whose answer a re-check corrected";
  auto answers = engine.generate(capped);
  int copied = 0;
  for (std::size_t i = 0; i < answers.size(); ++i)
    if (answers[i].text == "The answer is \\boxed{" + first_answers[i] + "}") ++copied;
  EXPECT_GE(copied, static_cast<int>(answers.size()) - 1) << "answers copied from the first answer line";
  std::printf("%d/%d well formed, %d follow the re-check rule, %d re-check, %d slipped; a cap after the first "
              "answer line copies it on %d/%zu\n",
              well_formed, kProblems, follows_rule, rechecked, slipped, copied, answers.size());
}

}  // namespace
}  // namespace gauntlet::engine
