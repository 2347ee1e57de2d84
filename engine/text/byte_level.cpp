#include "engine/text/byte_level.h"

#include <array>

#include "engine/text/unicode.h"

namespace gauntlet::engine::byte_level {
namespace {

struct Tables {
  std::array<std::uint32_t, 256> to_char{};
  std::array<std::int16_t, 324> to_byte{};  // code points < 324 cover the whole alphabet
};

const Tables& tables() {
  static const Tables t = [] {
    Tables x;
    x.to_byte.fill(-1);
    std::uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      x.to_char[b] = printable ? static_cast<std::uint32_t>(b) : next++;
      x.to_byte[x.to_char[b]] = static_cast<std::int16_t>(b);
    }
    return x;
  }();
  return t;
}

}  // namespace

std::uint32_t byte_to_char(unsigned char byte) { return tables().to_char[byte]; }

std::optional<unsigned char> char_to_byte(std::uint32_t cp) {
  if (cp >= tables().to_byte.size() || tables().to_byte[cp] < 0) return std::nullopt;
  return static_cast<unsigned char>(tables().to_byte[cp]);
}

std::string encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) unicode::append_utf8(out, byte_to_char(static_cast<unsigned char>(c)));
  return out;
}

std::string decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t len;
    std::uint32_t cp = unicode::decode_utf8(text, pos, len);
    if (auto b = char_to_byte(cp); b && !(cp == 0xFFFD && len == 1))
      out += static_cast<char>(*b);
    else
      out.append(text.substr(pos, len));
    pos += len;
  }
  return out;
}

}  // namespace gauntlet::engine::byte_level
