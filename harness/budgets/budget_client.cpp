#include "harness/budgets/budget_client.h"

#include "harness/budgets/budget_forcing.h"
#include "harness/clients/continuation.h"

namespace gauntlet::harness {

BudgetClient::BudgetClient(std::unique_ptr<ModelClient> inner, BudgetPolicy policy)
    : inner_(std::move(inner)), continuable_(dynamic_cast<ContinuableClient*>(inner_.get())), policy_(std::move(policy)) {
  if (policy_.kind != BudgetKind::kBudget) return;
  const int threads = std::max(1, inner_->stats().concurrency_limit);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
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
  if (policy_.kind == BudgetKind::kBudget) {
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

void BudgetClient::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
      ++active_;
    }
    ChatResult result;
    if (!continuable_) {
      result.error = "budget policy 'budget' needs a provider that can continue a turn (the engine); this one cannot";
      result.failure = Failure::kRejected;
    } else {
      result = run_budget_forcing(*continuable_, job.request, policy_);
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
  if (policy_.kind != BudgetKind::kBudget) return s;
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
  {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return queue_.empty() && active_ == 0; });
  }
  inner_->drain();
}

void BudgetClient::cancel_pending() {
  std::deque<Job> queued;
  {
    std::lock_guard lock(mutex_);
    queued.swap(queue_);
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
