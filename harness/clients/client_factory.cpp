#include "harness/clients/client_factory.h"

#include "harness/budgets/budget_client.h"
#include "harness/clients/engine_client.h"
#include "harness/clients/openai_client.h"
#include "harness/clients/toy_client.h"

namespace gauntlet::harness {

std::unique_ptr<ModelClient> make_client(const ModelSpec& spec) {
  struct Build {
    const ModelSpec& spec;
    std::unique_ptr<ModelClient> operator()(const OpenAISpec&) const { return std::make_unique<OpenAIClient>(spec); }
    std::unique_ptr<ModelClient> operator()(const EngineSpec&) const { return std::make_unique<EngineClient>(spec); }
    std::unique_ptr<ModelClient> operator()(const ToySpec&) const { return std::make_unique<ToyClient>(spec); }
  };
  auto client = std::visit(Build{spec}, spec.provider);
  if (spec.budget.kind == BudgetKind::kNone) return client;
  return std::make_unique<BudgetClient>(std::move(client), spec.budget);
}

}  // namespace gauntlet::harness
