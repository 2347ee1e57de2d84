#include "harness/budgets/extract_verifier.h"

#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "verifiers/math_extraction.h"
#include "verifiers/math_verifier.h"
#include "verifiers/text.h"

namespace gauntlet::harness {

ExtractVerifier::ExtractVerifier(ExtractOptions options) : options_(std::move(options)) {
  if (options_.pattern.empty()) return;
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<const RE2>(options_.pattern, o);
  if (!re->ok()) throw std::invalid_argument(fmt::format("pattern \"{}\" does not compile: {}", options_.pattern, re->error()));
  if (re->NumberOfCapturingGroups() > 1)
    throw std::invalid_argument(fmt::format("pattern \"{}\" has {} capturing groups; at most one (the answer)",
                                            options_.pattern, re->NumberOfCapturingGroups()));
  re_ = std::move(re);
}

ExtractVerifier::~ExtractVerifier() = default;

AnswerCheck ExtractVerifier::p1(const std::string& /*problem*/, const Thought& thought) {
  AnswerCheck out;
  if (re_) {
    // The last match: scan match by match (an empty match advances one byte).
    const re2::StringPiece text(thought.text);
    const int groups = re_->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> m(static_cast<std::size_t>(groups));
    std::optional<std::string> last;
    std::size_t pos = 0;
    while (pos <= text.size() && re_->Match(text, pos, text.size(), RE2::UNANCHORED, m.data(), groups)) {
      const re2::StringPiece& answer = m.back();  // group 1 when there is one, else the whole match
      last = std::string(answer.data() == nullptr ? "" : std::string(answer.data(), answer.size()));
      pos = static_cast<std::size_t>(m[0].data() - text.data()) + std::max<std::size_t>(m[0].size(), 1);
    }
    if (last) {
      out.answer = verifiers::trim(*last);
      out.has_answer = !out.answer.empty();
    }
    return out;
  }
  auto answer = verifiers::extract_math_answer(
      thought.text, options_.last_number ? verifiers::MathFallback::kLastNumber : verifiers::MathFallback::kNone);
  if (answer && !answer->empty()) {
    out.has_answer = true;
    out.answer = *answer;
  }
  return out;
}

bool ExtractVerifier::p2(const std::string& /*problem*/, const Thought& /*a*/, const AnswerCheck& a_check,
                         const Thought& /*b*/, const AnswerCheck& b_check) {
  if (a_check.answer == b_check.answer) return true;  // the same text, math or not
  verifiers::MathVerifierOptions o;
  o.symbolic = false;
  return verifiers::MathVerifier(o).verify(a_check.answer, b_check.answer).equivalent;
}

}  // namespace gauntlet::harness
