#pragma once
// Engine: a loaded model ready to generate. Owns the memory-mapped Checkpoint, the resolved
// ModelWeights, the Tokenizer, the checkpoint's chat template (rendered by engine/text/jinja;
// plain ChatML when the checkpoint ships none), the thinking delimiters (when the tokenizer has
// them) and a ThreadPool for the kernels. generate() runs each request to completion with its own KV cache and
// its own seeded Sampler, so a request's output depends only on the request, never on the batch.
// Not thread-safe: one generate() at a time, and none while a Scheduler drives the engine's
// Forward (engine/serve/scheduler.h: the batched, continuous way to generate).
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/text/chat_template.h"
#include "engine/model/checkpoint.h"
#include "engine/forward.h"
#include "engine/model/weights.h"
#include "engine/routing.h"
#include "engine/sampler.h"
#include "engine/cpu/thread_pool.h"
#include "engine/text/thinking.h"
#include "engine/text/thinking_span.h"
#include "engine/text/tokenizer.h"

namespace gauntlet::engine {

struct EngineOptions {
  int threads = 1;                           // kernel threads (<= 0: all cores)
  std::filesystem::path tokenizer_path;      // empty: the model directory
  RoutingControls routing;                   // default for requests that set none
};

struct GenerationRequest {
  std::vector<int> prompt_ids;               // used when non-empty, else `prompt` is encoded
  std::string prompt;                        // text, special tokens recognised (render chats first)
  int max_tokens = 256;
  SamplingParams sampling;
  std::vector<std::string> stop_strings;     // text ends before the first match
  std::vector<int> stop_token_ids;           // in addition to the config's eos ids
  bool ignore_eos = false;                   // do not stop on the config's eos ids
  bool skip_special_tokens = true;           // when decoding text
  std::optional<RoutingControls> routing;    // unset: the engine's default
  bool trace_routing = false;                // fill GenerationResult::routing
  bool trace_prompt_routing = false;         // also GenerationResult::prompt_routing
};

struct GenerationTiming {
  int prefill_tokens = 0;
  double prefill_seconds = 0;
  int decode_tokens = 0;                     // forward passes after the prefill
  double decode_seconds = 0;
  // CPU time of the whole process (every thread) over the same spans: on a shared machine, tokens
  // per CPU-second measure the engine without the time other processes held the cores.
  double prefill_cpu_seconds = 0;
  double decode_cpu_seconds = 0;
  double prefill_tokens_per_s() const { return prefill_seconds > 0 ? prefill_tokens / prefill_seconds : 0; }
  double decode_tokens_per_s() const { return decode_seconds > 0 ? decode_tokens / decode_seconds : 0; }
  double prefill_tokens_per_cpu_s() const { return prefill_cpu_seconds > 0 ? prefill_tokens / prefill_cpu_seconds : 0; }
  double decode_tokens_per_cpu_s() const { return decode_cpu_seconds > 0 ? decode_tokens / decode_cpu_seconds : 0; }
};

struct GenerationResult {
  std::vector<int> prompt_ids;
  std::vector<SampledToken> tokens;          // every generated token (a stop token included)
  std::vector<int> token_ids() const;
  // The mean of the tokens' self_certainty (sampling.self_certainty on): the sample's
  // self-certainty; NaN when it was not asked for or nothing was generated.
  double self_certainty() const;
  std::string text;                          // decoded; without a stop token or stop string
  std::string finish_reason;                 // "stop" (eos / stop token / stop string) | "length" (max_tokens)
                                             // | "context" (max_position_embeddings reached)
  GenerationTiming timing;
  // With trace_routing: routing[j] is the routing of the forward pass that produced tokens[j] (its
  // input is the token before); prompt_routing[i] that of prompt position i (its input is prompt
  // token i), so prompt_routing.back() == routing.front().
  std::vector<PositionRoutes> routing;
  std::vector<PositionRoutes> prompt_routing;
  // The reasoning block, found by the thinking delimiters' token ids: thinking->close_token is the
  // index in `tokens` of the token that closed thinking (none: never closed). None when there was
  // no block (or the tokenizer has no delimiters).
  std::optional<ThinkingSpan> thinking;
};

class Engine {
 public:
  explicit Engine(const std::filesystem::path& model_dir, const EngineOptions& options = {});

  // Throws RequestError for a request that cannot run (engine/request_error.h), ContextOverflow when
  // the prompt leaves no room for a token within max_position_embeddings.
  std::vector<GenerationResult> generate(const std::vector<GenerationRequest>& requests);
  GenerationResult generate(const GenerationRequest& request);

  // Runs `ids` through the model in one teacher-forced pass (no sampling) with the given routing
  // (nullptr: the engine's default), appending one PositionRoutes per id to `trace` and updating
  // `probe` when given.
  void teacher_force(std::span<const int> ids, const RoutingControls* routing, std::vector<PositionRoutes>* trace,
                     ExpertProbe* probe);

  const ModelConfig& config() const { return weights_.config; }
  const Tokenizer& tokenizer() const { return tokenizer_; }
  bool has_chat_template() const { return chat_template_.has_value() || chat_template_error_; }
  // Throws TokenizerError when the model directory has no chat template, and the template's
  // jinja::TemplateError when it does not parse.
  const ChatTemplate& chat_template() const;
  // Chats rendered with the model's chat template, or as plain ChatML when it has none. Throws
  // jinja::TemplateError when the template fails (raise_exception included).
  std::string render_chat(const std::vector<ChatTurn>& turns, const RenderOptions& options) const;
  std::string render_chat(const ChatInput& input) const;
  // The reasoning block's delimiters among the tokenizer's added tokens; none when it has none.
  const std::optional<ThinkingDelimiters>& thinking_delimiters() const { return thinking_; }
  Forward& forward() { return forward_; }
  // The kernel threads (the scheduler also samples its rows on them).
  ThreadPool& pool() { return pool_; }
  // The routing requests without controls of their own get (EngineOptions::routing).
  const RoutingControls& default_routing_controls() const { return default_controls_; }
  const RoutingPlan& default_routing_plan() const { return default_routing_; }

 private:
  std::unique_ptr<Checkpoint> checkpoint_;
  ModelWeights weights_;
  Tokenizer tokenizer_;
  const ChatTemplate& chat_template_or_chatml() const;

  std::exception_ptr chat_template_error_;  // declared before chat_template_: set while it loads
  std::optional<ChatTemplate> chat_template_;
  std::filesystem::path tokenizer_source_;
  std::optional<ThinkingDelimiters> thinking_;
  ThreadPool pool_;
  Forward forward_;
  RoutingControls default_controls_;
  RoutingPlan default_routing_;
};

}  // namespace gauntlet::engine
