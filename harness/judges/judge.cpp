#include "harness/judges/judge.h"

namespace gauntlet::harness {

nlohmann::json JudgeTrace::to_json() const {
  return {{"messages", messages},
          {"replies", replies},
          {"problems", problems},
          {"usage", {{"prompt_tokens", usage.prompt_tokens}, {"completion_tokens", usage.completion_tokens}}},
          {"latency_s", latency_s},
          {"from_cache", from_cache}};
}

nlohmann::json RubricJudgement::to_json() const {
  nlohmann::json s = nlohmann::json::object();
  for (const auto& [candidate, criteria] : scores) s[candidate] = criteria;
  return {{"judge", judge}, {"scores", s}, {"totals", totals}, {"reasoning", reasoning}, {"trace", trace.to_json()}};
}

nlohmann::json GradeJudgement::to_json() const {
  return {{"judge", judge}, {"grade", grade.to_json()}, {"reply", reply}, {"trace", trace.to_json()}};
}

}  // namespace gauntlet::harness
