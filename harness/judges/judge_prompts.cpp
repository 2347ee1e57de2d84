#include "harness/judges/judge_prompts.h"

#include <fmt/format.h>

namespace gauntlet::harness {
namespace {

std::string render_passages(const std::vector<Passage>& passages) {
  std::string out;
  for (const auto& p : passages) out += fmt::format("[{}]\n{}\n\n", p.label, p.text);
  return out;
}

}  // namespace

std::vector<ChatMessage> rubric_messages(const RubricTask& task) {
  const auto& r = task.rubric;
  std::string criteria;
  nlohmann::ordered_json example_scores = nlohmann::ordered_json::object();
  for (const auto& c : r.criteria) {
    criteria += fmt::format("- {} (weight {}): {}{}\n", c.name, c.weight, fmt::join(c.aspects, ", "),
                            c.description.empty() ? "" : " (" + c.description + ")");
  }
  for (const auto& candidate : task.candidates) {
    nlohmann::ordered_json per = nlohmann::ordered_json::object();
    for (const auto& c : r.criteria) {
      nlohmann::ordered_json aspects = nlohmann::ordered_json::object();
      for (const auto& a : c.aspects) aspects[a] = r.min_score;
      per[c.name] = aspects;
    }
    example_scores[candidate] = per;
  }
  nlohmann::ordered_json example = {{"reasoning", "<a few sentences comparing them>"}, {"scores", example_scores}};
  std::string user = fmt::format(
      "{}Score each of: {}.\nFor every aspect below give an integer from {} (poor) to {} (excellent); judge only what "
      "is written, not the order in which it appears.\n{}\nReply with one JSON object and nothing else, in exactly "
      "this shape (the numbers are placeholders):\n{}",
      render_passages(task.passages), fmt::join(task.candidates, ", "), r.min_score, r.max_score, criteria,
      example.dump());
  return {{"system", "You are an impartial judge. " + task.instructions}, {"user", user}};
}

ChatMessage correction_message(const std::string& problem, const std::string& reply_format) {
  if (reply_format.empty()) return {"user", fmt::format("Your reply could not be read: {}. Reply again.", problem)};
  return {"user", fmt::format("Your reply could not be read: {}. Reply again with {}.", problem, reply_format)};
}

}  // namespace gauntlet::harness
