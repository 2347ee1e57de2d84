#include "harness/clients/engine_continuation.h"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>

#include "engine/request_error.h"
#include "engine/serve/scheduler.h"
#include "harness/clients/engine_client.h"

namespace gauntlet::harness {

namespace {
using Clock = std::chrono::steady_clock;
}

EngineContinuation::EngineContinuation(EngineClient& client, engine::GenerationRequest base, std::vector<int> prompt_ids)
    : client_(client), base_(std::move(base)), prompt_ids_(std::move(prompt_ids)) {}

EngineContinuation::~EngineContinuation() {
  if (handle_ == 0) return;
  try {
    client_.scheduler_->release(handle_);
  } catch (const std::exception&) {
    // Already gone (the scheduler dropped it after an error): nothing is held.
  }
}

SegmentResult EngineContinuation::segment(const std::string& append, const SegmentLimits& limits,
                                          const SegmentObserver& observer) {
  const auto start = Clock::now();
  SegmentResult out;
  auto fail = [&](const std::string& error, Failure failure) {
    broken_ = true;
    out.error = "engine: " + error;
    out.failure = failure;
    out.latency_s = std::chrono::duration<double>(Clock::now() - start).count();
    return out;
  };
  rewindable_ = false;
  if (broken_) return fail("an earlier segment of this turn failed", Failure::kRejected);
  if (limits.max_tokens < 1) return fail("a segment's max_tokens must be positive", Failure::kRejected);
  const engine::Engine& engine = *client_.engine_;
  const std::vector<int> appended = append.empty() ? std::vector<int>{} : engine.tokenizer().encode(append);
  out.appended_tokens = static_cast<int>(appended.size());

  engine::ServeRequest serve;
  serve.generation = base_;
  serve.generation.max_tokens = limits.max_tokens;
  serve.generation.sampling.self_certainty = true;  // SegmentResult::self_certainty_sum (one pass over the logits)
  serve.generation.stop_strings = limits.stop;
  serve.hold = true;
  if (limits.stop_at_think_close && engine.thinking_delimiters())
    serve.hold_before_ids = {engine.thinking_delimiters()->close_id};

  struct Shared {
    std::promise<engine::ServeOutcome> done;
    engine::Scheduler::RequestId id = 0;  // under the client's mutex
    bool aborted = false;                 // the observer ended the segment (scheduler thread)
    int tokens = 0;
    std::size_t streamed = 0;
  };
  auto shared = std::make_shared<Shared>();
  engine::ServeCallbacks callbacks;
  callbacks.on_token = [client = &client_, shared, observer](int, const engine::SampledToken&, std::string_view text) {
    ++shared->tokens;
    shared->streamed += text.size();
    if (!observer || shared->aborted || observer(text, shared->tokens)) return;
    shared->aborted = true;
    std::lock_guard lock(client->mutex_);  // the id is recorded before this can run
    client->scheduler_->cancel(shared->id);
  };
  // The waiting segment() may return (and this turn go) as soon as the value is set: only the
  // client, which outlives every request in flight, is touched after that.
  callbacks.on_done = [client = &client_, shared](engine::ServeOutcome outcome) {
    {
      std::lock_guard lock(client->mutex_);
      client->running_.erase(shared->id);
    }
    shared->done.set_value(std::move(outcome));
    client->finished();
  };
  {
    std::lock_guard lock(client_.mutex_);
    ++client_.in_flight_;
    try {
      if (handle_ == 0) {
        serve.generation.prompt_ids = prompt_ids_;
        serve.generation.prompt_ids.insert(serve.generation.prompt_ids.end(), appended.begin(), appended.end());
        shared->id = client_.scheduler_->submit(std::move(serve), std::move(callbacks));
      } else {
        shared->id = client_.scheduler_->resume(handle_, appended, std::move(serve), std::move(callbacks));
      }
      client_.running_.insert(shared->id);
    } catch (const engine::ContextOverflow& e) {
      if (--client_.in_flight_ == 0) client_.idle_.notify_all();
      return fail(e.what(), Failure::kContext);
    } catch (const std::exception& e) {
      if (--client_.in_flight_ == 0) client_.idle_.notify_all();
      return fail(e.what(), Failure::kRejected);
    }
  }
  engine::ServeOutcome outcome = shared->done.get_future().get();
  out.latency_s = std::chrono::duration<double>(Clock::now() - start).count();
  handle_ = outcome.continuation;
  if (!outcome.error.empty()) return fail(outcome.error, Failure::kRejected);
  const engine::GenerationResult& r = outcome.results.at(0);
  out.text = r.text;
  out.tokens = static_cast<int>(r.tokens.size());
  out.self_certainty_sum = 0.0;
  for (const auto& t : r.tokens) {
    out.token_ids.push_back(t.id);
    out.self_certainty_sum += t.self_certainty;
  }
  if (observer && r.text.size() > shared->streamed)  // text held back for stop strings, or a held token's tail
    observer(std::string_view(r.text).substr(shared->streamed), out.tokens);
  if (r.thinking) out.thinking_open = !r.thinking->close_token.has_value();
  else if (engine.thinking_delimiters()) out.thinking_open = false;
  if (outcome.cancelled && !shared->aborted) {
    out.finish = "cancelled";
    out.error = "cancelled: the run was interrupted before this segment was answered";
    out.failure = Failure::kCancelled;
    broken_ = true;
  } else if (outcome.cancelled) {
    out.finish = "aborted";
  } else if (r.finish_reason == "stop_token_held") {
    out.finish = "think_close";
  } else {
    out.finish = r.finish_reason;
  }
  if (handle_ == 0 && out.ok()) return fail("the scheduler did not hold the turn (shutting down)", Failure::kRejected);
  turn_text_ += append;
  turn_text_ += r.text;
  last_ids_ = r.token_ids();
  last_bytes_ = r.text.size();
  rewindable_ = true;
  return out;
}

Rewound EngineContinuation::rewind(std::size_t keep_bytes) {
  if (!rewindable_) throw std::logic_error("rewind: no segment to rewind (none ran, it failed, or it was rewound)");
  rewindable_ = false;
  const engine::Tokenizer& tokenizer = client_.engine_->tokenizer();
  std::size_t total = 0;
  for (int id : last_ids_) total += tokenizer.token_bytes(id).size();
  if (total != last_bytes_)  // a stop string cut the text, or ids without text: no byte-exact token ends
    throw std::logic_error("rewind: the segment's text is not its tokens' bytes (" + std::to_string(last_bytes_) +
                           " vs " + std::to_string(total) + ")");
  std::size_t kept_bytes = 0;
  std::size_t kept = 0;
  for (; kept < last_ids_.size(); ++kept) {
    const std::size_t next = kept_bytes + tokenizer.token_bytes(last_ids_[kept]).size();
    if (next > keep_bytes) break;
    kept_bytes = next;
  }
  Rewound out;
  out.tokens = static_cast<int>(last_ids_.size() - kept);
  out.bytes = total - kept_bytes;
  if (out.tokens == 0) return out;
  client_.scheduler_->rewind(handle_, out.tokens);
  turn_text_.resize(turn_text_.size() - out.bytes);
  return out;
}

}  // namespace gauntlet::harness
