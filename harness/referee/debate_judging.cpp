#include "harness/referee/debate_judging.h"

#include <stdexcept>

#include <fmt/format.h>

#include "harness/judges/judge_panel.h"

namespace gauntlet::harness {

RefereeAnswer judge_debate(const nlohmann::json& input, const std::vector<Judge*>& judges, const Rubric& rubric,
                           int replay) {
  if (!input.contains("topic") || !input["topic"].is_string() || !input.contains("statements") ||
      !input["statements"].is_array())
    throw std::invalid_argument("debate_judgement: the check needs \"topic\" and \"statements\"");
  RubricTask task;
  task.instructions = fmt::format(
      "You judge a debate on the motion \"{}\" between the side for the motion and the side against it. Score each "
      "side on its own statements and on how it answered the other side.",
      input["topic"].get<std::string>());
  for (const auto& s : input["statements"]) {
    if (!s.is_object() || !s.contains("side") || !s.contains("stage") || !s.contains("text") || !s["side"].is_string() ||
        !s["stage"].is_string() || !s["text"].is_string())
      throw std::invalid_argument("debate_judgement: each statement needs strings side, stage and text");
    std::string side = s["side"].get<std::string>();
    task.passages.push_back({side, fmt::format("{} ({})", side == "for" ? "For" : "Against", s["stage"].get<std::string>()),
                             s["text"].get<std::string>()});
  }
  task.candidates = {"for", "against"};
  task.rubric = rubric;
  task.replay = replay;
  auto scores = panel_score(judges, task);
  RefereeAnswer a;
  a.details = scores.to_json();
  // The game keeps each judge's scores, totals and reasoning (the requests and raw replies go with
  // the details only).
  auto compact = nlohmann::json::array();
  for (const auto& j : scores.judgements) {
    auto full = j.to_json();
    full.erase("trace");
    compact.push_back(std::move(full));
  }
  a.result = {{"totals", scores.totals}, {"judges", compact}};
  for (const auto& j : scores.judgements) {
    a.usage.prompt_tokens += j.trace.usage.prompt_tokens;
    a.usage.completion_tokens += j.trace.usage.completion_tokens;
  }
  return a;
}

}  // namespace gauntlet::harness
