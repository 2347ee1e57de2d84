#pragma once
// SHA-256 of a byte string, as lowercase hex (FIPS 180-4). Used for cache keys and fingerprints.
#include <string>
#include <string_view>

namespace gauntlet::harness {

std::string sha256_hex(std::string_view data);

}  // namespace gauntlet::harness
