#pragma once
// GenerationState: what happens to one sequence's sampled tokens, whoever runs the forward passes
// (Engine::generate one request at a time, the serving scheduler many together): the token joins
// the result, then stop tokens, text decoding, the reasoning span, stop strings and max_tokens
// decide whether the sequence is over (the caller stops a sequence at the context's end, with
// finish_reason "context"). The same rules in both places, so a request's result does
// not depend on which one ran it.
#include <optional>
#include <string>
#include <vector>

#include "engine/model/config.h"
#include "engine/sampler.h"
#include "engine/text/stream_decoder.h"
#include "engine/text/thinking.h"
#include "engine/text/thinking_span.h"
#include "engine/text/tokenizer.h"

namespace gauntlet::engine {

struct GenerationRequest;
struct GenerationResult;

// Throws RequestError (engine/request_error.h) for an empty prompt, a token id outside the
// vocabulary or a negative max_tokens, and ContextOverflow for a prompt that leaves no position for
// an answer in the model's context. Every way of generating checks requests with this.
void check_request(const std::vector<int>& prompt_ids, int max_tokens, const ModelConfig& config);

class GenerationState {
 public:
  // `result` receives prompt_ids now, tokens / text / finish_reason as they come; it must outlive
  // this state.
  GenerationState(const GenerationRequest& request, std::vector<int> prompt_ids, const Tokenizer& tokenizer,
                  const std::optional<ThinkingDelimiters>& thinking, const ModelConfig& config,
                  GenerationResult& result);

  // Takes the next sampled token; true when the sequence is over (finish_reason set).
  bool push(const SampledToken& token);
  // Text added to result.text by the last push (for streaming): bytes [text_before, result.text.size()).
  std::size_t text_before() const { return text_before_; }
  // Closes the text (an incomplete UTF-8 tail) and the reasoning span; call once at the end.
  void finish();

 private:
  const GenerationRequest& request_;
  GenerationResult& result_;
  std::vector<int> stop_ids_;
  std::size_t longest_stop_ = 0;
  StreamDecoder decoder_;
  ThinkingTracker thinking_;
  bool stopped_by_string_ = false;
  std::size_t text_before_ = 0;
};

}  // namespace gauntlet::engine
