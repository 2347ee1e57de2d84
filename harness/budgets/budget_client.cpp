#include "harness/budgets/budget_client.h"

#include "harness/budgets/borrowed_client.h"
#include "harness/budgets/parallel_turn.h"

namespace gauntlet::harness {

BudgetClient::BudgetClient(std::unique_ptr<ModelClient> inner, BudgetPolicy policy)
    : inner_(std::move(inner)), policy_(std::move(policy)) {
  if (policy_.kind == BudgetKind::kParallel)
    parallel_inner_ = std::make_unique<BudgetClient>(std::make_unique<BorrowedClient>(*inner_), policy_.parallel->of);
}

void BudgetClient::drain() {
  if (parallel_inner_) parallel_inner_->drain();
  inner_->drain();
}

ChatRequest BudgetClient::apply(ChatRequest request) const {
  switch (policy_.kind) {
    case BudgetKind::kNone:
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
  if (policy_.kind == BudgetKind::kTrimR) {  // needs the continuation workers (branch bseg), not merged yet
    ChatResult r;
    r.error = "budget policy 'trimr' is not wired to a provider yet";
    r.failure = Failure::kRejected;
    done(std::move(r));
    return;
  }
  inner_->submit_async(apply(std::move(request)), std::move(done));
}

}  // namespace gauntlet::harness
