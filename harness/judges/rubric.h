#pragma once
// Rubric: what judges score. Criteria, each with a weight and aspects scored as integers on one
// scale; a candidate's weighted total from one judge is sum over criteria of (sum of its aspect
// scores) * weight / 100, as in ZeroSumEval's debate judge. The default is ZeroSumEval's: five
// criteria of three aspects, 1..5, weights 30/30/15/15/10.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

struct Criterion {
  std::string name;
  double weight = 0.0;
  std::vector<std::string> aspects;
  std::string description;  // optional, shown to model judges
};

// Scores of one candidate: criterion -> aspect -> score.
using CandidateScores = std::map<std::string, std::map<std::string, int>>;

struct Rubric {
  std::vector<Criterion> criteria;
  int min_score = 1;
  int max_score = 5;

  // {"scale": [min, max], "criteria": [{"name", "weight", "aspects": [...], "description"?}]}
  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming the problem (unknown key, empty or duplicate names, a
  // negative weight, a scale with min >= max).
  static Rubric from_json(const nlohmann::json& j);

  double weighted_total(const CandidateScores& scores) const;
  // Empty when `scores` holds every aspect of every criterion as an integer in the scale (and
  // nothing else); otherwise what is wrong.
  std::string check(const CandidateScores& scores) const;
};

// ZeroSumEval's debate rubric.
Rubric default_rubric();

}  // namespace gauntlet::harness
