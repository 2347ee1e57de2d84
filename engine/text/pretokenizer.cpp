#include "engine/text/pretokenizer.h"

#include "engine/text/unicode.h"

namespace gauntlet::engine {
namespace {

constexpr std::string_view kQwen2Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kLlama3Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kGpt2Regex = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

enum CharClass : unsigned char { kOther, kLetter, kNumber, kSpace };

struct Char {
  std::uint32_t cp;
  std::size_t len;
};

// Cursor helpers over UTF-8 text.
struct Text {
  std::string_view s;
  Char at(std::size_t pos) const {
    std::size_t len;
    std::uint32_t cp = unicode::decode_utf8(s, pos, len);
    return {cp, len};
  }
  CharClass cls(std::uint32_t cp) const {
    if (cp < 0x80) {
      if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return kLetter;
      if (cp >= '0' && cp <= '9') return kNumber;
      if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return kSpace;
      return kOther;
    }
    if (unicode::is_letter(cp)) return kLetter;
    if (unicode::is_number(cp)) return kNumber;
    if (unicode::is_whitespace(cp)) return kSpace;
    return kOther;
  }
  // End of the run of characters of class `c` starting at pos.
  std::size_t run_end(std::size_t pos, CharClass c) const {
    while (pos < s.size()) {
      Char ch = at(pos);
      if (cls(ch.cp) != c) break;
      pos += ch.len;
    }
    return pos;
  }
};

bool fold_eq(std::uint32_t cp, char lower, bool case_insensitive) {
  if (cp == static_cast<std::uint32_t>(lower)) return true;
  if (!case_insensitive) return false;
  if (cp == static_cast<std::uint32_t>(lower - 'a' + 'A')) return true;
  return lower == 's' && cp == 0x17F;  // LATIN SMALL LETTER LONG S folds to s
}

// '(s|t|re|ve|m|ll|d) at pos; returns the match length or 0.
std::size_t match_contraction(const Text& t, std::size_t pos, bool ci) {
  if (t.s[pos] != '\'') return 0;
  std::size_t p = pos + 1;
  if (p >= t.s.size()) return 0;
  Char a = t.at(p);
  for (char c : {'s', 't', 'm', 'd'})
    if (fold_eq(a.cp, c, ci)) return 1 + a.len;
  static constexpr const char* kTwo[] = {"re", "ve", "ll"};
  for (const char* two : kTwo) {
    if (!fold_eq(a.cp, two[0], ci)) continue;
    std::size_t q = p + a.len;
    if (q >= t.s.size()) continue;
    Char b = t.at(q);
    if (fold_eq(b.cp, two[1], ci)) return 1 + a.len + b.len;
  }
  return 0;
}

}  // namespace

std::optional<SplitPattern> PreTokenizer::recognise(std::string_view regex) {
  if (regex == kQwen2Regex) return SplitPattern::kQwen2;
  if (regex == kLlama3Regex) return SplitPattern::kLlama3;
  if (regex == kGpt2Regex) return SplitPattern::kGpt2;
  return std::nullopt;
}

std::string_view PreTokenizer::regex_of(SplitPattern pattern) {
  switch (pattern) {
    case SplitPattern::kQwen2: return kQwen2Regex;
    case SplitPattern::kLlama3: return kLlama3Regex;
    case SplitPattern::kGpt2: return kGpt2Regex;
  }
  return {};
}

std::size_t PreTokenizer::match_at(std::string_view s, std::size_t pos) const {
  Text t{s};
  const bool gpt2 = pattern_ == SplitPattern::kGpt2;
  // 1. contractions
  if (std::size_t n = match_contraction(t, pos, !gpt2)) return n;
  Char c0 = t.at(pos);
  CharClass k0 = t.cls(c0.cp);
  std::size_t next = pos + c0.len;
  if (!gpt2) {
    // 2. [^\r\n\p{L}\p{N}]?\p{L}+
    if (k0 == kLetter) return t.run_end(pos, kLetter) - pos;
    if (c0.cp != '\r' && c0.cp != '\n' && k0 != kNumber && next < s.size() &&
        t.cls(t.at(next).cp) == kLetter)
      return t.run_end(next, kLetter) - pos;
    // 3. \p{N} or \p{N}{1,3}
    if (k0 == kNumber) {
      if (pattern_ == SplitPattern::kQwen2) return c0.len;
      std::size_t end = next;
      for (int i = 1; i < 3 && end < s.size(); ++i) {
        Char c = t.at(end);
        if (t.cls(c.cp) != kNumber) break;
        end += c.len;
      }
      return end - pos;
    }
    // 4. ' ?[^\s\p{L}\p{N}]+[\r\n]*'
    std::size_t p = pos;
    if (c0.cp == ' ' && next < s.size() && t.cls(t.at(next).cp) == kOther) p = next;
    if (t.cls(t.at(p).cp) == kOther) {
      std::size_t end = t.run_end(p, kOther);
      while (end < s.size() && (s[end] == '\r' || s[end] == '\n')) ++end;
      return end - pos;
    }
  } else {
    // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+'
    std::size_t p = pos;
    if (c0.cp == ' ' && next < s.size()) {
      CharClass k1 = t.cls(t.at(next).cp);
      if (k1 != kSpace) p = next;
    }
    CharClass k = t.cls(t.at(p).cp);
    if (k != kSpace) return t.run_end(p, k) - pos;
  }
  // Whitespace alternatives. The run of whitespace starting at pos:
  if (k0 != kSpace) return 0;
  std::size_t run_end = t.run_end(pos, kSpace);
  if (!gpt2) {
    // 5. \s*[\r\n]+ : up to and including the last CR/LF of the run.
    for (std::size_t q = run_end; q > pos; --q)
      if (s[q - 1] == '\r' || s[q - 1] == '\n') return q - pos;
  }
  // 6. \s+(?!\S): the run, minus its last character when a non-space follows.
  if (run_end == s.size()) return run_end - pos;
  std::size_t last = run_end - 1;
  while ((static_cast<unsigned char>(s[last]) & 0xC0) == 0x80) --last;  // start of last char
  if (last > pos) return last - pos;
  // 7. \s+
  return run_end - pos;
}

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& pieces) const {
  std::size_t pos = 0, unmatched = 0;
  while (pos < text.size()) {
    std::size_t n = match_at(text, pos);
    if (n == 0) {
      std::size_t len;
      unicode::decode_utf8(text, pos, len);
      pos += len;
      continue;
    }
    if (unmatched < pos) pieces.push_back(text.substr(unmatched, pos - unmatched));
    pieces.push_back(text.substr(pos, n));
    pos += n;
    unmatched = pos;
  }
  if (unmatched < pos) pieces.push_back(text.substr(unmatched, pos - unmatched));
}

}  // namespace gauntlet::engine
