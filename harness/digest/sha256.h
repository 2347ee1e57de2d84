#pragma once
// SHA-256 (FIPS 180-4) as lowercase hex: of a byte string, or streamed in pieces (files of any
// size). Used for cache keys, fingerprints and content digests.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace gauntlet::harness {

std::string sha256_hex(std::string_view data);

class Sha256 {
 public:
  Sha256();
  Sha256& update(std::string_view data);
  // The digest of everything updated so far; the object starts over afterwards.
  std::string hex();

 private:
  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;
};

}  // namespace gauntlet::harness
