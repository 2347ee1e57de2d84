#include "harness/judges/rubric.h"

#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace gauntlet::harness {

Rubric default_rubric() {
  Rubric r;
  r.criteria = {
      {"argumentation", 30, {"clarity", "coherence", "relevance"}, "how clear, coherent and relevant the arguments are"},
      {"rebuttal", 30, {"responsiveness", "effectiveness", "balance"}, "how well the opponent's points are answered"},
      {"evidence", 15, {"use_of_evidence", "credibility", "depth_of_analysis"}, "how arguments are supported"},
      {"overall_performance", 15, {"persuasiveness", "originality", "fairness"}, "the performance as a whole"},
      {"presentation", 10, {"conciseness", "engagement", "organization"}, "how the case is delivered"},
  };
  return r;
}

nlohmann::json Rubric::to_json() const {
  auto criteria_json = nlohmann::json::array();
  for (const auto& c : criteria) {
    nlohmann::json j = {{"name", c.name}, {"weight", c.weight}, {"aspects", c.aspects}};
    if (!c.description.empty()) j["description"] = c.description;
    criteria_json.push_back(std::move(j));
  }
  return {{"scale", {min_score, max_score}}, {"criteria", criteria_json}};
}

Rubric Rubric::from_json(const nlohmann::json& j) {
  auto bad = [](const std::string& what) { return std::invalid_argument(what); };
  if (!j.is_object()) throw bad("a rubric is a mapping with `criteria` (and optionally `scale`)");
  for (const auto& [key, value] : j.items())
    if (key != "criteria" && key != "scale") throw bad(fmt::format("unknown rubric key '{}' (valid: criteria, scale)", key));
  Rubric r;
  if (j.contains("scale")) {
    const auto& s = j["scale"];
    if (!s.is_array() || s.size() != 2 || !s[0].is_number_integer() || !s[1].is_number_integer() ||
        s[0].get<int>() >= s[1].get<int>())
      throw bad("rubric scale must be [min, max] with integers min < max");
    r.min_score = s[0].get<int>();
    r.max_score = s[1].get<int>();
  }
  if (!j.contains("criteria") || !j["criteria"].is_array() || j["criteria"].empty())
    throw bad("rubric criteria must be a non-empty list");
  std::set<std::string> names;
  for (const auto& c : j["criteria"]) {
    if (!c.is_object()) throw bad("each rubric criterion is a mapping {name, weight, aspects}");
    for (const auto& [key, value] : c.items())
      if (key != "name" && key != "weight" && key != "aspects" && key != "description")
        throw bad(fmt::format("unknown criterion key '{}' (valid: name, weight, aspects, description)", key));
    Criterion k;
    if (!c.contains("name") || !c["name"].is_string() || c["name"].get<std::string>().empty())
      throw bad("each rubric criterion needs a non-empty name");
    k.name = c["name"].get<std::string>();
    if (!names.insert(k.name).second) throw bad(fmt::format("rubric criterion '{}' is listed twice", k.name));
    if (!c.contains("weight") || !c["weight"].is_number() || c["weight"].get<double>() < 0)
      throw bad(fmt::format("rubric criterion '{}' needs a weight >= 0", k.name));
    k.weight = c["weight"].get<double>();
    if (!c.contains("aspects") || !c["aspects"].is_array() || c["aspects"].empty())
      throw bad(fmt::format("rubric criterion '{}' needs a non-empty list of aspects", k.name));
    std::set<std::string> aspects;
    for (const auto& a : c["aspects"]) {
      if (!a.is_string() || a.get<std::string>().empty())
        throw bad(fmt::format("rubric criterion '{}': aspects are non-empty names", k.name));
      if (!aspects.insert(a.get<std::string>()).second)
        throw bad(fmt::format("rubric criterion '{}': aspect '{}' is listed twice", k.name, a.get<std::string>()));
      k.aspects.push_back(a.get<std::string>());
    }
    if (c.contains("description")) {
      if (!c["description"].is_string()) throw bad(fmt::format("rubric criterion '{}': description is text", k.name));
      k.description = c["description"].get<std::string>();
    }
    r.criteria.push_back(std::move(k));
  }
  return r;
}

double Rubric::weighted_total(const CandidateScores& scores) const {
  double total = 0.0;
  for (const auto& c : criteria) {
    auto it = scores.find(c.name);
    if (it == scores.end()) continue;
    long sum = 0;
    for (const auto& a : c.aspects)
      if (auto s = it->second.find(a); s != it->second.end()) sum += s->second;
    total += static_cast<double>(sum) * c.weight;
  }
  return total / 100.0;
}

std::string Rubric::check(const CandidateScores& scores) const {
  for (const auto& c : criteria) {
    auto it = scores.find(c.name);
    if (it == scores.end()) return fmt::format("criterion '{}' is missing", c.name);
    for (const auto& a : c.aspects) {
      auto s = it->second.find(a);
      if (s == it->second.end()) return fmt::format("aspect '{}.{}' is missing", c.name, a);
      if (s->second < min_score || s->second > max_score)
        return fmt::format("aspect '{}.{}' is {}, outside {}..{}", c.name, a, s->second, min_score, max_score);
    }
    if (it->second.size() != c.aspects.size()) return fmt::format("criterion '{}' has aspects the rubric does not", c.name);
  }
  if (scores.size() != criteria.size()) return "there are criteria the rubric does not have";
  return "";
}

}  // namespace gauntlet::harness
