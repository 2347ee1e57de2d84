#include "engine/text/unicode.h"

#include <algorithm>
#include <array>
#include <vector>

#include "engine/text/unicode_tables.h"

namespace gauntlet::engine::unicode {
namespace {

namespace t = unicode_tables;

constexpr std::uint32_t kHangulS = 0xAC00, kHangulL = 0x1100, kHangulV = 0x1161, kHangulT = 0x11A7;
constexpr std::uint32_t kHangulLCount = 19, kHangulVCount = 21, kHangulTCount = 28;
constexpr std::uint32_t kHangulNCount = kHangulVCount * kHangulTCount;
constexpr std::uint32_t kHangulSCount = kHangulLCount * kHangulNCount;

std::uint8_t category(std::uint32_t cp) {
  const t::CategoryRange* begin = t::kCategoryRanges;
  const t::CategoryRange* end = begin + t::kCategoryRangeCount;
  auto it = std::upper_bound(begin, end, cp,
                             [](std::uint32_t c, const t::CategoryRange& r) { return c < r.first; });
  if (it == begin) return 0;
  --it;
  return cp <= it->last ? it->cls : 0;
}

// Latin-1 classes precomputed: 0 other, 1 letter, 2 number.
const std::array<std::uint8_t, 256>& latin1_classes() {
  static const std::array<std::uint8_t, 256> table = [] {
    std::array<std::uint8_t, 256> a{};
    for (std::uint32_t c = 0; c < 256; ++c) a[c] = category(c);
    return a;
  }();
  return table;
}

const t::Decomposition* find_decomposition(std::uint32_t cp) {
  const t::Decomposition* begin = t::kDecompositions;
  const t::Decomposition* end = begin + t::kDecompositionCount;
  auto it = std::lower_bound(begin, end, cp,
                             [](const t::Decomposition& d, std::uint32_t c) { return d.cp < c; });
  return it != end && it->cp == cp ? it : nullptr;
}

void decompose(std::uint32_t cp, std::vector<std::uint32_t>& out) {
  if (cp >= kHangulS && cp < kHangulS + kHangulSCount) {
    std::uint32_t s = cp - kHangulS;
    out.push_back(kHangulL + s / kHangulNCount);
    out.push_back(kHangulV + (s % kHangulNCount) / kHangulTCount);
    if (s % kHangulTCount != 0) out.push_back(kHangulT + s % kHangulTCount);
    return;
  }
  const t::Decomposition* d = cp < 0xC0 ? nullptr : find_decomposition(cp);
  if (!d) {
    out.push_back(cp);
    return;
  }
  decompose(d->first, out);
  if (d->second) decompose(d->second, out);
}

// 0 when (a, b) has no primary composite.
std::uint32_t compose_pair(std::uint32_t a, std::uint32_t b) {
  if (a >= kHangulL && a < kHangulL + kHangulLCount && b >= kHangulV && b < kHangulV + kHangulVCount)
    return kHangulS + ((a - kHangulL) * kHangulVCount + (b - kHangulV)) * kHangulTCount;
  if (a >= kHangulS && a < kHangulS + kHangulSCount && (a - kHangulS) % kHangulTCount == 0 &&
      b > kHangulT && b < kHangulT + kHangulTCount)
    return a + (b - kHangulT);
  const t::Composition* begin = t::kCompositions;
  const t::Composition* end = begin + t::kCompositionCount;
  auto it = std::lower_bound(begin, end, std::pair{a, b}, [](const t::Composition& c, auto key) {
    return c.first < key.first || (c.first == key.first && c.second < key.second);
  });
  return it != end && it->first == a && it->second == b ? it->composed : 0;
}

// NFC of one run of code points (decompose, canonical order, compose).
void nfc_run(const std::vector<std::uint32_t>& input, std::string& out) {
  std::vector<std::uint32_t> d;
  d.reserve(input.size() + 8);
  for (std::uint32_t cp : input) decompose(cp, d);
  // Canonical ordering: stable sort of each run of non-starters by combining class.
  for (std::size_t i = 0; i < d.size();) {
    if (combining_class(d[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < d.size() && combining_class(d[j]) != 0) ++j;
    std::stable_sort(d.begin() + static_cast<std::ptrdiff_t>(i), d.begin() + static_cast<std::ptrdiff_t>(j),
                     [](std::uint32_t a, std::uint32_t b) { return combining_class(a) < combining_class(b); });
    i = j;
  }
  // Canonical composition.
  std::vector<std::uint32_t> c;
  c.reserve(d.size());
  std::ptrdiff_t starter = -1;
  std::uint8_t last_ccc = 0;
  for (std::uint32_t cp : d) {
    std::uint8_t ccc = combining_class(cp);
    if (starter >= 0) {
      bool blocked = !c.empty() && static_cast<std::ptrdiff_t>(c.size()) - 1 != starter &&
                     (last_ccc == 0 || last_ccc >= ccc);
      if (!blocked) {
        std::uint32_t composed = compose_pair(c[static_cast<std::size_t>(starter)], cp);
        if (composed) {
          c[static_cast<std::size_t>(starter)] = composed;
          continue;
        }
      }
    }
    if (ccc == 0) {
      starter = static_cast<std::ptrdiff_t>(c.size());
      last_ccc = 0;
    } else {
      last_ccc = ccc;
    }
    c.push_back(cp);
  }
  for (std::uint32_t cp : c) append_utf8(out, cp);
}

}  // namespace

std::uint32_t decode_utf8(std::string_view s, std::size_t pos, std::size_t& length) {
  auto b = static_cast<unsigned char>(s[pos]);
  length = 1;
  if (b < 0x80) return b;
  std::size_t need;
  std::uint32_t cp, min;
  if ((b & 0xE0) == 0xC0) {
    need = 1, cp = b & 0x1F, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    need = 2, cp = b & 0x0F, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    need = 3, cp = b & 0x07, min = 0x10000;
  } else {
    return 0xFFFD;
  }
  if (pos + need >= s.size()) return 0xFFFD;
  for (std::size_t k = 1; k <= need; ++k) {
    auto c = static_cast<unsigned char>(s[pos + k]);
    if ((c & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  length = need + 1;
  return cp;
}

std::size_t invalid_utf8_at(std::string_view text) {
  for (std::size_t pos = 0, length = 0; pos < text.size(); pos += length)
    if (decode_utf8(text, pos, length) == 0xFFFD && length == 1) return pos;
  return std::string_view::npos;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0, length = 0; pos < text.size(); pos += length) {
    if (decode_utf8(text, pos, length) == 0xFFFD && length == 1) out += "\xEF\xBF\xBD";
    else out.append(text, pos, length);
  }
  return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_letter(std::uint32_t cp) { return (cp < 256 ? latin1_classes()[cp] : category(cp)) == 1; }
bool is_number(std::uint32_t cp) { return (cp < 256 ? latin1_classes()[cp] : category(cp)) == 2; }

bool is_whitespace(std::uint32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

std::uint8_t combining_class(std::uint32_t cp) {
  if (cp < 0x300) return 0;
  const t::CccRange* begin = t::kCccRanges;
  const t::CccRange* end = begin + t::kCccRangeCount;
  auto it = std::upper_bound(begin, end, cp, [](std::uint32_t c, const t::CccRange& r) { return c < r.first; });
  if (it == begin) return 0;
  --it;
  return cp <= it->last ? it->ccc : 0;
}

std::string nfc(std::string_view text) {
  std::size_t first_non_ascii = 0;
  while (first_non_ascii < text.size() && static_cast<unsigned char>(text[first_non_ascii]) < 0x80)
    ++first_non_ascii;
  if (first_non_ascii == text.size()) return std::string(text);
  // Each run of valid code points between malformed bytes is normalised; malformed bytes pass
  // through. Runs are split at ASCII characters that are followed by ASCII (both are stable).
  std::string out;
  out.reserve(text.size());
  // Start the run at the last ASCII character before the first non-ASCII one (it may compose).
  std::size_t start = first_non_ascii > 0 ? first_non_ascii - 1 : 0;
  out.append(text.substr(0, start));
  std::vector<std::uint32_t> run;
  std::size_t pos = start;
  while (pos < text.size()) {
    std::size_t len;
    std::uint32_t cp = decode_utf8(text, pos, len);
    if (cp == 0xFFFD && len == 1 && static_cast<unsigned char>(text[pos]) >= 0x80) {
      nfc_run(run, out);
      run.clear();
      out += text[pos];
      ++pos;
      continue;
    }
    if (cp < 0x80 && pos + 1 < text.size() && static_cast<unsigned char>(text[pos + 1]) < 0x80) {
      nfc_run(run, out);
      run.clear();
      out += static_cast<char>(cp);
      ++pos;
      continue;
    }
    run.push_back(cp);
    pos += len;
  }
  nfc_run(run, out);
  return out;
}

std::size_t complete_utf8_prefix(std::string_view s) {
  // Look back at most 3 bytes for the lead byte of an unfinished sequence.
  std::size_t n = s.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    auto b = static_cast<unsigned char>(s[n - back]);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte: keep looking
    std::size_t need = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

}  // namespace gauntlet::engine::unicode
