#pragma once
// The fingerprint of a definition (a model, task or self-play run as configured): the first 16 hex
// digits of the SHA-256 of its canonical JSON (nlohmann's dump: keys sorted, no spaces). Stored with
// the definition; a later run whose fingerprint differs under the same name is refused.
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

std::string fingerprint(const nlohmann::json& definition);

}  // namespace gauntlet::harness
