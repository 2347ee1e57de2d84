#pragma once
// TrimRRules: TrimR's decisions (budgets.md §3.3) as a state machine on one thinking stream, fed
// the generated tokens, the closed thoughts and, in thought order, the verifier's verdicts on them.
// No threads, no clocks: the driver (budgets/trimr_driver.h) decides when each input arrives.
//  converged      answer-bearing thoughts (p1 = yes) form runs of equivalent answers (p2 = yes
//                 against the previous answer-bearing thought); a run of `m` ends thinking. A
//                 mismatch starts a new run of 1; thoughts without an answer neither extend nor break
//                 a run. A failed verdict never trims: it is logged and the run restarts from 0.
//  underthinking  more than r_thres * thinking_tokens tokens AND more than n_thres closed thoughts
//                 (Algorithm 2's constants), checked at every token.
//  repetition     the token stream ends in a loop (budgets/repetition_detector.h), checked at every token.
// The first decision sticks: later inputs return it again and change nothing.
#include <cstdint>
#include <optional>
#include <string>

#include "harness/budgets/repetition_detector.h"

namespace gauntlet::harness {

enum class CutReason { kNone, kConverged, kUnderthinking, kRepetition, kCap };
const char* to_string(CutReason reason);  // "none" | "converged" | "underthinking" | "repetition" | "cap"

struct TrimROptions {
  int thinking_tokens = 4096;  // M_max: the thinking budget (the cap)
  int m = 2;                   // consecutive equivalent answers that mean "converged"
  double r_thres = 0.5;        // underthinking: tokens > r_thres * thinking_tokens ...
  int n_thres = 20;            // ... and closed thoughts > n_thres
  RepetitionOptions repetition;
};

// The verifier's verdict on one closed thought.
struct ThoughtVerdict {
  int thought = 0;
  std::optional<bool> has_answer;  // p1; unset when the check failed
  std::optional<bool> equivalent;  // p2 against the previous answer-bearing thought; unset when not asked
  std::string error;               // non-empty: the check failed (no trim)
};

class TrimRRules {
 public:
  explicit TrimRRules(TrimROptions options);

  // One generated thinking token: `symbol` identifies it for the repetition detector, `tokens` is
  // the thinking tokens so far (this one included).
  CutReason on_token(std::uint64_t symbol, int tokens);
  // A thought closed (the splitter found the next one's marker); `closed` thoughts so far.
  CutReason on_thought(int closed);
  // A verdict, applied in thought order.
  CutReason on_verdict(const ThoughtVerdict& verdict);

  CutReason decision() const { return decision_; }
  int run() const { return run_; }                      // length of the current run of equivalent answers
  int decided_thought() const { return decided_thought_; }  // kConverged: the thought that completed the run
  int repetition_period() const { return period_; }

 private:
  CutReason decide(CutReason reason);
  bool underthinking() const;

  TrimROptions options_;
  RepetitionDetector repetition_;
  CutReason decision_ = CutReason::kNone;
  int tokens_ = 0;
  int thoughts_ = 0;
  int run_ = 0;
  int decided_thought_ = -1;
  int period_ = 0;
};

}  // namespace gauntlet::harness
