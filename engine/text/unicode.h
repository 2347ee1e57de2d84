#pragma once
// UTF-8 decoding, the character classes the pre-tokeniser regexes use (\p{L}, \p{N}, \s as
// Unicode White_Space) and NFC normalisation, from the generated tables (engine/unicode_tables.*).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gauntlet::engine::unicode {

// Decodes the code point at text[pos]; sets `length` to its byte count. A malformed or truncated
// sequence decodes as one byte with code point 0xFFFD (the regexes then treat it as "other").
std::uint32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t& length);
void append_utf8(std::string& out, std::uint32_t cp);
// Offset of the first byte that is not part of well-formed UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF included), or npos when all of `text` is well formed.
std::size_t invalid_utf8_at(std::string_view text);
// `text` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);

bool is_letter(std::uint32_t cp);      // \p{L}
bool is_number(std::uint32_t cp);      // \p{N}
bool is_whitespace(std::uint32_t cp);  // \s: the White_Space property
std::uint8_t combining_class(std::uint32_t cp);

// Canonical composition (NFC). Valid UTF-8 in, NFC out; ASCII-only text is returned unchanged
// without copying work beyond one scan. Malformed bytes are kept as they are.
std::string nfc(std::string_view text);

// Length of the longest prefix of text[0, size) that does not end inside a UTF-8 sequence that
// is still incomplete (used by streaming decoders to hold back a partial character).
std::size_t complete_utf8_prefix(std::string_view text);

}  // namespace gauntlet::engine::unicode
