#pragma once
// Continuation: one assistant turn generated in segments that a caller steers (the budget policies
// of harness/budgets/). open() starts the turn from a chat request (its messages rendered with the
// generation prompt, then its assistant_prefix); each segment() first appends text to the turn
// (a cue, a closing </think>, "Wait"), then lets the model continue under the segment's limits.
// The turn so far is kept between segments: the engine holds the sequence and its KV cache (the
// appended text is prefilled onto it, nothing before it again); an HTTP provider sends a
// continuation request carrying everything so far. Calls block; one segment at a time per turn.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/clients/chat.h"

namespace gauntlet::harness {

struct SegmentLimits {
  int max_tokens = 1;               // tokens this segment may generate (> 0)
  bool stop_at_think_close = false; // end the segment when the model emits </think>, before that token
                                    // is committed: it is neither in the text nor in the turn
  std::vector<std::string> stop;    // stop strings, not included in the text
};

// Called for each generated token with the text it makes final (possibly empty) and the segment's
// token count so far. Return false to end the segment there (finish "aborted"); the turn keeps
// everything up to and including that token.
using SegmentObserver = std::function<bool(std::string_view text, int tokens)>;

struct SegmentResult {
  std::string text;                      // what the model generated in this segment (not the appended text)
  int tokens = 0;                        // generated tokens
  int appended_tokens = 0;               // tokens the appended text became (0 when the provider cannot tell)
  std::vector<std::int32_t> token_ids;   // generated ids, when the provider has them
  // "length" (max_tokens), "think_close" (stop_at_think_close hit), "stop" (a stop string, or the
  // model ended its turn), "aborted" (the observer said so), "context" (the model's context is full).
  std::string finish;
  // Sum over generated tokens of -1/V * sum_j log(V * p_j) (self-certainty, budgets.md); NaN when the
  // provider cannot compute it. approximate: computed from top logprobs only (HTTP).
  double self_certainty_sum = std::numeric_limits<double>::quiet_NaN();
  bool self_certainty_approximate = false;
  double latency_s = 0.0;
  int retries = 0;
  // Whether a think block is open at the segment's end (opened in the prompt or generated, not
  // closed), when the provider can tell (the engine's delimiter tracking); unset otherwise.
  std::optional<bool> thinking_open;
  std::string error;                     // non-empty: the segment failed; the turn is unusable
  Failure failure = Failure::kNone;
  bool ok() const { return error.empty(); }
};

struct Rewound {
  int tokens = 0;          // generated tokens dropped from the turn
  std::size_t bytes = 0;   // bytes of text dropped
};

class Continuation {
 public:
  virtual ~Continuation() = default;  // releases what the turn holds (the engine's KV blocks)
  virtual SegmentResult segment(const std::string& append, const SegmentLimits& limits,
                                const SegmentObserver& observer = {}) = 0;
  // Drops the end of the last segment's generated text from the turn: keeps its first `keep_bytes`
  // bytes, rounded down to a whole token (a whole streamed piece over HTTP), and the next segment
  // continues from there as if the rest had never been generated (the engine rolls its KV cache
  // back; HTTP re-sends the shorter text). Allowed once after a segment that ended without error.
  // Throws std::logic_error otherwise.
  virtual Rewound rewind(std::size_t keep_bytes) = 0;
  // Everything generated and appended since open(), in order (not the prompt or assistant_prefix).
  virtual const std::string& turn_text() const = 0;
  // How later segments are sent: "kv" (the engine), "completions" or "continue_final_message" (HTTP).
  virtual std::string method() const = 0;
};

// Implemented by providers that can continue a turn. open() fails by throwing ModelCallError-like
// std::runtime_error with the reason (bad request, context full).
class ContinuableClient {
 public:
  virtual ~ContinuableClient() = default;
  virtual std::unique_ptr<Continuation> open(const ChatRequest& request) = 0;
};

}  // namespace gauntlet::harness
