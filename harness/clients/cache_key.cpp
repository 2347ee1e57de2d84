#include "harness/clients/cache_key.h"

#include "harness/digest/sha256.h"

namespace gauntlet::harness {

nlohmann::json cache_key_material(const std::string& model_name, const nlohmann::json& model_fingerprint,
                                  const ChatRequest& request) {
  nlohmann::json j = {{"v", 1},
          {"model", model_name},
          {"fingerprint", model_fingerprint},
          {"messages", messages_to_json(request.messages)},
          {"prompt", request.prompt},
          {"params", params_to_json(request.params)},
          {"n", request.n},
          {"extra_body", request.extra_body},
          {"sample_index", request.sample_index}};
  // Only when set, so every key written before budget policies stays valid.
  if (!request.assistant_prefix.empty()) j["assistant_prefix"] = request.assistant_prefix;
  if (!request.chat_template_kwargs.is_null()) j["chat_template_kwargs"] = request.chat_template_kwargs;
  if (request.self_certainty) j["self_certainty"] = true;
  return j;
}

std::string cache_key(const std::string& model_name, const nlohmann::json& model_fingerprint,
                      const ChatRequest& request) {
  // nlohmann::json orders object keys, so dump() is canonical.
  return sha256_hex(dump_json(cache_key_material(model_name, model_fingerprint, request)));
}

}  // namespace gauntlet::harness
