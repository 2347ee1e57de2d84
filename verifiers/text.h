#pragma once
// Plain-text helpers every verifier uses: ASCII character classes (bytes >= 0x80 are never letters,
// digits or space, so UTF-8 passes through), trimming and whitespace folding, prefix/suffix tests
// substring replacement and UTF-8 repair.
#include <string>
#include <string_view>

namespace gauntlet::verifiers {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// ' ', \t, \n, \v, \f, \r (C's isspace in the "C" locale).
inline bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

inline bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Removes leading and trailing ASCII whitespace.
std::string trim(std::string_view text);

// Replaces every run of ASCII whitespace by one space and trims the ends.
std::string collapse_whitespace(std::string_view text);

// ASCII lower-casing (bytes >= 0x80 are left untouched, so UTF-8 survives).
std::string ascii_lower(std::string_view text);

// Replaces every occurrence of `from` (non-empty) by `to`, scanning left to right past each replacement.
void replace_all(std::string& s, std::string_view from, std::string_view to);

// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD (so
// program output can go into JSON whatever it printed).
std::string valid_utf8(std::string_view text);

}  // namespace gauntlet::verifiers
