#pragma once
// TrimRMonitor: watches one thinking stream token by token and says when TrimR cuts it. It feeds
// each token's text to a ThoughtSplitter; a closed thought goes to the CheckQueue (the verifier,
// sync or async) and to TrimRRules; at every token it first applies the verdicts that have come
// back since the previous token (in thought order), then the per-token rules (repetition,
// underthinking). So with an async verifier a verdict takes effect at the first token after it
// arrives: decoding never waits for the verifier, and the cut lands where the stream is by then.
// With a sync verifier (checked inline when the thought closes) it takes effect at that same token.
// Verdicts still outstanding when thinking ends are never applied (recorded with applied_at null).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/budgets/thought_checker.h"
#include "harness/budgets/thought_splitter.h"
#include "harness/budgets/trimr_rules.h"

namespace gauntlet::harness {

class TrimRMonitor {
 public:
  // `verifier` must outlive the monitor; `problem` is the task as the user asked it.
  TrimRMonitor(TrimROptions options, std::vector<std::string> markers, ThoughtVerifier& verifier,
               std::string problem, bool async);
  ~TrimRMonitor();

  // One generated thinking token: its text and the thinking tokens so far (this one included).
  // Returns the cut decision; kNone: go on. Once a decision is made it is returned again.
  CutReason on_token(std::string_view text, int tokens);
  // Thinking ended (closed by the model, capped, or cut): stops the verifier; the open thought
  // is counted but not checked. Idempotent.
  void finish();

  CutReason decision() const { return rules_.decision(); }
  int cut_position() const { return cut_position_; }   // thinking tokens when the decision was made; -1: none
  // kConverged: the byte offset (in the text fed) where the thought that completed the run ends,
  // its trailing whitespace excluded (the newlines before the next thought's marker line: a close
  // such as "\n</think>" then sits where the model's own would); unset for any other decision.
  std::optional<std::size_t> converged_end() const;
  const TrimRRules& rules() const { return rules_; }
  // {"thoughts", "thought_ends", "verifier_calls", "run", "repetition_period"?}
  nlohmann::json record() const;

 private:
  void apply_ready(int tokens);

  TrimRRules rules_;
  ThoughtSplitter splitter_;
  std::unique_ptr<CheckQueue> queue_;
  int tokens_ = 0;
  int cut_position_ = -1;
  bool finished_ = false;
  int thoughts_ = 0;
  std::vector<int> thought_ends_;           // thinking tokens when each thought closed
  std::vector<std::size_t> thought_end_bytes_;  // and the byte where each ends
  nlohmann::json calls_ = nlohmann::json::array();
};

}  // namespace gauntlet::harness
