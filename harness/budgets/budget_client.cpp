#include "harness/budgets/budget_client.h"

namespace gauntlet::harness {

BudgetClient::BudgetClient(std::unique_ptr<ModelClient> inner, BudgetPolicy policy)
    : inner_(std::move(inner)), policy_(std::move(policy)) {}

ChatRequest BudgetClient::apply(ChatRequest request) const {
  switch (policy_.kind) {
    case BudgetKind::kNone:
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
  inner_->submit_async(apply(std::move(request)), std::move(done));
}

}  // namespace gauntlet::harness
