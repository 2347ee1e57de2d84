#pragma once
// check_model_loadable: what can be known about a model before a run writes anything. An engine
// model's checkpoint must open (config, every tensor the forward pass needs, tokenizer); an openai
// model's api_key_env must be set. Throws ConfigError naming the model and the problem.
#include "harness/clients/model_spec.h"

namespace gauntlet::harness {

void check_model_loadable(const ModelSpec& model);

}  // namespace gauntlet::harness
