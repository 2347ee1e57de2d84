#pragma once
// GradePattern: how a grade is read from a judge's free-text reply. A regular expression (RE2
// syntax) with exactly one capturing group; its last match in the reply is the grade. The scale is
// either labels with values (e.g. C = 1, P = 0.5, I = 0; labels matched without case) or numbers
// in [min, max]. A grade passes when its value is at least `pass` (default: the top of the scale).
// JSON form (what a config gives):
//   {"pattern": "GRADE: (C|P|I)", "choices": {"C": 1, "P": 0.5, "I": 0}, "pass": 1}
//   {"pattern": "SCORE: (\\d+(?:\\.\\d+)?)", "range": [1, 10], "pass": 7}
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace re2 {
class RE2;
}

namespace gauntlet::harness {

struct Grade {
  std::string label;  // the label as the scale spells it, or the number in shortest form ("7", "7.5")
  double value = 0.0;
  bool passed = false;

  nlohmann::json to_json() const;
};

class GradePattern {
 public:
  struct Spec {
    std::string pattern;
    std::vector<std::pair<std::string, double>> choices;  // empty: a numeric scale
    double min = 0.0, max = 1.0;                          // numeric scale
    std::optional<double> pass;                           // nullopt: the top of the scale
  };

  // Throws std::invalid_argument naming the problem (a pattern that does not compile or has not
  // exactly one group, duplicate or empty labels, non-finite values, min >= max, unknown keys).
  explicit GradePattern(Spec spec);
  static GradePattern from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;

  const Spec& spec() const { return spec_; }
  double pass_at() const;
  // The scale in words, e.g. "C, P or I" (labels best first) / "a number from 1 to 10".
  std::string describe() const;
  // The grade a label or number stands for on this scale (label matched without case), or nullopt.
  std::optional<Grade> grade_of(std::string_view text) const;
  // Fills `out` from the last match in `reply`; returns "" or what is wrong with the reply.
  std::string read(std::string_view reply, Grade* out) const;

 private:
  Spec spec_;
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace gauntlet::harness
