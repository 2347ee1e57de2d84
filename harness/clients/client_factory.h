#pragma once
// Building a model's client from its spec: OpenAIClient, EngineClient or ToyClient by the provider
// the spec holds, wrapped in a BudgetClient (harness/budgets/) when the spec has a budget policy.
// Runners take a ClientFactory so tests can substitute scripted clients.
#include <functional>
#include <memory>

#include "harness/clients/model_client.h"
#include "harness/clients/model_spec.h"

namespace gauntlet::harness {

using ClientFactory = std::function<std::unique_ptr<ModelClient>(const ModelSpec&)>;

// Throws ConfigError when the model cannot be loaded (an engine checkpoint that does not open).
std::unique_ptr<ModelClient> make_client(const ModelSpec& spec);

}  // namespace gauntlet::harness
