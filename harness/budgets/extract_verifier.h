#pragma once
// ExtractVerifier: TrimR's cheap rule verifier. p1: a candidate answer can be pulled out of the
// thought: by `pattern` (RE2; the last match; its first capturing group, or the whole match when it
// has none), else by verifiers/math_extraction.h (the last \boxed{}, "the answer is X", "Final
// Answer: X", and with last_number the thought's last number). p2: the two candidates are the
// same text, or equivalent for verifiers/math_verifier.h (exact and numeric checks; no symbolic
// sandbox, so a check costs microseconds). Never throws on a thought.
#include <memory>
#include <string>

#include "harness/budgets/thought_verifier.h"
#include "harness/budgets/verifier_options.h"

namespace re2 {
class RE2;
}

namespace gauntlet::harness {


class ExtractVerifier : public ThoughtVerifier {
 public:
  // Throws std::invalid_argument when the pattern does not compile or has more than one group.
  explicit ExtractVerifier(ExtractOptions options = {});
  ~ExtractVerifier() override;

  const char* kind() const override { return "extract"; }
  AnswerCheck p1(const std::string& problem, const Thought& thought) override;
  bool p2(const std::string& problem, const Thought& a, const AnswerCheck& a_check, const Thought& b,
          const AnswerCheck& b_check) override;

 private:
  ExtractOptions options_;
  std::unique_ptr<const re2::RE2> re_;
};

}  // namespace gauntlet::harness
