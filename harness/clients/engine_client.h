#pragma once
// EngineClient: a ModelClient on the in-tree MoE engine (provider `engine`, a local Hugging Face
// checkpoint directory). Requests go into the engine's Scheduler (engine/serve/scheduler.h), which
// batches up to `concurrency` sequences continuously, so concurrent samples decode together; a
// request's tokens depend only on itself (seed + nothing else; without a seed, the sample index is
// the seed), never on what runs beside it. Chats are rendered with the model's own chat template,
// every chat_template_kwargs key passed to it (e.g. enable_thinking: false); the answer is split
// from <think>…</think> like a server's; token ids and, when asked, logprobs come straight from the
// sampler; a request's chat_template_kwargs go over the model's and its assistant_prefix follows the
// rendered prompt (budget policies, harness/budgets/); n > 1 gives n choices (choice i seeded seed + i). The model config's routing controls
// become the engine's defaults; with routing.trace each choice carries a routing summary.
// Outcomes (refusals included) are reported on the scheduler's thread.
// As a ContinuableClient (clients/continuation.h) a turn's segments run on one held scheduler
// sequence (method "kv"): the appended text is tokenized alone and its ids prefilled onto the held
// KV; every segment samples with the request's sampling parameters and seed; a segment with
// stop_at_think_close ends before the model's </think> id is committed.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "harness/clients/continuation.h"
#include "harness/clients/model_client.h"
#include "harness/clients/model_spec.h"

namespace gauntlet::engine {
class Engine;
class Scheduler;
struct GenerationRequest;
struct GenerationResult;
}  // namespace gauntlet::engine

namespace gauntlet::harness {

class EngineContinuation;

class EngineClient : public ModelClient, public ContinuableClient {
 public:
  // Loads the model; throws ConfigError naming the model and the checkpoint problem.
  explicit EngineClient(const ModelSpec& config);
  // Finishes everything submitted, then stops the scheduler.
  ~EngineClient() override;

  void submit_async(ChatRequest request, Callback done) override;
  ClientStats stats() const override;
  void drain() override;
  // Every request still waiting or running ends as cancelled (Failure::kCancelled) at the
  // scheduler's next step.
  void cancel_pending() override;

  ChatResult answer(const ChatRequest& request);  // synchronous, for tests

  // Renders the request (as submit_async does) and tokenizes it; nothing runs until the first
  // segment. Throws std::runtime_error for a request the engine refuses (n > 1 included).
  std::unique_ptr<Continuation> open(const ChatRequest& request) override;

 private:
  engine::GenerationRequest engine_request(const ChatRequest& request);
  ChatResult chat_result(const ChatRequest& request, const std::vector<engine::GenerationResult>& outs) const;
  void finished();
  friend class EngineContinuation;

  ModelSpec config_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<engine::Scheduler> scheduler_;
  nlohmann::ordered_json kwargs_ = nlohmann::ordered_json::object();  // chat_template_kwargs
  bool trace_ = false;  // routing.trace: attach a routing summary to every choice
  std::mutex render_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  int in_flight_ = 0;
  std::set<std::uint64_t> running_;  // scheduler request ids not yet answered
};

}  // namespace gauntlet::harness
