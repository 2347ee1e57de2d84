#include "harness/budgets/trimr_rules.h"

namespace gauntlet::harness {

const char* to_string(CutReason reason) {
  switch (reason) {
    case CutReason::kConverged: return "converged";
    case CutReason::kUnderthinking: return "underthinking";
    case CutReason::kRepetition: return "repetition";
    case CutReason::kCap: return "cap";
    case CutReason::kNone: break;
  }
  return "none";
}

TrimRRules::TrimRRules(TrimROptions options) : options_(options), repetition_(options.repetition) {}

CutReason TrimRRules::decide(CutReason reason) {
  if (decision_ == CutReason::kNone) decision_ = reason;
  return decision_;
}

bool TrimRRules::underthinking() const {
  return tokens_ > options_.r_thres * options_.thinking_tokens && thoughts_ > options_.n_thres;
}

CutReason TrimRRules::on_token(std::uint64_t symbol, int tokens) {
  if (decision_ != CutReason::kNone) return decision_;
  tokens_ = tokens;
  if (repetition_.push(symbol)) {
    period_ = repetition_.period();
    return decide(CutReason::kRepetition);
  }
  if (underthinking()) return decide(CutReason::kUnderthinking);
  return CutReason::kNone;
}

CutReason TrimRRules::on_thought(int closed) {
  if (decision_ != CutReason::kNone) return decision_;
  thoughts_ = closed;
  if (underthinking()) return decide(CutReason::kUnderthinking);
  return CutReason::kNone;
}

CutReason TrimRRules::on_verdict(const ThoughtVerdict& verdict) {
  if (decision_ != CutReason::kNone) return decision_;
  if (!verdict.error.empty() || !verdict.has_answer) {
    run_ = 0;
    return CutReason::kNone;
  }
  if (!*verdict.has_answer) return CutReason::kNone;
  if (verdict.equivalent.value_or(false)) ++run_;
  else run_ = 1;  // the first answer, or one that differs from the previous: a new run
  if (run_ >= options_.m) {
    decided_thought_ = verdict.thought;
    return decide(CutReason::kConverged);
  }
  return CutReason::kNone;
}

}  // namespace gauntlet::harness
