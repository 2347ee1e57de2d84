#include "engine/text/jinja/py_str.h"

#include <algorithm>
#include <cstdio>

#include "engine/text/python_str_tables.h"
#include "engine/text/unicode.h"

namespace gauntlet::engine::jinja::py {
namespace {

namespace t = python_str_tables;

std::uint16_t flags(char32_t cp) {
  const t::FlagRange* begin = t::kFlagRanges;
  const t::FlagRange* end = begin + t::kFlagRangeCount;
  auto it = std::upper_bound(begin, end, static_cast<std::uint32_t>(cp),
                             [](std::uint32_t c, const t::FlagRange& r) { return c < r.first; });
  if (it == begin) return 0;
  --it;
  return cp <= it->last ? it->flags : 0;
}

const t::CaseMapping* mapping(char32_t cp) {
  const t::CaseMapping* begin = t::kCaseMappings;
  const t::CaseMapping* end = begin + t::kCaseMappingCount;
  auto it = std::lower_bound(begin, end, static_cast<std::uint32_t>(cp),
                             [](const t::CaseMapping& m, std::uint32_t c) { return m.cp < c; });
  return it != end && it->cp == cp ? it : nullptr;
}

enum class Case { kUpper, kLower, kTitle };

void append_mapped(std::u32string& out, char32_t cp, Case which) {
  const t::CaseMapping* m = mapping(cp);
  if (!m) {
    out.push_back(cp);
    return;
  }
  const std::uint32_t* v = which == Case::kUpper ? m->upper : which == Case::kLower ? m->lower : m->title;
  for (int i = 0; i < 3 && v[i] != 0; ++i) out.push_back(static_cast<char32_t>(v[i]));
}

// Python's lower_ucs4: capital sigma becomes final sigma at the end of a word.
void append_lower(std::u32string& out, const std::u32string& s, std::size_t i) {
  if (s[i] != 0x3A3) {
    append_mapped(out, s[i], Case::kLower);
    return;
  }
  long j = static_cast<long>(i) - 1;
  while (j >= 0 && is_case_ignorable(s[static_cast<std::size_t>(j)])) --j;
  bool final_sigma = j >= 0 && is_cased(s[static_cast<std::size_t>(j)]);
  if (final_sigma && i + 1 < s.size()) {
    std::size_t k = i + 1;
    while (k < s.size() && is_case_ignorable(s[k])) ++k;
    final_sigma = k == s.size() || !is_cased(s[k]);
  }
  out.push_back(final_sigma ? 0x3C2 : 0x3C3);
}

template <typename Pred>
bool all_of_nonempty(std::string_view s, Pred pred) {
  if (s.empty()) return false;
  for (char32_t c : to_u32(s))
    if (!pred(c)) return false;
  return true;
}

// Python's ADJUST_INDICES for [start, end) on a sequence of `len` items.
void adjust(std::optional<long> start, std::optional<long> end, long len, long& s, long& e) {
  s = start.value_or(0);
  e = end.value_or(len);
  if (e > len) e = len;
  else if (e < 0) e = std::max(0L, e + len);
  if (s < 0) s = std::max(0L, s + len);
}

bool matches_at(const std::u32string& s, const std::u32string& sub, long at) {
  return std::equal(sub.begin(), sub.end(), s.begin() + at);
}

}  // namespace

std::u32string to_u32(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (std::size_t pos = 0; pos < utf8.size();) {
    const unsigned char b = static_cast<unsigned char>(utf8[pos]);
    if (b < 0x80) {
      out.push_back(b);
      ++pos;
      continue;
    }
    std::size_t n = 0;
    out.push_back(unicode::decode_utf8(utf8, pos, n));
    pos += n;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) { unicode::append_utf8(out, static_cast<std::uint32_t>(cp)); }

std::string to_utf8(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t c : cps) append_utf8(out, c);
  return out;
}

std::size_t length(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

bool is_ascii(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool is_space(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
  return flags(cp) & t::kSpace;
}
bool is_printable(char32_t cp) {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7F;
  return flags(cp) & t::kPrintable;
}
bool is_alpha(char32_t cp) { return flags(cp) & t::kAlpha; }
bool is_decimal(char32_t cp) { return flags(cp) & t::kDecimal; }
bool is_digit(char32_t cp) { return flags(cp) & t::kDigit; }
bool is_numeric(char32_t cp) { return flags(cp) & t::kNumeric; }
bool is_cased(char32_t cp) { return flags(cp) & t::kCased; }
bool is_case_ignorable(char32_t cp) { return flags(cp) & t::kCaseIgnorable; }
bool is_upper(char32_t cp) { return flags(cp) & t::kUpper; }
bool is_lower(char32_t cp) { return flags(cp) & t::kLower; }
bool is_title(char32_t cp) { return flags(cp) & t::kTitle; }

std::string upper(std::string_view s) {
  std::u32string out;
  for (char32_t c : to_u32(s)) append_mapped(out, c, Case::kUpper);
  return to_utf8(out);
}

std::string lower(std::string_view s) {
  const std::u32string in = to_u32(s);
  std::u32string out;
  for (std::size_t i = 0; i < in.size(); ++i) append_lower(out, in, i);
  return to_utf8(out);
}

std::string title(std::string_view s) {
  const std::u32string in = to_u32(s);
  std::u32string out;
  bool previous_is_cased = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (previous_is_cased) append_lower(out, in, i);
    else append_mapped(out, in[i], Case::kTitle);
    previous_is_cased = is_cased(in[i]);
  }
  return to_utf8(out);
}

std::string capitalize(std::string_view s) {
  const std::u32string in = to_u32(s);
  std::u32string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i == 0) append_mapped(out, in[i], Case::kTitle);
    else append_lower(out, in, i);
  }
  return to_utf8(out);
}

std::string swapcase(std::string_view s) {
  const std::u32string in = to_u32(s);
  std::u32string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (is_upper(in[i])) append_lower(out, in, i);
    else if (is_lower(in[i])) append_mapped(out, in[i], Case::kUpper);
    else out.push_back(in[i]);
  }
  return to_utf8(out);
}

bool str_isspace(std::string_view s) { return all_of_nonempty(s, is_space); }
bool str_isalpha(std::string_view s) { return all_of_nonempty(s, is_alpha); }
bool str_isalnum(std::string_view s) {
  return all_of_nonempty(s, [](char32_t c) { return is_alpha(c) || is_decimal(c) || is_digit(c) || is_numeric(c); });
}
bool str_isdigit(std::string_view s) { return all_of_nonempty(s, is_digit); }
bool str_isdecimal(std::string_view s) { return all_of_nonempty(s, is_decimal); }
bool str_isnumeric(std::string_view s) { return all_of_nonempty(s, is_numeric); }

bool str_isupper(std::string_view s) {
  bool cased = false;
  for (char32_t c : to_u32(s)) {
    if (is_lower(c) || is_title(c)) return false;
    if (is_upper(c)) cased = true;
  }
  return cased;
}

bool str_islower(std::string_view s) {
  bool cased = false;
  for (char32_t c : to_u32(s)) {
    if (is_upper(c) || is_title(c)) return false;
    if (is_lower(c)) cased = true;
  }
  return cased;
}

bool str_istitle(std::string_view s) {
  bool cased = false, previous_is_cased = false;
  for (char32_t c : to_u32(s)) {
    if (is_upper(c) || is_title(c)) {
      if (previous_is_cased) return false;
      previous_is_cased = cased = true;
    } else if (is_lower(c)) {
      if (!previous_is_cased) return false;
      previous_is_cased = cased = true;
    } else {
      previous_is_cased = false;
    }
  }
  return cased;
}

std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left, bool right) {
  const std::u32string in = to_u32(s);
  const std::u32string set = chars ? to_u32(*chars) : std::u32string();
  auto strippable = [&](char32_t c) { return chars ? set.find(c) != std::u32string::npos : is_space(c); };
  std::size_t b = 0, e = in.size();
  if (left)
    while (b < e && strippable(in[b])) ++b;
  if (right)
    while (e > b && strippable(in[e - 1])) --e;
  return to_utf8(std::u32string_view(in).substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep, long maxsplit) {
  std::vector<std::string> out;
  long maxcount = maxsplit < 0 ? -1 : maxsplit;
  if (!sep) {
    const std::u32string in = to_u32(s);
    const std::size_t n = in.size();
    std::size_t i = 0;
    while (maxcount < 0 || maxcount-- > 0) {
      while (i < n && is_space(in[i])) ++i;
      if (i == n) break;
      std::size_t j = i++;
      while (i < n && !is_space(in[i])) ++i;
      out.push_back(to_utf8(std::u32string_view(in).substr(j, i - j)));
    }
    if (i < n) {
      while (i < n && is_space(in[i])) ++i;
      if (i != n) out.push_back(to_utf8(std::u32string_view(in).substr(i)));
    }
    return out;
  }
  std::size_t pos = 0;
  while (maxcount < 0 || maxcount-- > 0) {
    std::size_t at = s.find(*sep, pos);
    if (at == std::string_view::npos) break;
    out.emplace_back(s.substr(pos, at - pos));
    pos = at + sep->size();
  }
  out.emplace_back(s.substr(pos));
  return out;
}

std::vector<std::string> rsplit(std::string_view s, const std::optional<std::string>& sep, long maxsplit) {
  std::vector<std::string> out;
  long maxcount = maxsplit < 0 ? -1 : maxsplit;
  if (!sep) {
    const std::u32string in = to_u32(s);
    long i = static_cast<long>(in.size()) - 1;
    while (maxcount < 0 || maxcount-- > 0) {
      while (i >= 0 && is_space(in[static_cast<std::size_t>(i)])) --i;
      if (i < 0) break;
      long j = i--;
      while (i >= 0 && !is_space(in[static_cast<std::size_t>(i)])) --i;
      out.push_back(to_utf8(std::u32string_view(in).substr(static_cast<std::size_t>(i + 1),
                                                          static_cast<std::size_t>(j - i))));
    }
    if (i >= 0) {
      while (i >= 0 && is_space(in[static_cast<std::size_t>(i)])) --i;
      if (i >= 0) out.push_back(to_utf8(std::u32string_view(in).substr(0, static_cast<std::size_t>(i + 1))));
    }
    std::reverse(out.begin(), out.end());
    return out;
  }
  std::size_t end = s.size();
  while (maxcount < 0 || maxcount-- > 0) {
    if (end < sep->size()) break;
    std::size_t at = s.rfind(*sep, end - sep->size());
    if (at == std::string_view::npos) break;
    out.emplace_back(s.substr(at + sep->size(), end - at - sep->size()));
    end = at;
  }
  out.emplace_back(s.substr(0, end));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> splitlines(std::string_view s, bool keepends) {
  const std::u32string in = to_u32(s);
  std::vector<std::string> out;
  std::size_t i = 0, n = in.size();
  while (i < n) {
    std::size_t j = i;
    while (i < n) {
      char32_t c = in[i];
      if (c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E || c == 0x85 ||
          c == 0x2028 || c == 0x2029)
        break;
      ++i;
    }
    std::size_t eol = i;
    if (i < n) {
      if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n') i += 2;
      else ++i;
      if (keepends) eol = i;
    }
    out.push_back(to_utf8(std::u32string_view(in).substr(j, eol - j)));
  }
  return out;
}

long find(std::string_view s, std::string_view sub, std::optional<long> start, std::optional<long> end) {
  const std::u32string in = to_u32(s), needle = to_u32(sub);
  long b, e;
  adjust(start, end, static_cast<long>(in.size()), b, e);
  const long m = static_cast<long>(needle.size());
  if (e - b < m) return -1;
  for (long i = b; i + m <= e; ++i)
    if (matches_at(in, needle, i)) return i;
  return -1;
}

long rfind(std::string_view s, std::string_view sub, std::optional<long> start, std::optional<long> end) {
  const std::u32string in = to_u32(s), needle = to_u32(sub);
  long b, e;
  adjust(start, end, static_cast<long>(in.size()), b, e);
  const long m = static_cast<long>(needle.size());
  if (e - b < m) return -1;
  for (long i = e - m; i >= b; --i)
    if (matches_at(in, needle, i)) return i;
  return -1;
}

long count(std::string_view s, std::string_view sub, std::optional<long> start, std::optional<long> end) {
  const std::u32string in = to_u32(s), needle = to_u32(sub);
  long b, e;
  adjust(start, end, static_cast<long>(in.size()), b, e);
  const long m = static_cast<long>(needle.size());
  if (e - b < m) return 0;
  if (m == 0) return e - b + 1;
  long n = 0;
  for (long i = b; i + m <= e;) {
    if (matches_at(in, needle, i)) {
      ++n;
      i += m;
    } else {
      ++i;
    }
  }
  return n;
}

std::string replace(std::string_view s, std::string_view old, std::string_view with, long count) {
  std::string out;
  if (old.empty()) {
    const std::u32string in = to_u32(s);
    long done = 0;
    for (std::size_t i = 0; i <= in.size(); ++i) {
      if (count < 0 || done < count) {
        out += with;
        ++done;
      }
      if (i < in.size()) append_utf8(out, in[i]);
    }
    return out;
  }
  std::size_t pos = 0;
  long done = 0;
  while (count < 0 || done < count) {
    std::size_t at = s.find(old, pos);
    if (at == std::string_view::npos) break;
    out.append(s.substr(pos, at - pos));
    out.append(with);
    pos = at + old.size();
    ++done;
  }
  out.append(s.substr(pos));
  return out;
}

bool startswith(std::string_view s, std::string_view prefix, std::optional<long> start, std::optional<long> end) {
  if (!start && !end) return s.substr(0, prefix.size()) == prefix;
  const std::u32string in = to_u32(s), p = to_u32(prefix);
  long b, e;
  adjust(start, end, static_cast<long>(in.size()), b, e);
  e -= static_cast<long>(p.size());
  if (e < b) return false;
  return matches_at(in, p, b);
}

bool endswith(std::string_view s, std::string_view suffix, std::optional<long> start, std::optional<long> end) {
  if (!start && !end) return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
  const std::u32string in = to_u32(s), p = to_u32(suffix);
  long b, e;
  adjust(start, end, static_cast<long>(in.size()), b, e);
  e -= static_cast<long>(p.size());
  if (e < b) return false;
  return matches_at(in, p, e);
}

std::string center(std::string_view s, long width, char32_t fill) {
  const long len = static_cast<long>(length(s));
  const long marg = width - len;
  if (marg <= 0) return std::string(s);
  const long left = marg / 2 + (marg & width & 1);
  std::string out;
  for (long i = 0; i < left; ++i) append_utf8(out, fill);
  out += s;
  for (long i = 0; i < marg - left; ++i) append_utf8(out, fill);
  return out;
}

std::string ljust(std::string_view s, long width, char32_t fill) {
  std::string out(s);
  for (long i = static_cast<long>(length(s)); i < width; ++i) append_utf8(out, fill);
  return out;
}

std::string rjust(std::string_view s, long width, char32_t fill) {
  std::string out;
  for (long i = static_cast<long>(length(s)); i < width; ++i) append_utf8(out, fill);
  return out + std::string(s);
}

std::string zfill(std::string_view s, long width) {
  const long len = static_cast<long>(length(s));
  if (len >= width) return std::string(s);
  const std::size_t fill = static_cast<std::size_t>(width - len);
  std::string out(fill, '0');
  out += s;
  if (out[fill] == '+' || out[fill] == '-') {
    out[0] = out[fill];
    out[fill] = '0';
  }
  return out;
}

std::string repr(std::string_view s) {
  const std::u32string in = to_u32(s);
  const bool has_single = in.find(U'\'') != std::u32string::npos;
  const bool has_double = in.find(U'"') != std::u32string::npos;
  const char32_t quote = has_single && !has_double ? U'"' : U'\'';
  std::string out(1, static_cast<char>(quote));
  char buf[16];
  for (char32_t c : in) {
    if (c == quote || c == U'\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == U'\t') {
      out += "\\t";
    } else if (c == U'\n') {
      out += "\\n";
    } else if (c == U'\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else if (c < 0x7F || is_printable(c)) {
      append_utf8(out, c);
    } else if (c <= 0xFF) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else if (c <= 0xFFFF) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
      out += buf;
    }
  }
  out += static_cast<char>(quote);
  return out;
}

void slice_bounds(long len, std::optional<long> start, std::optional<long> stop, long step, long& b, long& e) {
  if (!start) {
    b = step < 0 ? len - 1 : 0;
  } else {
    b = *start;
    if (b < 0) {
      b += len;
      if (b < 0) b = step < 0 ? -1 : 0;
    } else if (b >= len) {
      b = step < 0 ? len - 1 : len;
    }
  }
  if (!stop) {
    e = step < 0 ? -1 : len;
  } else {
    e = *stop;
    if (e < 0) {
      e += len;
      if (e < 0) e = step < 0 ? -1 : 0;
    } else if (e >= len) {
      e = step < 0 ? len - 1 : len;
    }
  }
}

std::vector<long> slice_indices(long len, std::optional<long> start, std::optional<long> stop, long step) {
  long b, e;
  slice_bounds(len, start, stop, step, b, e);
  std::vector<long> out;
  if (step > 0)
    for (long i = b; i < e; i += step) out.push_back(i);
  else
    for (long i = b; i > e; i += step) out.push_back(i);
  return out;
}

std::string slice(std::string_view s, std::optional<long> start, std::optional<long> stop, long step) {
  const std::u32string in = to_u32(s);
  std::u32string out;
  for (long i : slice_indices(static_cast<long>(in.size()), start, stop, step)) out.push_back(in[static_cast<std::size_t>(i)]);
  return to_utf8(out);
}

}  // namespace gauntlet::engine::jinja::py
