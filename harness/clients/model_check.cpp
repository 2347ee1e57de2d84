#include "harness/clients/model_check.h"

#include <cstdlib>

#include <fmt/format.h>

#include "engine/model/checkpoint.h"
#include "engine/model/weights.h"
#include "engine/text/tokenizer.h"
#include "harness/errors/errors.h"

namespace gauntlet::harness {

void check_model_loadable(const ModelSpec& model) {
  if (const auto* spec = std::get_if<EngineSpec>(&model.provider)) {
    try {
      engine::Checkpoint checkpoint(spec->model_path);  // memory-mapped: cheap at any size
      engine::resolve_model_weights(checkpoint);
      engine::Tokenizer::load(spec->model_path);
    } catch (const std::exception& e) {
      throw ConfigError(fmt::format("model '{}': cannot load {}: {}", model.name, spec->model_path.string(), e.what()));
    }
  } else if (const auto* spec = std::get_if<OpenAISpec>(&model.provider)) {
    if (!spec->api_key_env.empty()) {
      const char* key = std::getenv(spec->api_key_env.c_str());
      if (!key || !*key)
        throw ConfigError(
            fmt::format("model '{}': environment variable {} (api_key_env) is not set", model.name, spec->api_key_env));
    }
  }
}

}  // namespace gauntlet::harness
