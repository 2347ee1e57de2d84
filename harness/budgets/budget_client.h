#pragma once
// BudgetClient: a ModelClient decorator that applies a model's BudgetPolicy (budgets/policy.h) to
// every request before the wrapped client sees it: `nothinking` sets the request's assistant_prefix
// to the policy's prefill, `empty_think` sets chat_template_kwargs.enable_thinking = false. The
// wrapped provider honours both fields or refuses the request (clients/chat.h).
#include <memory>

#include "harness/budgets/policy.h"
#include "harness/clients/model_client.h"

namespace gauntlet::harness {

class BudgetClient : public ModelClient {
 public:
  BudgetClient(std::unique_ptr<ModelClient> inner, BudgetPolicy policy);

  void submit_async(ChatRequest request, Callback done) override;
  ClientStats stats() const override { return inner_->stats(); }
  void drain() override;
  void cancel_pending() override { inner_->cancel_pending(); }
  std::string last_error() const override { return inner_->last_error(); }

  // The request as the wrapped client receives it.
  ChatRequest apply(ChatRequest request) const;

 private:
  std::unique_ptr<ModelClient> inner_;
  BudgetPolicy policy_;
  std::unique_ptr<ModelClient> parallel_inner_;  // parallel: the inner policy over inner_
};

}  // namespace gauntlet::harness
