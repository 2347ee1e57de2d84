#pragma once
// Response-cache keys: a hash of what determines a model's answer — the model's identity
// (suite name + fingerprint), the messages or prompt, every sampling parameter, n, the request's
// extra body and the sample index — and nothing about transport (URLs, concurrency, timeouts, retries).
#include <string>

#include <nlohmann/json.hpp>

#include "harness/clients/chat.h"

namespace gauntlet::harness {

// Canonical JSON the key is hashed from (exposed for tests and debugging).
nlohmann::json cache_key_material(const std::string& model_name, const nlohmann::json& model_fingerprint,
                                  const ChatRequest& request);
std::string cache_key(const std::string& model_name, const nlohmann::json& model_fingerprint,
                      const ChatRequest& request);

}  // namespace gauntlet::harness
