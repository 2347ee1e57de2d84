#include "harness/clients/cache_key.h"

#include "harness/digest/sha256.h"

namespace gauntlet::harness {

nlohmann::json cache_key_material(const std::string& model_name, const nlohmann::json& model_fingerprint,
                                  const ChatRequest& request) {
  return {{"v", 1},
          {"model", model_name},
          {"fingerprint", model_fingerprint},
          {"messages", messages_to_json(request.messages)},
          {"prompt", request.prompt},
          {"params", params_to_json(request.params)},
          {"n", request.n},
          {"extra_body", request.extra_body},
          {"sample_index", request.sample_index}};
}

std::string cache_key(const std::string& model_name, const nlohmann::json& model_fingerprint,
                      const ChatRequest& request) {
  // nlohmann::json orders object keys, so dump() is canonical.
  return sha256_hex(dump_json(cache_key_material(model_name, model_fingerprint, request)));
}

}  // namespace gauntlet::harness
