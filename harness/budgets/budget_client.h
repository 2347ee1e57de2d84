#pragma once
// BudgetClient: a ModelClient decorator that applies a model's BudgetPolicy (budgets/policy.h) to
// every request. The prefill policies rewrite the request before the wrapped client sees it:
// `nothinking` sets the request's assistant_prefix to the policy's prefill, `empty_think` sets
// chat_template_kwargs.enable_thinking = false (the wrapped provider honours both fields or refuses
// the request, clients/chat.h); their choices get a budget record {policy, thinking_tokens,
// answer_tokens, cut_reason "none"} (token counts null when n > 1: usage is per request).
// `budget` and `trimr` run each request as a continued turn (budgets/budget_forcing.h,
// budgets/trimr_turn.h) on the wrapped client,
// which must be a ContinuableClient (otherwise every request fails kRejected), on the decorator's
// own worker threads (as many as the wrapped client's concurrency limit): submit_async never
// blocks; the answer comes through the callback on a worker thread. cancel_pending answers every
// queued request kCancelled, forwards (segments already running end as cancelled) and stops the
// turns in progress before their next segment (kCancelled); drain waits
// for the queue and the workers, then the wrapped client. `parallel` submits its samples to an
// inner BudgetClient (the inner policy) over the same wrapped client (budgets/parallel_turn.h).
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/budgets/policy.h"
#include "harness/clients/model_client.h"

namespace gauntlet::harness {

class ContinuableClient;
class ThoughtVerifier;

class BudgetClient : public ModelClient {
 public:
  BudgetClient(std::unique_ptr<ModelClient> inner, BudgetPolicy policy);
  ~BudgetClient() override;

  void submit_async(ChatRequest request, Callback done) override;
  ClientStats stats() const override;
  void drain() override;
  void cancel_pending() override;
  std::string last_error() const override;

  // The request as the wrapped client receives it (the prefill policies).
  ChatRequest apply(ChatRequest request) const;

 private:
  struct Job {
    ChatRequest request;
    Callback done;
  };
  void work(std::atomic<bool>& cancelled);

  std::unique_ptr<ModelClient> inner_;
  ContinuableClient* continuable_ = nullptr;  // inner_ as a ContinuableClient, when it is one
  BudgetPolicy policy_;
  // kBudget's workers.
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<Job> queue_;
  int active_ = 0;
  bool stopping_ = false;
  std::atomic<long> errors_{0};
  std::string last_error_;  // under mutex_
  std::vector<std::thread> workers_;
  std::deque<std::atomic<bool>> cancelled_;  // per worker: cancel_pending() stops its turn (under mutex_)
  // kTrimR: the verifier (and the model client a model verifier asks).
  std::unique_ptr<ModelClient> verifier_client_;
  std::unique_ptr<ThoughtVerifier> verifier_;
  // kParallel: the inner policy over inner_ (budgets/parallel_turn.h).
  std::unique_ptr<ModelClient> parallel_inner_;
};

}  // namespace gauntlet::harness
