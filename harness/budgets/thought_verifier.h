#pragma once
// ThoughtVerifier: TrimR's two yes/no questions about thoughts (budgets.md §3.2), answered by a rule
// (budgets/extract_verifier.h) or by a model (budgets/model_verifier.h):
//   p1  does this thought reach an answer to the problem?
//   p2  do these two answer-bearing thoughts reach equivalent answers?
// Either call may throw VerifierError (the model failed, its reply was not yes/no): the caller
// treats that as "no trim" and logs it (budgets/thought_checker.h).
#include <stdexcept>
#include <string>

#include "harness/budgets/thought_splitter.h"

namespace gauntlet::harness {

class VerifierError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// p1's verdict; `answer` is the candidate answer when the verifier can name it (extract), else "".
struct AnswerCheck {
  bool has_answer = false;
  std::string answer;
};

class ThoughtVerifier {
 public:
  virtual ~ThoughtVerifier() = default;
  virtual const char* kind() const = 0;  // "extract" | "model" | a test's own
  // `problem` is the task as the user asked it (the request's last user message).
  virtual AnswerCheck p1(const std::string& problem, const Thought& thought) = 0;
  virtual bool p2(const std::string& problem, const Thought& a, const AnswerCheck& a_check, const Thought& b,
                  const AnswerCheck& b_check) = 0;
};

}  // namespace gauntlet::harness
