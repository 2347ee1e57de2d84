#include "harness/clients/engine_client.h"

#include <chrono>
#include <cmath>
#include <future>

#include <fmt/format.h>

#include "engine/engine.h"
#include "engine/generation.h"
#include "engine/request_error.h"
#include "engine/serve/scheduler.h"
#include "harness/errors/errors.h"
#include "harness/clients/engine_continuation.h"
#include "harness/clients/reasoning.h"
#include "harness/clients/routing_config.h"

namespace gauntlet::harness {

EngineClient::EngineClient(const ModelSpec& config) : config_(config) {
  if (config.chat_template_kwargs.is_object()) kwargs_ = nlohmann::ordered_json::parse(config.chat_template_kwargs.dump());
  engine::EngineOptions options;
  options.threads = config.engine().threads;
  options.routing = routing_controls(config.engine().routing);
  trace_ = routing_trace_enabled(config.engine().routing);
  try {
    engine_ = std::make_unique<engine::Engine>(config.engine().model_path, options);
  } catch (const std::exception& e) {
    throw ConfigError(fmt::format("model '{}': cannot load {}: {}", config.name, config.engine().model_path.string(), e.what()));
  }
  engine::SchedulerOptions s;
  s.max_batch = std::max(1, config.concurrency);
  scheduler_ = std::make_unique<engine::Scheduler>(*engine_, s);
}

EngineClient::~EngineClient() {
  drain();
  scheduler_.reset();
}

engine::GenerationRequest EngineClient::engine_request(const ChatRequest& request) {
  engine::GenerationRequest g;
  if (!request.messages.empty()) {
    std::vector<engine::ChatTurn> turns;
    for (const auto& m : request.messages) turns.push_back({m.role, m.content, std::nullopt});
    engine::ChatInput chat;
    chat.messages = engine::chat_messages(turns);
    chat.kwargs = kwargs_;  // every chat_template_kwargs key, as a server passes them
    if (request.chat_template_kwargs.is_object())  // a budget policy's keys over the model's
      for (const auto& [key, value] : request.chat_template_kwargs.items())
        chat.kwargs[key] = nlohmann::ordered_json::parse(value.dump());
    std::lock_guard lock(render_mutex_);
    g.prompt = engine_->render_chat(chat);
  } else {
    g.prompt = request.prompt;
  }
  g.prompt += request.assistant_prefix;  // the model continues the assistant turn from here
  const auto& p = request.params;
  g.max_tokens = p.max_tokens.value_or(512);
  g.sampling.temperature = p.temperature.value_or(1.0);
  g.sampling.top_p = p.top_p.value_or(1.0);
  g.sampling.top_k = p.top_k.value_or(0);
  g.sampling.min_p = p.min_p.value_or(0.0);
  g.sampling.seed = static_cast<std::uint64_t>(p.seed.value_or(request.sample_index));
  g.sampling.top_logprobs = p.logprobs ? p.top_logprobs.value_or(0) : 0;
  g.sampling.self_certainty = request.self_certainty;
  g.stop_strings = p.stop;
  g.trace_routing = trace_;
  return g;
}

ChatResult EngineClient::chat_result(const ChatRequest& request, const std::vector<engine::GenerationResult>& outs) const {
  ChatResult result;
  const auto& p = request.params;
  for (const auto& out : outs) {
    Choice choice;
    choice.finish_reason = out.finish_reason;
    // The engine says where the reasoning block lies (by the delimiters' token ids); no text search.
    if (out.thinking) {
      const auto& t = *out.thinking;
      split_reasoning_at(out.text, {t.open_at, t.begin, t.end, t.answer_at}, choice);
      drop_stray_think_block(choice);
    } else {
      choice.text = out.text;
    }
    auto ids = out.token_ids();
    choice.token_ids.assign(ids.begin(), ids.end());
    if (trace_) choice.routing = routing_summary(out.routing, engine_->config().num_experts);
    if (request.self_certainty) {
      const double sc = out.self_certainty();
      choice.budget = {{"self_certainty", std::isnan(sc) ? nlohmann::json(nullptr) : nlohmann::json(sc)},
                       {"self_certainty_tokens", out.tokens.size()}};
    }
    if (p.logprobs) {
      const auto& tok = engine_->tokenizer();
      auto text_of = [&](int id) { return tok.decode(std::span<const int>(&id, 1)); };
      for (const auto& t : out.tokens) {
        TokenLogprob lp;
        lp.token = text_of(t.id);
        lp.logprob = t.logprob;
        for (const auto& alt : t.top) lp.top.push_back(TopLogprob{text_of(alt.id), alt.logprob});
        choice.logprobs.push_back(std::move(lp));
      }
    }
    result.prompt_token_ids.assign(out.prompt_ids.begin(), out.prompt_ids.end());
    result.usage.prompt_tokens = static_cast<std::int64_t>(out.prompt_ids.size());
    result.usage.completion_tokens += static_cast<std::int64_t>(out.tokens.size());
    // Reasoning tokens: those up to and including the closing delimiter (all of them when the block
    // was never closed), as servers that split reasoning report them.
    if (out.thinking && !choice.reasoning.empty()) {
      const auto& close = out.thinking->close_token;
      result.usage.reasoning_tokens += static_cast<std::int64_t>(close ? *close + 1 : out.tokens.size());
    }
    result.choices.push_back(std::move(choice));
  }
  return result;
}

void EngineClient::finished() {
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

void EngineClient::submit_async(ChatRequest request, Callback done) {
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  const auto start = std::chrono::steady_clock::now();
  auto shared = std::make_shared<std::pair<ChatRequest, Callback>>(std::move(request), std::move(done));
  auto fail = [this, shared, start](std::string error, Failure failure) {
    scheduler_->post([this, shared, start, error, failure] {
      ChatResult result;
      result.error = "engine: " + error;
      result.failure = failure;
      result.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      shared->second(std::move(result));
      finished();
    });
  };
  try {
    engine::ServeRequest serve;
    serve.generation = engine_request(shared->first);
    serve.n = std::max(1, shared->first.n);
    engine::ServeCallbacks callbacks;
    auto id = std::make_shared<engine::Scheduler::RequestId>(0);
    callbacks.on_done = [this, shared, start, id](engine::ServeOutcome outcome) {
      ChatResult result;
      if (!outcome.error.empty()) {
        result.error = "engine: " + outcome.error;
        result.failure = Failure::kRejected;
      } else if (outcome.cancelled) {
        result.error = "cancelled: the run was interrupted before this request was answered";
        result.failure = Failure::kCancelled;
      } else {
        result = chat_result(shared->first, outcome.results);
      }
      {
        std::lock_guard lock(mutex_);
        running_.erase(*id);
      }
      result.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      shared->second(std::move(result));
      finished();
    };
    std::lock_guard lock(mutex_);  // held so on_done cannot erase the id before it is recorded
    *id = scheduler_->submit(std::move(serve), std::move(callbacks));
    running_.insert(*id);
  } catch (const engine::ContextOverflow& e) {
    fail(e.what(), Failure::kContext);
  } catch (const std::exception& e) {
    fail(e.what(), Failure::kRejected);
  }
}

ClientStats EngineClient::stats() const {
  std::lock_guard lock(mutex_);
  return {in_flight_, scheduler_->options().max_batch, 0, 0};
}

void EngineClient::cancel_pending() {
  std::lock_guard lock(mutex_);
  for (auto id : running_) scheduler_->cancel(id);
}

void EngineClient::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return in_flight_ == 0; });
}

ChatResult EngineClient::answer(const ChatRequest& request) { return submit(request).get(); }

std::unique_ptr<Continuation> EngineClient::open(const ChatRequest& request) {
  if (request.n > 1) throw std::runtime_error("engine: a continued turn takes n = 1");
  engine::GenerationRequest g = engine_request(request);
  std::vector<int> ids = engine_->tokenizer().encode(g.prompt);
  try {
    engine::check_request(ids, 1, engine_->config());  // an empty prompt, or one that fills the context
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("engine: ") + e.what());
  }
  g.prompt.clear();
  return std::make_unique<EngineContinuation>(*this, std::move(g), std::move(ids));
}

}  // namespace gauntlet::harness
