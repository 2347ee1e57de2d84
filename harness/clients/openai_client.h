#pragma once
// OpenAIClient: a ModelClient for any OpenAI-compatible server (vLLM, SGLang, llama.cpp server,
// hosted APIs) on libcurl's multi interface. One I/O thread drives every request of the model:
// adaptive concurrency (ConcurrencyLimiter), retries with exponential backoff and jitter on 429,
// 5xx, timeouts, connection errors and malformed bodies, Retry-After, and an endpoint pool where
// each request goes to the base URL with the fewest in flight and a failing URL is skipped for a
// cooldown. When no URL has ever answered and every URL has refused the connection (or failed to
// resolve) twice in a row, nothing listens: every request of the model then fails at once with that
// error instead of backing off (the next run tries again). cancel_pending() cuts queued requests and
// pending backoffs short. The API key is read from the named environment variable and never logged.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/clients/continuation.h"
#include "harness/clients/model_client.h"
#include "harness/clients/model_spec.h"

namespace gauntlet::harness {

class OpenAIClient : public ModelClient, public ContinuableClient {
 public:
  // Throws ConfigError when api_key_env names a variable that is not set.
  explicit OpenAIClient(const ModelSpec& config, double shrink_debounce_s = 5.0);
  ~OpenAIClient() override;

  void submit_async(ChatRequest request, Callback done) override;
  ClientStats stats() const override;
  void drain() override;
  void cancel_pending() override;
  std::string last_error() const override;

  // A turn continued in segments (clients/continuation.h) by the model's `continuation:` method
  // (model_spec.h): each segment is one streamed request carrying the conversation and the whole
  // assistant text so far. The observer runs on the caller's thread as deltas arrive (one call per
  // stream event, with its text and the segment's token count: logprob entries, else token ids,
  // else one per event with text; the last attempt's usage makes the final count exact). Returning
  // false closes the stream; the segment keeps exactly the text handed to the observer. A failed
  // attempt (the client's retry policy: 429, 5xx, timeouts, resets, a stream cut short) is retried
  // as a continuation of everything already received, with max_tokens less the tokens received, so
  // no text is generated or handed over twice (stop strings are the server's: one split across a
  // retry boundary goes unseen unless the server holds partial matches back, as vLLM does).
  // Self-certainty is approximated from top logprobs (clients/openai_self_certainty.h) when the
  // request asks for top_logprobs or for self_certainty (then top_logprobs 20 are asked for; NaN
  // without vocab_size:). A plain request with self_certainty gets the same approximation in each
  // choice's budget record (self_certainty_approximate: true). The client must outlive its
  // continuations; never call segment() from a completion callback (it runs on the client's I/O
  // thread: segment() refuses).
  std::unique_ptr<Continuation> open(const ChatRequest& request) override;

  // (seconds since start, limit) after each change of the adaptive limit.
  std::vector<std::pair<double, int>> limit_history() const;

 public:
  struct Impl;  // public for openai_client.cpp's continuation; not part of the interface

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gauntlet::harness
