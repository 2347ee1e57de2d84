#include "engine/text/jinja/lexer.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/text/jinja/error.h"
#include "engine/text/jinja/py_str.h"

namespace gauntlet::engine::jinja {
namespace {

[[noreturn]] void fail(const std::string& message, int line) { throw TemplateError(ErrorKind::kSyntax, message, line); }

// Jinja2 splits the source on \r\n, \r and \n, joins with \n and drops one trailing newline.
std::string normalize_newlines(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out += source[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Code point at pos (and its byte length).
char32_t cp_at(std::string_view s, std::size_t pos, std::size_t& len) {
  const unsigned char b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) {
    len = 1;
    return b;
  }
  std::u32string one = py::to_u32(s.substr(pos, std::min<std::size_t>(4, s.size() - pos)));
  len = 1;
  while (pos + len < s.size() && (static_cast<unsigned char>(s[pos + len]) & 0xC0) == 0x80 && len < 4) ++len;
  return one.empty() ? 0xFFFD : one[0];
}

// Python's \s: length in bytes of the whitespace run starting at pos.
std::size_t whitespace_run(std::string_view s, std::size_t pos) {
  std::size_t p = pos;
  while (p < s.size()) {
    std::size_t len = 0;
    char32_t c = cp_at(s, p, len);
    if (!py::is_space(c)) break;
    p += len;
  }
  return p - pos;
}

std::string rstrip_space(std::string_view s) {
  std::u32string cps = py::to_u32(s);
  while (!cps.empty() && py::is_space(cps.back())) cps.pop_back();
  return py::to_utf8(cps);
}

bool all_space(std::string_view s) {
  for (char32_t c : py::to_u32(s))
    if (!py::is_space(c)) return false;
  return true;
}

int count_newlines(std::string_view s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// (\d+_)*\d+ : digits possibly separated by single underscores; returns the length matched.
std::size_t digit_run(std::string_view s, std::size_t pos) {
  std::size_t p = pos;
  if (p >= s.size() || !is_digit(s[p])) return 0;
  while (true) {
    while (p < s.size() && is_digit(s[p])) ++p;
    if (p + 1 < s.size() && s[p] == '_' && is_digit(s[p + 1])) {
      ++p;
      continue;
    }
    return p - pos;
  }
}

// Jinja2's float_re at pos (not right after a '.'): length matched, or 0.
std::size_t match_float(std::string_view s, std::size_t pos) {
  if (pos > 0 && s[pos - 1] == '.') return 0;
  std::size_t p = pos + digit_run(s, pos);
  if (p == pos) return 0;
  auto exponent = [&](std::size_t q) -> std::size_t {
    if (q < s.size() && (s[q] == 'e' || s[q] == 'E')) {
      std::size_t r = q + 1;
      if (r < s.size() && (s[r] == '+' || s[r] == '-')) ++r;
      std::size_t d = digit_run(s, r);
      if (d) return r + d;
    }
    return 0;
  };
  std::size_t frac_end = 0;
  if (p < s.size() && s[p] == '.') {
    std::size_t d = digit_run(s, p + 1);
    if (d) frac_end = p + 1 + d;
  }
  if (frac_end) {
    if (std::size_t e = exponent(frac_end)) return e - pos;
    return frac_end - pos;
  }
  if (std::size_t e = exponent(p)) return e - pos;
  return 0;
}

bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Jinja2's integer_re: length matched (0 none) and the value's digits and base.
std::size_t match_integer(std::string_view s, std::size_t pos, std::string& digits, int& base) {
  auto prefixed = [&](char letter, int b, auto valid) -> std::size_t {
    if (pos + 1 < s.size() && s[pos] == '0' && (s[pos + 1] == letter || s[pos + 1] == letter - 32)) {
      std::size_t p = pos + 2;
      std::string d;
      while (true) {
        std::size_t q = p;
        if (q < s.size() && s[q] == '_') ++q;
        if (q < s.size() && valid(s[q])) {
          d += s[q];
          p = q + 1;
        } else {
          break;
        }
      }
      if (!d.empty()) {
        digits = d;
        base = b;
        return p - pos;
      }
    }
    return 0;
  };
  if (std::size_t n = prefixed('b', 2, [](char c) { return c == '0' || c == '1'; })) return n;
  if (std::size_t n = prefixed('o', 8, [](char c) { return c >= '0' && c <= '7'; })) return n;
  if (std::size_t n = prefixed('x', 16, is_hex)) return n;
  base = 10;
  if (pos < s.size() && s[pos] >= '1' && s[pos] <= '9') {
    std::size_t n = digit_run(s, pos);
    digits.clear();
    for (std::size_t i = pos; i < pos + n; ++i)
      if (s[i] != '_') digits += s[i];
    return n;
  }
  if (pos < s.size() && s[pos] == '0') {
    std::size_t p = pos + 1;
    while (true) {
      std::size_t q = p;
      if (q < s.size() && s[q] == '_') ++q;
      if (q < s.size() && s[q] == '0') p = q + 1;
      else break;
    }
    digits = "0";
    return p - pos;
  }
  return 0;
}

// Python's unicode-escape decoding of the ASCII form backslashreplace gives the literal's body.
std::string unescape_string(std::string_view body, int line) {
  std::string ascii;
  for (char32_t c : py::to_u32(body)) {
    if (c < 0x80) {
      ascii += static_cast<char>(c);
    } else {
      char buf[16];
      if (c <= 0xFF) std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      else if (c <= 0xFFFF) std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      else std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
      ascii += buf;
    }
  }
  std::string out;
  for (std::size_t i = 0; i < ascii.size(); ++i) {
    char c = ascii[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= ascii.size()) fail("\\ at end of string", line);
    char e = ascii[++i];
    auto hex_escape = [&](int n, const char* what) {
      std::uint32_t v = 0;
      for (int k = 1; k <= n; ++k) {
        if (i + static_cast<std::size_t>(k) >= ascii.size() || !is_hex(ascii[i + static_cast<std::size_t>(k)]))
          fail(std::string("truncated ") + what + " escape", line);
        char h = ascii[i + static_cast<std::size_t>(k)];
        v = v * 16 + static_cast<std::uint32_t>(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      i += static_cast<std::size_t>(n);
      if (v > 0x10FFFF) fail("illegal Unicode character", line);
      py::append_utf8(out, static_cast<char32_t>(v));
    };
    switch (e) {
      case '\n': break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': hex_escape(2, "\\xXX"); break;
      case 'u': hex_escape(4, "\\uXXXX"); break;
      case 'U': hex_escape(8, "\\UXXXXXXXX"); break;
      case 'N':
        throw TemplateError(ErrorKind::kUnsupported, "\\N{...} escapes in string literals", line);
      default:
        if (e >= '0' && e <= '7') {
          std::uint32_t v = static_cast<std::uint32_t>(e - '0');
          for (int k = 0; k < 2 && i + 1 < ascii.size() && ascii[i + 1] >= '0' && ascii[i + 1] <= '7'; ++k)
            v = v * 8 + static_cast<std::uint32_t>(ascii[++i] - '0');
          py::append_utf8(out, static_cast<char32_t>(v));
        } else {
          out += '\\';
          out += e;
        }
    }
  }
  return out;
}

struct OperatorSpelling {
  const char* text;
  Tok type;
};
// Longest first, as Jinja2 sorts its operator regex.
const OperatorSpelling kOperators[] = {
    {"//", Tok::kFloorDiv}, {"**", Tok::kPow}, {"==", Tok::kEq},     {"!=", Tok::kNe},       {">=", Tok::kGtEq},
    {"<=", Tok::kLtEq},     {"+", Tok::kAdd},  {"-", Tok::kSub},     {"/", Tok::kDiv},       {"*", Tok::kMul},
    {"%", Tok::kMod},       {"~", Tok::kTilde}, {"[", Tok::kLBracket}, {"]", Tok::kRBracket}, {"(", Tok::kLParen},
    {")", Tok::kRParen},    {"{", Tok::kLBrace}, {"}", Tok::kRBrace},  {">", Tok::kGt},       {"<", Tok::kLt},
    {"=", Tok::kAssign},    {".", Tok::kDot},  {":", Tok::kColon},   {"|", Tok::kPipe},      {",", Tok::kComma},
    {";", Tok::kSemicolon},
};

class Lexer {
 public:
  Lexer(std::string source, const LexerOptions& options) : s_(std::move(source)), opt_(options) {}

  std::vector<Token> run() {
    while (pos_ < s_.size()) root();
    push(Tok::kEof, "");
    return std::move(out_);
  }

 private:
  enum class Tag { kVariable, kBlock, kComment, kRaw };

  void push(Tok type, std::string text) {
    Token t;
    t.type = type;
    t.line = line_;
    t.text = std::move(text);
    out_.push_back(std::move(t));
  }

  void advance_to(std::size_t p) {
    line_ += count_newlines(std::string_view(s_).substr(pos_, p - pos_));
    pos_ = p;
  }

  // `{%(-|+|)\s*raw\s*(-%}\s*|%})` at p: its length, or 0.
  std::size_t match_raw_begin(std::size_t p) const {
    std::string_view s(s_);
    std::size_t q = p + 2;
    if (q < s.size() && (s[q] == '-' || s[q] == '+')) ++q;
    q += whitespace_run(s, q);
    if (s.compare(q, 3, "raw") != 0) return 0;
    q += 3;
    q += whitespace_run(s, q);
    if (s.compare(q, 3, "-%}") == 0) return q + 3 + whitespace_run(s, q + 3) - p;
    if (s.compare(q, 2, "%}") == 0) return q + 2 - p;
    return 0;
  }

  // Emits the text before a tag, applying `-` stripping or lstrip_blocks as Jinja2 does.
  void emit_text(std::string_view text, char sign, bool lstrip_applies) {
    std::string data(text);
    if (sign == '-') {
      data = rstrip_space(text);
    } else if (sign != '+' && opt_.lstrip_blocks && lstrip_applies) {
      std::size_t nl = text.rfind('\n');
      std::size_t l_pos = nl == std::string_view::npos ? 0 : nl + 1;
      if (l_pos > 0 || line_starting_) {
        std::string_view tail = text.substr(l_pos);
        if (!tail.empty() && all_space(tail)) data = std::string(text.substr(0, l_pos));
      }
    }
    if (!data.empty()) push(Tok::kData, std::move(data));
  }

  void root() {
    std::string_view s(s_);
    std::size_t at = pos_;
    Tag tag = Tag::kVariable;
    std::size_t raw_len = 0;
    for (;; ++at) {
      at = s.find('{', at);
      if (at == std::string_view::npos || at + 1 >= s.size()) {
        at = std::string_view::npos;
        break;
      }
      char c = s[at + 1];
      if (c == '%') {
        raw_len = match_raw_begin(at);
        tag = raw_len ? Tag::kRaw : Tag::kBlock;
        break;
      }
      if (c == '{') {
        tag = Tag::kVariable;
        break;
      }
      if (c == '#') {
        tag = Tag::kComment;
        break;
      }
    }
    if (at == std::string_view::npos) {
      push(Tok::kData, std::string(s.substr(pos_)));
      advance_to(s.size());
      return;
    }
    char sign = at + 2 < s.size() && (s[at + 2] == '-' || s[at + 2] == '+') ? s[at + 2] : 0;
    emit_text(s.substr(pos_, at - pos_), sign, tag != Tag::kVariable);
    advance_to(at);
    if (tag == Tag::kRaw) {
      // The raw_begin match may end in whitespace consumed by `-%}`.
      std::size_t end = at + raw_len;
      line_starting_ = s[end - 1] == '\n';
      advance_to(end);
      raw();
      return;
    }
    std::size_t after = at + 2 + (sign ? 1 : 0);
    line_starting_ = false;
    if (tag == Tag::kComment) {
      advance_to(after);
      comment();
      return;
    }
    push(tag == Tag::kBlock ? Tok::kBlockBegin : Tok::kVariableBegin, "");
    advance_to(after);
    inside_tag(tag == Tag::kBlock);
  }

  // After `-%}` / `-}}` / `-#}`: whitespace is consumed; after `%}` / `#}`, one newline with
  // trim_blocks. Returns the end position.
  std::size_t end_tag_suffix(std::size_t p, char sign, bool trims) const {
    if (sign == '-') return p + whitespace_run(s_, p);
    if (sign != '+' && trims && opt_.trim_blocks && p < s_.size() && s_[p] == '\n') return p + 1;
    return p;
  }

  void comment() {
    std::string_view s(s_);
    std::size_t p = pos_;
    while (true) {
      std::size_t hash = s.find("#}", p);
      if (hash == std::string_view::npos) fail("Missing end of comment tag", line_);
      // The lazy (.*?) stops at the first position where +#}, -#} or #} starts.
      std::size_t start = hash;
      char sign = 0;
      if (hash > pos_ && (s[hash - 1] == '-' || s[hash - 1] == '+')) {
        start = hash - 1;
        sign = s[hash - 1];
      }
      std::size_t end = end_tag_suffix(hash + 2, sign, true);
      line_starting_ = end > 0 && s[end - 1] == '\n';
      advance_to(end);
      (void)start;
      return;
    }
  }

  void raw() {
    std::string_view s(s_);
    std::size_t p = pos_;
    while (true) {
      std::size_t at = s.find("{%", p);
      if (at == std::string_view::npos) fail("Missing end of raw directive", line_);
      std::size_t q = at + 2;
      char sign = 0;
      if (q < s.size() && (s[q] == '-' || s[q] == '+')) sign = s[q++];
      q += whitespace_run(s, q);
      if (s.compare(q, 6, "endraw") == 0) {
        q += 6;
        q += whitespace_run(s, q);
        std::size_t end = 0;
        if (s.compare(q, 3, "+%}") == 0) end = q + 3;
        else if (s.compare(q, 3, "-%}") == 0) end = end_tag_suffix(q + 3, '-', true);
        else if (s.compare(q, 2, "%}") == 0) end = end_tag_suffix(q + 2, 0, true);
        if (end) {
          emit_text(s.substr(pos_, at - pos_), sign, true);
          line_starting_ = s[end - 1] == '\n';
          advance_to(end);
          return;
        }
      }
      p = at + 1;
    }
  }

  void inside_tag(bool block) {
    std::string_view s(s_);
    std::vector<char> balance;
    while (true) {
      if (pos_ >= s.size()) return;  // the parser reports the missing end tag
      if (balance.empty()) {
        std::size_t end = 0;
        if (block) {
          if (s.compare(pos_, 3, "+%}") == 0) end = pos_ + 3;
          else if (s.compare(pos_, 3, "-%}") == 0) end = end_tag_suffix(pos_ + 3, '-', true);
          else if (s.compare(pos_, 2, "%}") == 0) end = end_tag_suffix(pos_ + 2, 0, true);
        } else {
          if (s.compare(pos_, 3, "-}}") == 0) end = end_tag_suffix(pos_ + 3, '-', false);
          else if (s.compare(pos_, 2, "}}") == 0) end = pos_ + 2;
        }
        if (end) {
          push(block ? Tok::kBlockEnd : Tok::kVariableEnd, "");
          line_starting_ = s[end - 1] == '\n';
          advance_to(end);
          return;
        }
      }
      if (std::size_t ws = whitespace_run(s, pos_)) {
        line_starting_ = s[pos_ + ws - 1] == '\n';
        advance_to(pos_ + ws);
        continue;
      }
      line_starting_ = false;
      if (std::size_t n = match_float(s, pos_)) {
        std::string text;
        for (char c : s.substr(pos_, n))
          if (c != '_') text += c;
        Token t;
        t.type = Tok::kFloat;
        t.line = line_;
        t.text = text;
        errno = 0;
        t.number = std::strtod(text.c_str(), nullptr);
        out_.push_back(std::move(t));
        advance_to(pos_ + n);
        continue;
      }
      std::string digits;
      int base = 10;
      if (std::size_t n = match_integer(s, pos_, digits, base)) {
        Token t;
        t.type = Tok::kInteger;
        t.line = line_;
        t.text = std::string(s.substr(pos_, n));
        errno = 0;
        unsigned long long v = std::strtoull(digits.c_str(), nullptr, base);
        if (errno == ERANGE || v > 9223372036854775807ULL)
          throw TemplateError(ErrorKind::kUnsupported, "integer literal " + t.text + " does not fit in 64 bits", line_);
        t.integer = static_cast<std::int64_t>(v);
        out_.push_back(std::move(t));
        advance_to(pos_ + n);
        continue;
      }
      if (is_ident_start(s[pos_])) {
        std::size_t p = pos_;
        while (p < s.size() && is_ident_char(s[p])) ++p;
        if (p < s.size() && static_cast<unsigned char>(s[p]) >= 0x80)
          throw TemplateError(ErrorKind::kUnsupported, "non-ASCII identifiers", line_);
        push(Tok::kName, std::string(s.substr(pos_, p - pos_)));
        advance_to(p);
        continue;
      }
      if (s[pos_] == '\'' || s[pos_] == '"') {
        const char q = s[pos_];
        std::size_t p = pos_ + 1;
        while (p < s.size() && s[p] != q) p += s[p] == '\\' ? 2 : 1;
        if (p >= s.size()) fail("unexpected char " + py::repr(std::string(1, q)) + " at " + std::to_string(pos_), line_);
        const int start_line = line_;
        std::string value = unescape_string(s.substr(pos_ + 1, p - pos_ - 1), start_line);
        push(Tok::kString, std::move(value));
        advance_to(p + 1);
        continue;
      }
      if (static_cast<unsigned char>(s[pos_]) >= 0x80) {
        std::size_t len = 0;
        if (py::is_alpha(cp_at(s, pos_, len)))
          throw TemplateError(ErrorKind::kUnsupported, "non-ASCII identifiers", line_);
      }
      bool matched = false;
      for (const auto& op : kOperators) {
        const std::size_t n = std::strlen(op.text);
        if (s.compare(pos_, n, op.text) != 0) continue;
        const char c = op.text[0];
        if (n == 1 && (c == '{' || c == '(' || c == '[')) {
          balance.push_back(c == '{' ? '}' : c == '(' ? ')' : ']');
        } else if (n == 1 && (c == '}' || c == ')' || c == ']')) {
          if (balance.empty()) fail(std::string("unexpected '") + c + "'", line_);
          const char expected = balance.back();
          balance.pop_back();
          if (expected != c) fail(std::string("unexpected '") + c + "', expected '" + expected + "'", line_);
        }
        push(op.type, op.text);
        advance_to(pos_ + n);
        matched = true;
        break;
      }
      if (!matched) {
        std::size_t len = 0;
        char32_t c = cp_at(s, pos_, len);
        std::string ch;
        py::append_utf8(ch, c);
        fail("unexpected char " + py::repr(ch) + " at " + std::to_string(py::length(s.substr(0, pos_))), line_);
      }
    }
  }

  std::string s_;
  LexerOptions opt_;
  std::size_t pos_ = 0;
  int line_ = 1;
  bool line_starting_ = true;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, const LexerOptions& options) {
  return Lexer(normalize_newlines(source), options).run();
}

std::string describe(Tok type) {
  switch (type) {
    case Tok::kData: return "template data / text";
    case Tok::kVariableBegin: return "begin of print statement";
    case Tok::kVariableEnd: return "end of print statement";
    case Tok::kBlockBegin: return "begin of statement block";
    case Tok::kBlockEnd: return "end of statement block";
    case Tok::kName: return "name";
    case Tok::kString: return "string";
    case Tok::kInteger: return "integer";
    case Tok::kFloat: return "float";
    case Tok::kEof: return "end of template";
    default: break;
  }
  for (const auto& op : kOperators)
    if (op.type == type) return op.text;
  return "token";
}

std::string describe(const Token& token) {
  if (token.type == Tok::kName) return token.text;
  return describe(token.type);
}

}  // namespace gauntlet::engine::jinja
