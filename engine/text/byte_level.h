#pragma once
// The GPT-2 ByteLevel mapping: every byte <-> one printable code point (space -> "Ġ", "\n" -> "Ċ").
// tokenizer.json vocabularies and merges are written in this alphabet.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gauntlet::engine::byte_level {

std::uint32_t byte_to_char(unsigned char byte);
std::optional<unsigned char> char_to_byte(std::uint32_t cp);
// Raw bytes -> ByteLevel text (UTF-8).
std::string encode(std::string_view bytes);
// ByteLevel text -> raw bytes; code points outside the alphabet are kept as their UTF-8.
std::string decode(std::string_view text);

}  // namespace gauntlet::engine::byte_level
