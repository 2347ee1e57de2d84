#pragma once
// The fingerprint of a definition (a model, task or self-play run as configured): the first 16 hex
// digits of the SHA-256 of its canonical JSON (nlohmann's dump: keys sorted, no spaces). Stored with
// the definition; a later run whose fingerprint differs under the same name is refused, unless
// same_definition() says the two are one definition recorded in different forms.
#include <string>

#include <nlohmann/json.hpp>

namespace gauntlet::harness {

std::string fingerprint(const nlohmann::json& definition);

// Whether two recorded definitions (their fingerprint JSON) describe the same thing: equal, or equal
// once a legacy engine model's absolute checkpoint `path` (what databases written before content
// digests hold) is read as that checkpoint's `checkpoint` digest. A legacy path that no longer exists
// (the checkout moved) matches any digest; one that exists must hold the same content.
bool same_definition(const nlohmann::json& recorded, const nlohmann::json& current);

}  // namespace gauntlet::harness
