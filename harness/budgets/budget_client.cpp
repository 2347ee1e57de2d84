#include "harness/budgets/budget_client.h"

#include <fmt/format.h>

#include "harness/budgets/borrowed_client.h"
#include "harness/budgets/budget_forcing.h"
#include "harness/budgets/extract_verifier.h"
#include "harness/budgets/model_verifier.h"
#include "harness/budgets/parallel_policy.h"
#include "harness/budgets/parallel_turn.h"
#include "harness/budgets/trimr_policy.h"
#include "harness/budgets/trimr_turn.h"
#include "harness/clients/client_factory.h"
#include "harness/clients/continuation.h"

namespace gauntlet::harness {

BudgetClient::BudgetClient(std::unique_ptr<ModelClient> inner, BudgetPolicy policy)
    : inner_(std::move(inner)), continuable_(dynamic_cast<ContinuableClient*>(inner_.get())), policy_(std::move(policy)) {
  if (policy_.kind == BudgetKind::kParallel)
    parallel_inner_ = std::make_unique<BudgetClient>(std::make_unique<BorrowedClient>(*inner_), policy_.parallel->of);
  if (policy_.kind == BudgetKind::kTrimR) {
    const TrimRPolicy& t = *policy_.trimr;
    if (t.verifier == TrimRVerifierKind::kModel) {
      verifier_client_ = make_client(*t.verifier_model);
      verifier_ = std::make_unique<ModelVerifier>(*verifier_client_, t.model);
    } else {
      verifier_ = std::make_unique<ExtractVerifier>(t.extract);
    }
  }
  if (policy_.kind != BudgetKind::kBudget && policy_.kind != BudgetKind::kTrimR) return;
  const int threads = std::max(1, inner_->stats().concurrency_limit);
  for (int i = 0; i < threads; ++i) cancelled_.emplace_back(false);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this, i] { work(cancelled_[static_cast<std::size_t>(i)]); });
}

BudgetClient::~BudgetClient() {
  drain();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

ChatRequest BudgetClient::apply(ChatRequest request) const {
  switch (policy_.kind) {
    case BudgetKind::kNone:
    case BudgetKind::kBudget:
    case BudgetKind::kTrimR:
    case BudgetKind::kParallel:
      break;
    case BudgetKind::kNoThinking:
      request.assistant_prefix = policy_.prefill + request.assistant_prefix;
      break;
    case BudgetKind::kEmptyThink:
      if (!request.chat_template_kwargs.is_object()) request.chat_template_kwargs = nlohmann::json::object();
      request.chat_template_kwargs["enable_thinking"] = false;
      break;
  }
  return request;
}

void BudgetClient::submit_async(ChatRequest request, Callback done) {
  if (policy_.kind == BudgetKind::kParallel) {
    run_parallel(*parallel_inner_, *policy_.parallel, std::move(request), std::move(done));
    return;
  }
  if (policy_.kind == BudgetKind::kBudget || policy_.kind == BudgetKind::kTrimR) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back({std::move(request), std::move(done)});
    }
    wake_.notify_one();
    return;
  }
  if (policy_.kind == BudgetKind::kNone) {
    inner_->submit_async(std::move(request), std::move(done));
    return;
  }
  // The prefill policies: the choice's record, from the engine's reasoning count.
  inner_->submit_async(apply(std::move(request)), [name = policy_.name(), done = std::move(done)](ChatResult r) {
    const bool one = r.choices.size() == 1;
    for (auto& c : r.choices) {
      // Keys the provider set (the HTTP continuation method) stay; the policy's own go over them.
      nlohmann::json record = c.budget.is_object() ? c.budget : nlohmann::json::object();
      record["policy"] = name;
      record["thinking_tokens"] = one ? nlohmann::json(r.usage.reasoning_tokens) : nlohmann::json(nullptr);
      record["answer_tokens"] =
          one ? nlohmann::json(r.usage.completion_tokens - r.usage.reasoning_tokens) : nlohmann::json(nullptr);
      record["cut_reason"] = "none";
      c.budget = std::move(record);
    }
    done(std::move(r));
  });
}

void BudgetClient::work(std::atomic<bool>& cancelled) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
      ++active_;
      cancelled = false;  // a cancel_pending() before this job does not reach it
    }
    ChatResult result;
    if (!continuable_) {
      result.error = fmt::format("budget policy '{}' needs a provider that can continue a turn (engine, openai); this one cannot",
                                 policy_.name());
      result.failure = Failure::kRejected;
    } else if (policy_.kind == BudgetKind::kTrimR) {
      result = run_trimr_turn(*continuable_, *verifier_, *policy_.trimr, job.request, &cancelled);
    } else {
      result = run_budget_forcing(*continuable_, job.request, policy_, &cancelled);
    }
    if (!result.ok() && !result.cancelled()) {
      ++errors_;
      std::lock_guard lock(mutex_);
      last_error_ = result.error;
    }
    job.done(std::move(result));
    {
      std::lock_guard lock(mutex_);
      if (--active_ == 0 && queue_.empty()) idle_.notify_all();
    }
  }
}

ClientStats BudgetClient::stats() const {
  ClientStats s = inner_->stats();
  if (policy_.kind != BudgetKind::kBudget && policy_.kind != BudgetKind::kTrimR) return s;
  std::lock_guard lock(mutex_);
  s.in_flight = static_cast<int>(queue_.size()) + active_;
  s.errors += errors_.load();
  return s;
}

std::string BudgetClient::last_error() const {
  {
    std::lock_guard lock(mutex_);
    if (!last_error_.empty()) return last_error_;
  }
  return inner_->last_error();
}

void BudgetClient::drain() {
  if (parallel_inner_) parallel_inner_->drain();
  {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return queue_.empty() && active_ == 0; });
  }
  inner_->drain();
}

void BudgetClient::cancel_pending() {
  if (parallel_inner_) parallel_inner_->cancel_pending();
  std::deque<Job> queued;
  {
    std::lock_guard lock(mutex_);
    queued.swap(queue_);
    for (auto& flag : cancelled_) flag = true;  // the turns in progress stop before their next segment
  }
  for (auto& job : queued) {
    ChatResult r;
    r.error = "cancelled: the run was interrupted before this request was answered";
    r.failure = Failure::kCancelled;
    job.done(std::move(r));
  }
  {
    std::lock_guard lock(mutex_);
    if (active_ == 0 && queue_.empty()) idle_.notify_all();
  }
  inner_->cancel_pending();
}

}  // namespace gauntlet::harness
