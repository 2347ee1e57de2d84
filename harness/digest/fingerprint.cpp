#include "harness/digest/fingerprint.h"

#include "harness/digest/sha256.h"

namespace gauntlet::harness {

std::string fingerprint(const nlohmann::json& definition) { return sha256_hex(definition.dump()).substr(0, 16); }

}  // namespace gauntlet::harness
