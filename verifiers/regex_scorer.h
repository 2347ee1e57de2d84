#pragma once
// `regex` scorer: capture group 1 of the first (or last) match of an RE2 pattern is the answer;
// it is compared with the reference numerically when both parse as numbers, else under the
// `exact` normalisation.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "verifiers/scorer.h"

namespace re2 {
class RE2;
}

namespace gauntlet::verifiers {

class RegexScorer : public Scorer {
 public:
  // Options: pattern (required; RE2 syntax with at least one capture group),
  // select = "first" | "last" (default "first"). Throws ScorerConfigError otherwise.
  explicit RegexScorer(const ScorerOptions& options);
  ~RegexScorer() override;
  Verdict score(const std::string& completion, const std::string& reference) const override;
  std::string name() const override { return "regex"; }

  // Capture group 1 of the selected match; nullopt when nothing matches or group 1 did not take part.
  std::optional<std::string> extract(std::string_view completion) const;

 private:
  std::unique_ptr<re2::RE2> pattern_;
  bool select_last_ = false;
};

}  // namespace gauntlet::verifiers
