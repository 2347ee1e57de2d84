#include "engine/text/jinja/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "engine/text/jinja/py_str.h"

namespace gauntlet::engine::jinja {
namespace {

const Undefined& plain_undefined() {
  static const Undefined u;
  return u;
}

// Python's object_type_repr: "None" or "<type> object" (with the module for Jinja2's own types).
std::string object_type_repr(const Value& v) {
  if (v.is_none()) return "None";
  std::string t = v.type_name();
  if (t == "Namespace") return "jinja2.utils.Namespace object";
  if (t == "LoopContext") return "jinja2.runtime.LoopContext object";
  if (t == "Macro") return "jinja2.runtime.Macro object";
  if (t == "Undefined") return "jinja2.runtime.Undefined object";
  return t + " object";
}

std::string join_repr(const std::vector<Value>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += repr(items[i]);
  }
  return out;
}

std::string sequence_repr(const Sequence& s) {
  switch (s.kind) {
    case SeqKind::kList: return "[" + join_repr(s.items) + "]";
    case SeqKind::kTuple: return "(" + join_repr(s.items) + (s.items.size() == 1 ? ",)" : ")");
    case SeqKind::kRange:
      return "range(" + std::to_string(s.range_start) + ", " + std::to_string(s.range_stop) +
             (s.range_step != 1 ? ", " + std::to_string(s.range_step) : "") + ")";
    case SeqKind::kDictKeys: return "dict_keys([" + join_repr(s.items) + "])";
    case SeqKind::kDictValues: return "dict_values([" + join_repr(s.items) + "])";
    case SeqKind::kDictItems: return "dict_items([" + join_repr(s.items) + "])";
    case SeqKind::kGenerator:
      throw TemplateError(ErrorKind::kUnsupported,
                          "printing a generator (Jinja2 prints its memory address); apply |list first");
    case SeqKind::kReverse:
      throw TemplateError(ErrorKind::kUnsupported,
                          "printing a reverse iterator (Jinja2 prints its memory address); apply |list first");
  }
  return "";
}

std::string dict_repr(const Dict& d) {
  std::string out = "{";
  for (std::size_t i = 0; i < d.items.size(); ++i) {
    if (i) out += ", ";
    out += repr(d.items[i].first) + ": " + repr(d.items[i].second);
  }
  return out + "}";
}

bool sequence_eq(const Sequence& a, const Sequence& b) {
  if (a.items.size() != b.items.size()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (!py_eq(a.items[i], b.items[i])) return false;
  return true;
}

bool contains_all(const std::vector<Value>& haystack, const std::vector<Value>& needles) {
  for (const auto& n : needles) {
    bool found = false;
    for (const auto& h : haystack)
      if (py_eq(n, h)) {
        found = true;
        break;
      }
    if (!found) return false;
  }
  return true;
}

}  // namespace

void type_error(const std::string& message) { throw TemplateError(ErrorKind::kType, message); }

void undefined_error(const Value& v) { throw TemplateError(v.undef().error, v.undef().message()); }

std::string Undefined::message() const {
  if (!hint.empty()) return hint;
  if (!has_object) return py::repr(name) + " is undefined";
  if (!name_is_string) return object_type + " has no element " + name;
  return py::repr(object_type) + " has no attribute " + py::repr(name);
}

const Value* Dict::find(const Value& key) const {
  if (key.is_string()) return find(key.str());
  for (const auto& [k, v] : items)
    if (py_eq(k, key)) return &v;
  return nullptr;
}

const Value* Dict::find(const std::string& key) const {
  for (const auto& [k, v] : items)
    if (k.is_string() && k.str() == key) return &v;
  return nullptr;
}

void Dict::set(Value key, Value value) {
  for (auto& [k, v] : items)
    if (py_eq(k, key)) {
      v = std::move(value);
      return;
    }
  items.emplace_back(std::move(key), std::move(value));
}

Value Object::getattr(const std::string& name) const {
  Undefined u;
  u.name = name;
  u.has_object = true;
  u.object_type = type_name() == "Namespace" ? "jinja2.utils.Namespace object" : type_name() + " object";
  return Value::undefined_hint(u.message());
}

Value Object::call(Interpreter&, Args) { type_error("'" + type_name() + "' object is not callable"); }

Value Value::undefined(std::string name) {
  Undefined u;
  u.name = std::move(name);
  return Value(UndefPtr(std::make_shared<const Undefined>(std::move(u))));
}

Value Value::undefined_hint(std::string hint, ErrorKind error) {
  Undefined u;
  u.hint = std::move(hint);
  u.error = error;
  return Value(UndefPtr(std::make_shared<const Undefined>(std::move(u))));
}

Value Value::missing_attribute(const Value& object, std::string name) {
  Undefined u;
  u.name = std::move(name);
  u.has_object = true;
  u.object_type = object_type_repr(object);
  return Value(UndefPtr(std::make_shared<const Undefined>(std::move(u))));
}

Value Value::missing_item(const Value& object, const Value& key) {
  Undefined u;
  u.has_object = true;
  u.object_type = object_type_repr(object);
  if (key.is_string()) {
    u.name = key.str();
  } else {
    u.name = repr(key);
    u.name_is_string = false;
  }
  return Value(UndefPtr(std::make_shared<const Undefined>(std::move(u))));
}

Value Value::missing_item_repr(const Value& object, std::string key_repr) {
  Undefined u;
  u.has_object = true;
  u.object_type = object_type_repr(object);
  u.name = std::move(key_repr);
  u.name_is_string = false;
  return Value(UndefPtr(std::make_shared<const Undefined>(std::move(u))));
}

Value Value::sequence(std::vector<Value> items, SeqKind kind) {
  Sequence s;
  s.items = std::move(items);
  s.kind = kind;
  return sequence(std::move(s));
}

Value Value::sequence(Sequence seq) { return Value(SeqPtr(std::make_shared<const Sequence>(std::move(seq)))); }

Value Value::dict(Dict d) { return Value(DictPtr(std::make_shared<const Dict>(std::move(d)))); }

const Undefined& Value::undef() const {
  const auto& p = std::get<UndefPtr>(v_);
  return p ? *p : plain_undefined();
}

std::string Value::type_name() const {
  switch (v_.index()) {
    case 0: return "Undefined";
    case 1: return "NoneType";
    case 2: return "bool";
    case 3: return "int";
    case 4: return "float";
    case 5: return is_markup() ? "Markup" : "str";
    case 6:
      switch (seq().kind) {
        case SeqKind::kList: return "list";
        case SeqKind::kTuple: return "tuple";
        case SeqKind::kRange: return "range";
        case SeqKind::kGenerator: return "generator";
        case SeqKind::kDictKeys: return "dict_keys";
        case SeqKind::kDictValues: return "dict_values";
        case SeqKind::kDictItems: return "dict_items";
        case SeqKind::kReverse: return "list_reverseiterator";
      }
      return "list";
    case 7: return "dict";
    default: return obj()->type_name();
  }
}

bool truthy(const Value& v) {
  if (v.is_undefined() || v.is_none()) return false;
  if (v.is_bool()) return v.as_bool();
  if (v.is_int()) return v.as_int() != 0;
  if (v.is_float()) return v.as_float() != 0.0;
  if (v.is_string()) return !v.str().empty();
  if (v.is_sequence()) {
    const Sequence& s = v.seq();
    if (s.kind == SeqKind::kGenerator || s.kind == SeqKind::kReverse) return true;  // iterators are always true
    return !s.items.empty();
  }
  if (v.is_dict()) return !v.dict().items.empty();
  return true;
}

bool py_eq(const Value& a, const Value& b) {
  if (a.is_undefined() || b.is_undefined()) return a.is_undefined() && b.is_undefined();
  if (a.is_none() || b.is_none()) return a.is_none() && b.is_none();
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.float_value() == b.float_value();
    return a.int_value() == b.int_value();
  }
  if (a.is_string() && b.is_string()) return a.str() == b.str();
  if (a.is_sequence() && b.is_sequence()) {
    const Sequence& x = a.seq();
    const Sequence& y = b.seq();
    if (a.seq_ptr() == b.seq_ptr()) return true;
    auto plain = [](SeqKind k) { return k == SeqKind::kList || k == SeqKind::kTuple || k == SeqKind::kRange; };
    if (plain(x.kind) && x.kind == y.kind) return sequence_eq(x, y);
    if ((x.kind == SeqKind::kDictKeys || x.kind == SeqKind::kDictItems) && x.kind == y.kind)
      return x.items.size() == y.items.size() && contains_all(y.items, x.items);
    return false;
  }
  if (a.is_dict() && b.is_dict()) {
    const Dict& x = a.dict();
    const Dict& y = b.dict();
    if (x.items.size() != y.items.size()) return false;
    for (const auto& [k, v] : x.items) {
      const Value* other = y.find(k);
      if (!other || !py_eq(v, *other)) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) return a.obj() == b.obj();
  return false;
}

namespace {
template <typename T>
bool order(const T& x, const T& y, std::string_view op) {
  if (op == "<") return x < y;
  if (op == "<=") return x <= y;
  if (op == ">") return x > y;
  return x >= y;
}
}  // namespace

bool py_order(const Value& a, const Value& b, std::string_view op) {
  if (a.is_undefined()) undefined_error(a);
  if (b.is_undefined()) undefined_error(b);
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return order(a.float_value(), b.float_value(), op);
    return order(a.int_value(), b.int_value(), op);
  }
  if (a.is_string() && b.is_string()) return order(a.str(), b.str(), op);
  if (a.is_sequence() && b.is_sequence() && a.seq().kind == b.seq().kind &&
      (a.seq().kind == SeqKind::kList || a.seq().kind == SeqKind::kTuple)) {
    // Python compares the first items that differ with the same operator, else the lengths.
    const auto& x = a.seq().items;
    const auto& y = b.seq().items;
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (py_eq(x[i], y[i])) continue;
      return py_order(x[i], y[i], op);
    }
    return order(x.size(), y.size(), op);
  }
  type_error("'" + std::string(op) + "' not supported between instances of '" + a.type_name() + "' and '" +
             b.type_name() + "'");
}

bool py_lt(const Value& a, const Value& b) { return py_order(a, b, "<"); }

bool is_hashable(const Value& v) {
  if (v.is_sequence()) {
    const Sequence& s = v.seq();
    if (s.kind == SeqKind::kTuple) {
      for (const auto& x : s.items)
        if (!is_hashable(x)) return false;
      return true;
    }
    return s.kind == SeqKind::kRange || s.kind == SeqKind::kGenerator || s.kind == SeqKind::kReverse;
  }
  return !v.is_dict();
}

void require_hashable(const Value& v) {
  if (is_hashable(v)) return;
  if (v.is_sequence() && v.seq().kind == SeqKind::kTuple)
    for (const auto& x : v.seq().items) require_hashable(x);
  type_error("unhashable type: '" + v.type_name() + "'");
}

std::string format_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  // sci = [-]D[.DDD]e(+|-)XX
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  std::size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  int exponent = std::stoi(sci.substr(e + 1));
  int decpt = exponent + 1;
  std::string out = negative ? "-" : "";
  if (decpt > 16 || decpt < -3) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += eb;
  } else if (decpt <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
  } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
    out += digits + std::string(static_cast<std::size_t>(decpt) - digits.size(), '0') + ".0";
  } else {
    out += digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
  }
  return out;
}

std::string to_str(const Value& v) {
  if (v.is_undefined()) {
    // An unsupported method prints as its address in Jinja2: refuse rather than print nothing.
    if (v.undef().error == ErrorKind::kUnsupported) undefined_error(v);
    return "";
  }
  if (v.is_string()) return v.str();
  if (v.is_object()) {
    auto r = v.obj()->repr();
    if (!r) throw TemplateError(ErrorKind::kUnsupported, "printing a " + v.type_name() +
                                                             " object (Jinja2 prints its memory address)");
    return *r;
  }
  return repr(v);
}

std::string repr(const Value& v) {
  if (v.is_undefined()) return "Undefined";
  if (v.is_none()) return "None";
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_float()) return format_float(v.as_float());
  if (v.is_string()) return v.is_markup() ? "Markup(" + py::repr(v.str()) + ")" : py::repr(v.str());
  if (v.is_sequence()) return sequence_repr(v.seq());
  if (v.is_dict()) return dict_repr(v.dict());
  return to_str(v);
}

bool same_object(const Value& a, const Value& b) {
  if (a.is_undefined() || b.is_undefined()) return false;
  if (a.is_sequence() && b.is_sequence()) return a.seq_ptr() == b.seq_ptr();
  if (a.is_dict() && b.is_dict()) return a.dict_ptr() == b.dict_ptr();
  if (a.is_object() && b.is_object()) return a.obj() == b.obj();
  if (a.is_bool() != b.is_bool() || a.is_int() != b.is_int() || a.is_float() != b.is_float()) return false;
  return (a.is_none() && b.is_none()) || ((a.is_number() || a.is_string()) && py_eq(a, b));
}

std::vector<Value> iterate(const Value& v) {
  if (v.is_undefined()) return {};
  if (v.is_string()) {
    std::vector<Value> out;
    const std::string& s = v.str();
    for (std::size_t i = 0; i < s.size();) {
      std::size_t n = 1;
      while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
      out.push_back(Value::string(s.substr(i, n)));
      i += n;
    }
    return out;
  }
  if (v.is_sequence()) {
    const Sequence& s = v.seq();
    if (s.kind == SeqKind::kGenerator || s.kind == SeqKind::kReverse) {
      if (s.consumed) return {};
      s.consumed = true;
    }
    return s.items;
  }
  if (v.is_dict()) {
    std::vector<Value> out;
    for (const auto& kv : v.dict().items) out.push_back(kv.first);
    return out;
  }
  type_error("'" + v.type_name() + "' object is not iterable");
}

bool is_iterable(const Value& v) { return v.is_undefined() || v.is_string() || v.is_sequence() || v.is_dict(); }

std::int64_t py_len(const Value& v) {
  if (v.is_undefined()) return 0;
  if (v.is_string()) return static_cast<std::int64_t>(py::length(v.str()));
  if (v.is_sequence()) {
    const Sequence& s = v.seq();
    if (s.kind == SeqKind::kGenerator || s.kind == SeqKind::kReverse)
      type_error("object of type '" + v.type_name() + "' has no len()");
    return static_cast<std::int64_t>(s.items.size());
  }
  if (v.is_dict()) return static_cast<std::int64_t>(v.dict().items.size());
  if (v.is_object())
    if (auto n = v.obj()->length()) return *n;
  type_error("object of type '" + v.type_name() + "' has no len()");
}

}  // namespace gauntlet::engine::jinja
