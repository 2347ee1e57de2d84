#include "engine/text/jinja/py_format.h"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>

#include "engine/text/jinja/interpreter.h"
#include "engine/text/jinja/py_str.h"

namespace gauntlet::engine::jinja {
namespace {

[[noreturn]] void value_error(const std::string& message) { throw TemplateError(ErrorKind::kType, message); }

// Digits and decimal exponent of |d| rounded to `sig` significant digits (d finite, non-zero).
void significant_digits(double d, int sig, std::string& digits, int& decpt) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*e", sig - 1, std::fabs(d));
  std::string s(buf);
  std::size_t e = s.find('e');
  digits.clear();
  for (std::size_t i = 0; i < e; ++i)
    if (s[i] != '.') digits += s[i];
  decpt = std::stoi(s.substr(e + 1)) + 1;
}

std::string exp_suffix(int exponent) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return buf;
}

// Python's format_float_short for 'g' (and '' with a precision): p significant digits, trailing
// zeros removed unless alternate; add_dot_0 keeps one digit after the point in fixed notation.
std::string float_g(double d, int p, bool alternate, bool add_dot_0, bool upper) {
  if (p == 0) p = 1;
  if (d == 0) {
    std::string z = "0";
    if (alternate) z += "." + std::string(static_cast<std::size_t>(p - 1), '0');
    else if (add_dot_0) z += ".0";
    return z;
  }
  std::string digits;
  int decpt;
  significant_digits(d, p, digits, decpt);
  if (!alternate)
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const bool use_exp = decpt <= -4 || decpt > (add_dot_0 ? p - 1 : p);
  std::string out;
  if (use_exp) {
    out = digits.substr(0, 1);
    std::string rest = digits.substr(1);
    if (alternate) rest.resize(static_cast<std::size_t>(p - 1), '0');
    if (!rest.empty() || alternate) out += "." + rest;
    out += exp_suffix(decpt - 1);
  } else if (decpt <= 0) {
    out = "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
    if (alternate && static_cast<int>(digits.size()) < p) out += std::string(static_cast<std::size_t>(p) - digits.size(), '0');
  } else {
    if (static_cast<int>(digits.size()) <= decpt) {
      out = digits + std::string(static_cast<std::size_t>(decpt) - digits.size(), '0');
      if (alternate) {
        out += ".";
        if (p > decpt) out += std::string(static_cast<std::size_t>(p - decpt), '0');
      } else if (add_dot_0) {
        out += ".0";
      }
    } else {
      out = digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
      if (alternate && static_cast<int>(digits.size()) < p) out += std::string(static_cast<std::size_t>(p) - digits.size(), '0');
    }
  }
  if (upper)
    for (auto& c : out)
      if (c == 'e') c = 'E';
  return out;
}

std::string fixed(double d, int precision, bool alternate) {
  char buf[1100];
  if (std::fabs(d) >= 1e50) {
    // %f of huge values is exact in glibc as in Python; keep the buffer bounded anyway.
    std::string s(static_cast<std::size_t>(std::snprintf(nullptr, 0, alternate ? "%#.*f" : "%.*f", precision, std::fabs(d))) + 1, '\0');
    std::snprintf(s.data(), s.size(), alternate ? "%#.*f" : "%.*f", precision, std::fabs(d));
    s.pop_back();
    return s;
  }
  std::snprintf(buf, sizeof buf, alternate ? "%#.*f" : "%.*f", precision, std::fabs(d));
  return buf;
}

std::string sci(double d, int precision, bool alternate, bool upper) {
  char buf[600];
  std::snprintf(buf, sizeof buf, alternate ? (upper ? "%#.*E" : "%#.*e") : (upper ? "%.*E" : "%.*e"), precision,
                std::fabs(d));
  return buf;
}

std::string nonfinite(double d, bool upper) {
  std::string s = std::isnan(d) ? "nan" : "inf";
  if (upper)
    for (auto& c : s) c = static_cast<char>(c - 32);
  return s;
}

std::string group_digits(const std::string& digits, char sep, int every) {
  std::string out;
  int n = 0;
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (n && n % every == 0) out += sep;
    out += digits[i];
    ++n;
  }
  return std::string(out.rbegin(), out.rend());
}

std::string int_digits(std::uint64_t v, int base, bool upper) {
  if (v == 0) return "0";
  std::string out;
  const char* chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  while (v) {
    out += chars[v % static_cast<std::uint64_t>(base)];
    v /= static_cast<std::uint64_t>(base);
  }
  return std::string(out.rbegin(), out.rend());
}

struct Spec {
  char32_t fill = U' ';
  char align = 0;  // < > ^ =
  char sign = 0;   // + - space
  bool alternate = false;
  bool zero = false;
  long width = -1;
  char grouping = 0;  // , or _
  int precision = -1;
  char type = 0;
};

Spec parse_spec(std::string_view spec_utf8) {
  std::u32string s = py::to_u32(spec_utf8);
  Spec sp;
  std::size_t i = 0;
  auto is_align = [](char32_t c) { return c == U'<' || c == U'>' || c == U'^' || c == U'='; };
  if (s.size() >= 2 && is_align(s[1])) {
    sp.fill = s[0];
    sp.align = static_cast<char>(s[1]);
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    sp.align = static_cast<char>(s[0]);
    i = 1;
  }
  if (i < s.size() && (s[i] == U'+' || s[i] == U'-' || s[i] == U' ')) sp.sign = static_cast<char>(s[i++]);
  if (i < s.size() && s[i] == U'#') {
    sp.alternate = true;
    ++i;
  }
  if (i < s.size() && s[i] == U'0') {
    sp.zero = true;
    ++i;
  }
  if (i < s.size() && s[i] >= U'0' && s[i] <= U'9') {
    sp.width = 0;
    while (i < s.size() && s[i] >= U'0' && s[i] <= U'9') sp.width = sp.width * 10 + (s[i++] - U'0');
  }
  if (i < s.size() && (s[i] == U',' || s[i] == U'_')) sp.grouping = static_cast<char>(s[i++]);
  if (i < s.size() && s[i] == U'.') {
    ++i;
    if (i >= s.size() || s[i] < U'0' || s[i] > U'9') value_error("Format specifier missing precision");
    sp.precision = 0;
    while (i < s.size() && s[i] >= U'0' && s[i] <= U'9') sp.precision = sp.precision * 10 + static_cast<int>(s[i++] - U'0');
  }
  if (i < s.size()) sp.type = static_cast<char>(s[i++]);
  if (i < s.size()) value_error("Invalid format specifier");
  if (sp.zero && !sp.align) {
    sp.fill = U'0';
    sp.align = '=';
  }
  return sp;
}

std::string pad(const std::string& sign_prefix, const std::string& body, const Spec& sp, char default_align) {
  const long len = static_cast<long>(py::length(sign_prefix) + py::length(body));
  const char align = sp.align ? sp.align : default_align;
  if (sp.width <= len) return sign_prefix + body;
  const long n = sp.width - len;
  std::string fill;
  auto fills = [&](long k) {
    std::string f;
    for (long i = 0; i < k; ++i) py::append_utf8(f, sp.fill);
    return f;
  };
  switch (align) {
    case '<': return sign_prefix + body + fills(n);
    case '^': return fills(n / 2) + sign_prefix + body + fills(n - n / 2);
    case '=': return sign_prefix + fills(n) + body;
    default: return fills(n) + sign_prefix + body;
  }
}

std::string format_int(std::int64_t v, const Spec& sp) {
  if (sp.precision >= 0) value_error("Precision not allowed in integer format specifier");
  const bool negative = v < 0;
  const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::string body, prefix;
  switch (sp.type) {
    case 0:
    case 'd':
    case 'n': body = int_digits(mag, 10, false); break;
    case 'b': body = int_digits(mag, 2, false); prefix = sp.alternate ? "0b" : ""; break;
    case 'o': body = int_digits(mag, 8, false); prefix = sp.alternate ? "0o" : ""; break;
    case 'x': body = int_digits(mag, 16, false); prefix = sp.alternate ? "0x" : ""; break;
    case 'X': body = int_digits(mag, 16, true); prefix = sp.alternate ? "0X" : ""; break;
    case 'c': {
      if (negative || mag > 0x10FFFF) value_error("%c arg not in range(0x110000)");
      std::string c;
      py::append_utf8(c, static_cast<char32_t>(mag));
      return pad("", c, sp, '<');
    }
    default: value_error(std::string("Unknown format code '") + sp.type + "' for object of type 'int'");
  }
  if (sp.grouping) body = group_digits(body, sp.grouping, sp.type == 'b' || sp.type == 'o' || sp.type == 'x' || sp.type == 'X' ? 4 : 3);
  std::string sign = negative ? "-" : sp.sign == '+' ? "+" : sp.sign == ' ' ? " " : "";
  if (sp.align == '=' && sp.fill == U'0' && sp.grouping && sp.width > 0) {
    // Zero padding takes part in the grouping, as Python's does.
    long want = sp.width - static_cast<long>(sign.size() + prefix.size());
    std::string digits = body;
    digits.erase(std::remove(digits.begin(), digits.end(), sp.grouping), digits.end());
    while (static_cast<long>(group_digits(digits, sp.grouping, 3).size()) < want) digits.insert(digits.begin(), '0');
    return sign + prefix + group_digits(digits, sp.grouping, 3);
  }
  return pad(sign + prefix, body, sp, '>');
}

std::string format_float_spec(double d, Spec sp) {
  const bool negative = std::signbit(d) && !std::isnan(d);
  std::string body;
  char type = sp.type;
  const bool upper = type == 'E' || type == 'F' || type == 'G';
  if (!std::isfinite(d)) {
    body = nonfinite(d, upper);
    if (type == '%') body += "%";
  } else {
    switch (type) {
      case 'e':
      case 'E': body = sci(d, sp.precision < 0 ? 6 : sp.precision, sp.alternate, upper); break;
      case 'f':
      case 'F': body = fixed(d, sp.precision < 0 ? 6 : sp.precision, sp.alternate); break;
      case '%': body = fixed(d * 100, sp.precision < 0 ? 6 : sp.precision, sp.alternate) + "%"; break;
      case 'g':
      case 'G':
      case 'n': body = float_g(d, sp.precision < 0 ? 6 : sp.precision, sp.alternate, false, upper); break;
      case 0:
        if (sp.precision < 0) {
          body = format_float(std::fabs(d));
        } else {
          body = float_g(d, sp.precision, sp.alternate, true, false);
        }
        break;
      default: value_error(std::string("Unknown format code '") + type + "' for object of type 'float'");
    }
  }
  if (sp.grouping && std::isfinite(d)) {
    std::size_t end = body.find_first_not_of("0123456789");
    if (end == std::string::npos) end = body.size();
    body = group_digits(body.substr(0, end), sp.grouping, 3) + body.substr(end);
  }
  std::string sign = negative ? "-" : sp.sign == '+' ? "+" : sp.sign == ' ' ? " " : "";
  return pad(sign, body, sp, '>');
}

std::string format_str(const std::string& s, const Spec& sp) {
  if (sp.type != 0 && sp.type != 's') value_error(std::string("Unknown format code '") + sp.type + "' for object of type 'str'");
  if (sp.sign) value_error("Sign not allowed in string format specifier");
  if (sp.alternate) value_error("Alternate form (#) not allowed in string format specifier");
  if (sp.align == '=') value_error("'=' alignment not allowed in string format specifier");
  std::string body = s;
  if (sp.precision >= 0) body = py::slice(s, 0, sp.precision, 1);
  return pad("", body, sp, '<');
}

}  // namespace

std::string format_value(const Value& value, std::string_view spec) {
  if (value.is_undefined()) undefined_error(value);
  if (spec.empty()) return to_str(value);
  Spec sp = parse_spec(spec);
  if (value.is_string()) return format_str(value.str(), sp);
  if (value.is_int() || value.is_bool()) {
    if (sp.type == 'e' || sp.type == 'E' || sp.type == 'f' || sp.type == 'F' || sp.type == 'g' || sp.type == 'G' ||
        sp.type == '%')
      return format_float_spec(static_cast<double>(value.int_value()), sp);
    return format_int(value.int_value(), sp);
  }
  if (value.is_float()) return format_float_spec(value.as_float(), sp);
  type_error("unsupported format string passed to " + value.type_name() + ".__format__");
}

std::string markup_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string percent_format(std::string_view format, const Value& args, bool escape_args) {
  std::vector<Value> positional;
  const Value* mapping = nullptr;
  if (args.is_tuple()) positional = args.seq().items;
  else positional.push_back(args);
  if (args.is_dict()) mapping = &args;
  // Python treats any non-tuple, non-str argument with __getitem__ (list, range, dict, Jinja2's
  // Undefined) as a possible mapping: arguments it leaves unused are then no error.
  const bool mapping_like = !args.is_tuple() && !args.is_string() &&
                            (args.is_dict() || args.is_undefined() ||
                             (args.is_sequence() && (args.seq().kind == SeqKind::kList || args.seq().kind == SeqKind::kRange)));
  std::size_t next_arg = 0;
  bool used_mapping = false;
  auto take = [&]() -> const Value& {
    if (next_arg >= positional.size()) type_error("not enough arguments for format string");
    return positional[next_arg++];
  };
  std::string out;
  const std::u32string f = py::to_u32(format);
  std::size_t i = 0;
  while (i < f.size()) {
    if (f[i] != U'%') {
      py::append_utf8(out, f[i++]);
      continue;
    }
    const std::size_t start = i++;
    if (i >= f.size()) value_error("incomplete format");
    const Value* arg = nullptr;
    if (f[i] == U'(') {
      if (!mapping_like) type_error("format requires a mapping");
      if (args.is_undefined()) undefined_error(args);
      if (!mapping) type_error(args.type_name() + " indices must be integers or slices, not str");
      int depth = 1;
      std::size_t k = ++i;
      while (i < f.size() && depth) {
        if (f[i] == U'(') ++depth;
        else if (f[i] == U')') --depth;
        ++i;
      }
      if (depth) value_error("incomplete format key");
      std::string key = py::to_utf8(f.substr(k, i - 1 - k));
      const Value* v = mapping->dict().find(key);
      if (!v) type_error("KeyError: " + py::repr(key));
      arg = v;
      used_mapping = true;
    }
    Spec sp;
    for (; i < f.size(); ++i) {
      if (f[i] == U'-') sp.align = '<';
      else if (f[i] == U'+') sp.sign = '+';
      else if (f[i] == U' ' && sp.sign != '+') sp.sign = ' ';
      else if (f[i] == U'#') sp.alternate = true;
      else if (f[i] == U'0') sp.zero = true;
      else if (f[i] != U' ') break;
    }
    if (i < f.size() && f[i] == U'*') {
      sp.width = static_cast<long>(take().int_value());
      if (sp.width < 0) {
        sp.align = '<';
        sp.width = -sp.width;
      }
      ++i;
    } else {
      while (i < f.size() && f[i] >= U'0' && f[i] <= U'9') sp.width = std::max(0L, sp.width) * 10 + (f[i++] - U'0');
    }
    if (i < f.size() && f[i] == U'.') {
      ++i;
      sp.precision = 0;
      if (i < f.size() && f[i] == U'*') {
        sp.precision = static_cast<int>(take().int_value());
        ++i;
      } else {
        while (i < f.size() && f[i] >= U'0' && f[i] <= U'9') sp.precision = sp.precision * 10 + static_cast<int>(f[i++] - U'0');
      }
    }
    while (i < f.size() && (f[i] == U'h' || f[i] == U'l' || f[i] == U'L')) ++i;
    if (i >= f.size()) value_error("incomplete format");
    const char32_t conv = f[i++];
    if (conv == U'%') {
      out += '%';
      continue;
    }
    if (!arg) arg = &take();
    if (arg->is_undefined() && conv != U's') undefined_error(*arg);
    if (sp.align == '<') sp.zero = false;
    std::string piece;
    auto numeric_pad = [&](const std::string& sign, const std::string& body) {
      if (sp.width <= static_cast<long>(sign.size() + body.size())) return sign + body;
      const std::size_t n = static_cast<std::size_t>(sp.width) - sign.size() - body.size();
      if (sp.align == '<') return sign + body + std::string(n, ' ');
      if (sp.zero) return sign + std::string(n, '0') + body;
      return std::string(n, ' ') + sign + body;
    };
    switch (conv) {
      case U's':
      case U'r':
      case U'a': {
        std::string s = conv == U's' ? to_str(*arg) : repr(*arg);
        if (conv == U'a') {
          std::string ascii;
          for (char32_t c : py::to_u32(s)) {
            char buf[16];
            if (c < 0x80) ascii += static_cast<char>(c);
            else if (c <= 0xFF) std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c)), ascii += buf;
            else if (c <= 0xFFFF) std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c)), ascii += buf;
            else std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c)), ascii += buf;
          }
          s = ascii;
        }
        if (escape_args && !(arg->is_markup() && conv == U's')) s = markup_escape(s);
        if (sp.precision >= 0) s = py::slice(s, 0, sp.precision, 1);
        const long len = static_cast<long>(py::length(s));
        if (sp.width > len) s = sp.align == '<' ? s + std::string(static_cast<std::size_t>(sp.width - len), ' ')
                                                : std::string(static_cast<std::size_t>(sp.width - len), ' ') + s;
        piece = s;
        break;
      }
      case U'd':
      case U'i':
      case U'u':
      case U'o':
      case U'x':
      case U'X': {
        std::int64_t v;
        if (arg->is_int() || arg->is_bool()) v = arg->int_value();
        else if (arg->is_float() && std::isfinite(arg->as_float()) && (conv == U'd' || conv == U'i' || conv == U'u'))
          v = static_cast<std::int64_t>(std::trunc(arg->as_float()));
        else if (conv == U'd' || conv == U'i' || conv == U'u')
          type_error("%" + std::string(1, static_cast<char>(conv)) + " format: a real number is required, not " + arg->type_name());
        else
          type_error("%" + std::string(1, static_cast<char>(conv)) + " format: an integer is required, not " + arg->type_name());
        const std::uint64_t mag = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
        const int base = conv == U'o' ? 8 : conv == U'x' || conv == U'X' ? 16 : 10;
        std::string body = int_digits(mag, base, conv == U'X');
        if (sp.precision > static_cast<int>(body.size())) body.insert(0, static_cast<std::size_t>(sp.precision) - body.size(), '0');
        std::string sign = v < 0 ? "-" : sp.sign == '+' ? "+" : sp.sign == ' ' ? " " : "";
        if (sp.alternate && base != 10) sign += conv == U'o' ? "0o" : conv == U'x' ? "0x" : "0X";
        piece = numeric_pad(sign, body);
        break;
      }
      case U'e':
      case U'E':
      case U'f':
      case U'F':
      case U'g':
      case U'G': {
        if (!arg->is_number()) type_error("must be real number, not " + arg->type_name());
        const double d = arg->float_value();
        const int p = sp.precision < 0 ? 6 : sp.precision;
        std::string body;
        if (!std::isfinite(d)) body = nonfinite(d, conv == U'E' || conv == U'F' || conv == U'G');
        else if (conv == U'e' || conv == U'E') body = sci(d, p, sp.alternate, conv == U'E');
        else if (conv == U'f' || conv == U'F') body = fixed(d, p, sp.alternate);
        else body = float_g(d, p, sp.alternate, false, conv == U'G');
        std::string sign = std::signbit(d) && !std::isnan(d) ? "-" : sp.sign == '+' ? "+" : sp.sign == ' ' ? " " : "";
        if (!std::isfinite(d)) sp.zero = false;
        piece = numeric_pad(sign, body);
        break;
      }
      case U'c': {
        std::string c;
        if (arg->is_int() || arg->is_bool()) {
          if (arg->int_value() < 0 || arg->int_value() > 0x10FFFF) value_error("%c arg not in range(0x110000)");
          py::append_utf8(c, static_cast<char32_t>(arg->int_value()));
        } else if (arg->is_string() && py::length(arg->str()) == 1) {
          c = arg->str();
        } else {
          type_error("%c requires int or char");
        }
        piece = numeric_pad("", c);
        break;
      }
      default: {
        char buf[128];
        std::snprintf(buf, sizeof buf, "unsupported format character '%s' (0x%x) at index %zu",
                      py::to_utf8(std::u32string(1, conv)).c_str(), static_cast<unsigned>(conv), i - 1);
        value_error(buf);
      }
    }
    (void)start;
    out += piece;
  }
  if (!used_mapping && !mapping_like && next_arg < positional.size())
    type_error("not all arguments converted during string formatting");
  return out;
}

std::string str_format(Interpreter& interp, std::string_view format, const Args& args) {
  const std::u32string f = py::to_u32(format);
  std::string out;
  std::size_t auto_index = 0;
  bool used_auto = false, used_manual = false;
  std::function<std::string(const std::u32string&, int)> render_field;
  render_field = [&](const std::u32string& text, int depth) -> std::string {
    // text: field_name[!conv][:spec]
    std::size_t colon = std::u32string::npos, bang = std::u32string::npos;
    int brackets = 0;
    for (std::size_t k = 0; k < text.size(); ++k) {
      if (text[k] == U'[') ++brackets;
      else if (text[k] == U']') --brackets;
      else if (brackets == 0 && text[k] == U'!' && bang == std::u32string::npos && colon == std::u32string::npos) bang = k;
      else if (brackets == 0 && text[k] == U':' && colon == std::u32string::npos) {
        colon = k;
        break;
      }
    }
    std::u32string name = text.substr(0, std::min(bang, colon));
    char32_t conversion = 0;
    if (bang != std::u32string::npos) {
      std::size_t end = colon == std::u32string::npos ? text.size() : colon;
      if (end - bang != 2) value_error("expected ':' after conversion specifier");
      conversion = text[bang + 1];
    }
    std::u32string spec = colon == std::u32string::npos ? U"" : text.substr(colon + 1);
    // The first part of the name: an index, a keyword, or empty (automatic numbering).
    std::size_t k = 0;
    while (k < name.size() && name[k] != U'.' && name[k] != U'[') ++k;
    std::u32string first = name.substr(0, k);
    Value value;
    bool numeric = !first.empty();
    for (char32_t c : first)
      if (c < U'0' || c > U'9') numeric = false;
    if (first.empty()) {
      if (used_manual) value_error("cannot switch from manual field specification to automatic field numbering");
      used_auto = true;
      if (auto_index >= args.positional.size())
        throw TemplateError(ErrorKind::kType, "tuple index out of range");
      value = args.positional[auto_index++];
    } else if (numeric) {
      if (used_auto) value_error("cannot switch from automatic field numbering to manual field specification");
      used_manual = true;
      std::size_t idx = std::stoul(py::to_utf8(first));
      if (idx >= args.positional.size())
        throw TemplateError(ErrorKind::kType, "tuple index out of range");
      value = args.positional[idx];
    } else {
      std::string key = py::to_utf8(first);
      bool found = false;
      for (const auto& [kk, vv] : args.keyword)
        if (kk == key) {
          value = vv;
          found = true;
        }
      if (!found) throw TemplateError(ErrorKind::kType, "KeyError: " + py::repr(key));
    }
    while (k < name.size()) {
      if (name[k] == U'.') {
        std::size_t e = ++k;
        while (e < name.size() && name[e] != U'.' && name[e] != U'[') ++e;
        value = interp.getattr(value, py::to_utf8(name.substr(k, e - k)));
        if (value.is_undefined()) undefined_error(value);
        k = e;
      } else {
        std::size_t e = name.find(U']', k);
        if (e == std::u32string::npos) value_error("Missing ']' in format string");
        std::u32string key = name.substr(k + 1, e - k - 1);
        bool digits = !key.empty();
        for (char32_t c : key)
          if (c < U'0' || c > U'9') digits = false;
        value = interp.getitem(value, digits ? Value::integer(std::stoll(py::to_utf8(key))) : Value::string(py::to_utf8(key)));
        if (value.is_undefined()) undefined_error(value);
        k = e + 1;
      }
    }
    if (conversion == U'r') value = Value::string(repr(value));
    else if (conversion == U's') value = Value::string(to_str(value));
    else if (conversion == U'a') value = Value::string(repr(value));
    else if (conversion) value_error("Unknown conversion specifier " + py::to_utf8(std::u32string(1, conversion)));
    // Nested fields inside the spec.
    std::string spec_text;
    for (std::size_t s = 0; s < spec.size(); ++s) {
      if (spec[s] == U'{') {
        if (depth >= 1) value_error("Max string recursion exceeded");
        std::size_t e = spec.find(U'}', s);
        if (e == std::u32string::npos) value_error("unmatched '{' in format spec");
        spec_text += render_field(spec.substr(s + 1, e - s - 1), depth + 1);
        s = e;
      } else {
        py::append_utf8(spec_text, spec[s]);
      }
    }
    return format_value(value, spec_text);
  };
  std::size_t i = 0;
  while (i < f.size()) {
    char32_t c = f[i];
    if (c == U'{') {
      if (i + 1 < f.size() && f[i + 1] == U'{') {
        out += '{';
        i += 2;
        continue;
      }
      int depth = 1;
      std::size_t j = i + 1;
      while (j < f.size() && depth) {
        if (f[j] == U'{') ++depth;
        else if (f[j] == U'}') --depth;
        if (depth) ++j;
      }
      if (depth) value_error("expected '}' before end of string");
      out += render_field(f.substr(i + 1, j - i - 1), 0);
      interp.check_size(out.size());
      i = j + 1;
    } else if (c == U'}') {
      if (i + 1 < f.size() && f[i + 1] == U'}') {
        out += '}';
        i += 2;
        continue;
      }
      value_error("Single '}' encountered in format string");
    } else {
      py::append_utf8(out, c);
      ++i;
    }
  }
  return out;
}

}  // namespace gauntlet::engine::jinja
