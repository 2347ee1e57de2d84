#include "verifiers/scorer.h"

#include <algorithm>

#include "verifiers/choice_scorer.h"
#include "verifiers/code_scorer.h"
#include "verifiers/exact_scorer.h"
#include "verifiers/math_scorer.h"
#include "verifiers/regex_scorer.h"

namespace gauntlet::verifiers {

namespace {

std::string join_quoted(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "'" : ", '") + item + "'";
  return out.empty() ? "(none)" : out;
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& scorer_option_keys() {
  static const std::map<std::string, std::vector<std::string>> keys = {
      {"choice", {"letters"}},
      {"code", {"compare", "entry_point_field", "extract", "format", "language", "memory_mb", "prefix_field",
                "tests_field", "timeout_ms", "tolerance"}},
      {"exact", {"case_sensitive"}},
      {"math", {"fallback", "symbolic", "symbolic_timeout_ms", "tolerance"}},
      {"regex", {"pattern", "select"}},
  };
  return keys;
}

std::unique_ptr<Scorer> make_scorer(const std::string& name, const ScorerOptions& options) {
  const auto& all_keys = scorer_option_keys();
  auto known = all_keys.find(name);
  if (known == all_keys.end()) {
    std::vector<std::string> names;
    for (const auto& [scorer, keys] : all_keys) names.push_back(scorer);
    throw ScorerConfigError("unknown scorer '" + name + "' (valid: " + join_quoted(names) + ")");
  }
  for (const auto& [key, value] : options) {
    const auto& accepted = known->second;
    if (std::find(accepted.begin(), accepted.end(), key) == accepted.end()) {
      throw ScorerConfigError("scorer '" + name + "' does not accept option '" + key +
                              "' (valid: " + join_quoted(accepted) + ")");
    }
  }
  if (name == "exact") return std::make_unique<ExactScorer>(options);
  if (name == "choice") return std::make_unique<ChoiceScorer>(options);
  if (name == "regex") return std::make_unique<RegexScorer>(options);
  if (name == "code") return std::make_unique<CodeScorer>(options);
  return std::make_unique<MathScorer>(options);
}

}  // namespace gauntlet::verifiers
