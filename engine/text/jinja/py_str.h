#pragma once
// Python's str semantics on UTF-8 text, for the Jinja renderer: code-point length and indexing,
// the character predicates and full case mappings of Python 3.11 (tables from
// scripts/gen_unicode_tables.py), and the str methods chat templates call. Positions and lengths
// are in code points, as in Python; text is UTF-8 in and out.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gauntlet::engine::jinja::py {

std::u32string to_u32(std::string_view utf8);
std::string to_utf8(std::u32string_view cps);
void append_utf8(std::string& out, char32_t cp);
std::size_t length(std::string_view utf8);  // code points
bool is_ascii(std::string_view text);

bool is_space(char32_t cp);      // str.isspace, also what Python's re \s and str.strip() use
bool is_printable(char32_t cp);  // str.isprintable (repr escapes the others)
bool is_alpha(char32_t cp);
bool is_decimal(char32_t cp);
bool is_digit(char32_t cp);
bool is_numeric(char32_t cp);
bool is_cased(char32_t cp);
bool is_case_ignorable(char32_t cp);
bool is_upper(char32_t cp);
bool is_lower(char32_t cp);
bool is_title(char32_t cp);

std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string title(std::string_view s);       // str.title
std::string capitalize(std::string_view s);  // str.capitalize
std::string swapcase(std::string_view s);

// Whole-string predicates as Python defines them (empty string: false).
bool str_isspace(std::string_view s);
bool str_isalpha(std::string_view s);
bool str_isalnum(std::string_view s);
bool str_isdigit(std::string_view s);
bool str_isdecimal(std::string_view s);
bool str_isnumeric(std::string_view s);
bool str_isupper(std::string_view s);
bool str_islower(std::string_view s);
bool str_istitle(std::string_view s);

// strip family: chars unset = whitespace (is_space).
std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left, bool right);

// split(sep=None, maxsplit=-1) and rsplit; sep "" throws (the caller reports ValueError).
std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep, long maxsplit);
std::vector<std::string> rsplit(std::string_view s, const std::optional<std::string>& sep, long maxsplit);
std::vector<std::string> splitlines(std::string_view s, bool keepends);

// Code-point index of the first / last occurrence within [start, end) (Python slice bounds,
// negative allowed), or -1.
long find(std::string_view s, std::string_view sub, std::optional<long> start, std::optional<long> end);
long rfind(std::string_view s, std::string_view sub, std::optional<long> start, std::optional<long> end);
long count(std::string_view s, std::string_view sub, std::optional<long> start, std::optional<long> end);
std::string replace(std::string_view s, std::string_view old, std::string_view with, long count);
bool startswith(std::string_view s, std::string_view prefix, std::optional<long> start, std::optional<long> end);
bool endswith(std::string_view s, std::string_view suffix, std::optional<long> start, std::optional<long> end);

std::string center(std::string_view s, long width, char32_t fill);
std::string ljust(std::string_view s, long width, char32_t fill);
std::string rjust(std::string_view s, long width, char32_t fill);
std::string zfill(std::string_view s, long width);

// repr(str): quotes and escapes exactly as Python prints a string inside a list or dict.
std::string repr(std::string_view s);

// A code-point slice s[start:stop:step] with Python's bound rules (unset = default).
std::string slice(std::string_view s, std::optional<long> start, std::optional<long> stop, long step);

// Python's PySlice_AdjustIndices: the first index and the exclusive end for a sequence of `length`.
void slice_bounds(long length, std::optional<long> start, std::optional<long> stop, long step, long& first, long& end);
// Normalises Python slice bounds for a sequence of `length` items (step != 0); returns the indices.
std::vector<long> slice_indices(long length, std::optional<long> start, std::optional<long> stop, long step);

}  // namespace gauntlet::engine::jinja::py
