#include "engine/text/jinja/methods.h"

#include <set>

#include "engine/text/jinja/args.h"
#include "engine/text/jinja/interpreter.h"
#include "engine/text/jinja/py_format.h"
#include "engine/text/jinja/py_str.h"

namespace gauntlet::engine::jinja {
namespace {

const std::set<std::string> kStrMethods = {
    "capitalize", "center", "count", "endswith", "find", "format", "index", "isalnum", "isalpha", "isascii",
    "isdecimal", "isdigit", "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust",
    "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust",
    "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper",
    "zfill"};
const std::set<std::string> kStrUnsupported = {"casefold", "encode", "expandtabs", "format_map", "isidentifier",
                                               "maketrans", "translate"};
const std::set<std::string> kDictMethods = {"copy", "get", "items", "keys", "values"};
const std::set<std::string> kDictUnsafe = {"clear", "pop", "popitem", "setdefault", "update"};
const std::set<std::string> kListMethods = {"copy", "count", "index"};
const std::set<std::string> kListUnsafe = {"append", "reverse", "insert", "sort", "extend", "remove"};
const std::set<std::string> kListUnsupported = {"pop", "clear"};  // the sandbox allows these two mutations

std::optional<std::string> opt_string(const BoundArgs& a, std::size_t i, const std::string& what) {
  if (!a.has(i) || a[i]->is_none()) return std::nullopt;
  return to_string_arg(*a[i], what);  // what: the whole "... must be str" phrase
}

std::optional<long> opt_index(const BoundArgs& a, std::size_t i) {
  if (!a.has(i) || a[i]->is_none()) return std::nullopt;
  return static_cast<long>(to_index(*a[i], "slice indices must be integers or None"));
}

// startswith/endswith accept a str or a tuple of str.
bool affix_match(const BoundArgs& a, const std::string& s, bool prefix) {
  const Value& what = a.required(0);
  auto one = [&](const Value& v) {
    const std::string& p = to_string_arg(v, std::string("tuple for ") + (prefix ? "startswith" : "endswith") + " must only contain str");
    return prefix ? py::startswith(s, p, opt_index(a, 1), opt_index(a, 2)) : py::endswith(s, p, opt_index(a, 1), opt_index(a, 2));
  };
  if (what.is_tuple()) {
    for (const auto& v : what.seq().items)
      if (one(v)) return true;
    return false;
  }
  if (!what.is_string())
    type_error(std::string(prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str, not " +
               what.type_name());
  return one(what);
}

char32_t fill_char(const BoundArgs& a, std::size_t i) {
  if (!a.has(i)) return U' ';
  const std::string& f = to_string_arg(*a[i], "The fill character must be a unicode character");
  if (py::length(f) != 1) type_error("The fill character must be exactly one character long");
  return py::to_u32(f)[0];
}

Value string_list(std::vector<std::string> parts) {
  std::vector<Value> out;
  for (auto& p : parts) out.push_back(Value::string(std::move(p)));
  return Value::sequence(std::move(out));
}

Value str_method(Interpreter& interp, const Value& self, const std::string& name, Args args);

Value as_markup(const Value& v) {
  if (v.is_string()) return Value::string(v.str(), true);
  if (v.is_sequence() && (v.is_list() || v.is_tuple())) {
    std::vector<Value> items;
    for (const auto& item : v.seq().items) items.push_back(as_markup(item));
    return Value::sequence(std::move(items), v.seq().kind);
  }
  return v;
}

Value escape_arg(const Value& v) { return v.is_string() && !v.is_markup() ? Value::string(markup_escape(v.str()), true) : v; }

// markupsafe.Markup's overrides: the str methods that return text return Markup, most escape
// their str arguments first (split, rsplit and splitlines do not; join escapes the items).
Value markup_method(Interpreter& interp, const Value& self, const std::string& name, Args args) {
  static const std::set<std::string> kEscaping = {"capitalize", "title", "lower", "upper", "replace", "ljust",
                                                  "rjust", "lstrip", "rstrip", "center", "strip", "swapcase",
                                                  "zfill", "partition", "rpartition"};
  const Value plain = Value::string(self.str());
  if (name == "format") throw TemplateError(ErrorKind::kUnsupported, "str.format() on a Markup string (|safe or |escape output)");
  if (name == "join") {
    BoundArgs a("str.join", std::move(args), {"iterable"});
    std::vector<Value> items;
    for (const Value& v : iterate(a.required(0))) items.push_back(v.is_markup() ? v : Value::string(markup_escape(to_str(v)), true));
    Args joined;
    joined.positional.push_back(Value::sequence(std::move(items)));
    return as_markup(str_method(interp, plain, name, std::move(joined)));
  }
  if (kEscaping.count(name)) {
    for (auto& v : args.positional) v = escape_arg(v);
    for (auto& kv : args.keyword) kv.second = escape_arg(kv.second);
    return as_markup(str_method(interp, plain, name, std::move(args)));
  }
  if (name == "split" || name == "rsplit" || name == "splitlines") return as_markup(str_method(interp, plain, name, std::move(args)));
  return str_method(interp, plain, name, std::move(args));
}

Value str_method(Interpreter& interp, const Value& self, const std::string& name, Args args) {
  if (self.is_markup()) return markup_method(interp, self, name, std::move(args));
  const std::string& s = self.str();
  auto bind = [&](std::initializer_list<const char*> params) { return BoundArgs("str." + name, std::move(args), params); };
  auto no_args = [&] { bind({}); };
  if (name == "format") return Value::string(str_format(interp, s, args));
  if (name == "upper") return no_args(), Value::string(py::upper(s));
  if (name == "lower") return no_args(), Value::string(py::lower(s));
  if (name == "title") return no_args(), Value::string(py::title(s));
  if (name == "capitalize") return no_args(), Value::string(py::capitalize(s));
  if (name == "swapcase") return no_args(), Value::string(py::swapcase(s));
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    BoundArgs a = bind({"chars"});
    return Value::string(py::strip(s, opt_string(a, 0, name + " arg must be None or str"), name != "rstrip", name != "lstrip"));
  }
  if (name == "split" || name == "rsplit") {
    BoundArgs a = bind({"sep", "maxsplit"});
    auto sep = opt_string(a, 0, "must be str or None");
    if (sep && sep->empty()) throw TemplateError(ErrorKind::kType, "empty separator");
    long maxsplit = a.has(1) ? static_cast<long>(to_index(*a[1], "")) : -1;
    return string_list(name == "split" ? py::split(s, sep, maxsplit) : py::rsplit(s, sep, maxsplit));
  }
  if (name == "splitlines") {
    BoundArgs a = bind({"keepends"});
    return string_list(py::splitlines(s, a.has(0) && truthy(*a[0])));
  }
  if (name == "startswith" || name == "endswith") {
    BoundArgs a = bind({"prefix", "start", "end"});
    return Value::boolean(affix_match(a, s, name == "startswith"));
  }
  if (name == "find" || name == "rfind" || name == "index" || name == "rindex" || name == "count") {
    BoundArgs a = bind({"sub", "start", "end"});
    const std::string& sub = to_string_arg(a.required(0), "must be str");
    if (name == "count") return Value::integer(py::count(s, sub, opt_index(a, 1), opt_index(a, 2)));
    long r = (name == "find" || name == "index") ? py::find(s, sub, opt_index(a, 1), opt_index(a, 2))
                                                 : py::rfind(s, sub, opt_index(a, 1), opt_index(a, 2));
    if (r < 0 && (name == "index" || name == "rindex")) throw TemplateError(ErrorKind::kType, "substring not found");
    return Value::integer(r);
  }
  if (name == "replace") {
    BoundArgs a = bind({"old", "new", "count"});
    long count = a.has(2) ? static_cast<long>(to_index(*a[2], "")) : -1;
    return Value::string(py::replace(s, to_string_arg(a.required(0), "replace() argument 1 must be str"),
                                     to_string_arg(a.required(1), "replace() argument 2 must be str"), count));
  }
  if (name == "join") {
    BoundArgs a = bind({"iterable"});
    std::string out;
    std::size_t i = 0;
    for (const Value& v : iterate(a.required(0))) {
      if (!v.is_string())
        type_error("sequence item " + std::to_string(i) + ": expected str instance, " + v.type_name() + " found");
      if (i++) out += s;
      out += v.str();
      interp.check_size(out.size());
    }
    return Value::string(std::move(out));
  }
  if (name == "center" || name == "ljust" || name == "rjust") {
    BoundArgs a = bind({"width", "fillchar"});
    long width = static_cast<long>(to_index(a.required(0), ""));
    interp.check_size(static_cast<std::size_t>(std::max(0L, width)));
    char32_t fill = fill_char(a, 1);
    return Value::string(name == "center" ? py::center(s, width, fill) : name == "ljust" ? py::ljust(s, width, fill)
                                                                                         : py::rjust(s, width, fill));
  }
  if (name == "zfill") {
    BoundArgs a = bind({"width"});
    long width = static_cast<long>(to_index(a.required(0), ""));
    interp.check_size(static_cast<std::size_t>(std::max(0L, width)));
    return Value::string(py::zfill(s, width));
  }
  if (name == "partition" || name == "rpartition") {
    BoundArgs a = bind({"sep"});
    const std::string& sep = to_string_arg(a.required(0), "must be str");
    if (sep.empty()) throw TemplateError(ErrorKind::kType, "empty separator");
    std::size_t at = name == "partition" ? s.find(sep) : s.rfind(sep);
    std::vector<Value> parts;
    if (at == std::string::npos) {
      if (name == "partition") parts = {Value::string(s), Value::string(""), Value::string("")};
      else parts = {Value::string(""), Value::string(""), Value::string(s)};
    } else {
      parts = {Value::string(s.substr(0, at)), Value::string(sep), Value::string(s.substr(at + sep.size()))};
    }
    return Value::sequence(std::move(parts), SeqKind::kTuple);
  }
  if (name == "removeprefix" || name == "removesuffix") {
    BoundArgs a = bind({"affix"});
    const std::string& p = to_string_arg(a.required(0), name + "() argument must be str");
    if (name == "removeprefix") return Value::string(s.compare(0, p.size(), p) == 0 ? s.substr(p.size()) : s);
    return Value::string(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0
                             ? s.substr(0, s.size() - p.size()) : s);
  }
  no_args();
  if (name == "isalnum") return Value::boolean(py::str_isalnum(s));
  if (name == "isalpha") return Value::boolean(py::str_isalpha(s));
  if (name == "isascii") return Value::boolean(py::is_ascii(s));
  if (name == "isdecimal") return Value::boolean(py::str_isdecimal(s));
  if (name == "isdigit") return Value::boolean(py::str_isdigit(s));
  if (name == "islower") return Value::boolean(py::str_islower(s));
  if (name == "isnumeric") return Value::boolean(py::str_isnumeric(s));
  if (name == "isspace") return Value::boolean(py::str_isspace(s));
  if (name == "istitle") return Value::boolean(py::str_istitle(s));
  if (name == "isupper") return Value::boolean(py::str_isupper(s));
  if (name == "isprintable") {
    for (char32_t c : py::to_u32(s))
      if (!py::is_printable(c)) return Value::boolean(false);
    return Value::boolean(true);
  }
  throw TemplateError(ErrorKind::kUnsupported, "str." + name + "()");
}

Value dict_method(const Value& self, const std::string& name, Args args) {
  const Dict& d = self.dict();
  if (name == "get") {
    BoundArgs a("dict.get", std::move(args), {"key", "default"});
    const Value& key = a.required(0);
    require_hashable(key);
    if (const Value* v = d.find(key)) return *v;
    return a.get(1, Value::none());
  }
  BoundArgs("dict." + name, std::move(args), {});
  std::vector<Value> out;
  if (name == "copy") return Value::dict(d);
  for (const auto& [k, v] : d.items) {
    if (name == "keys") out.push_back(k);
    else if (name == "values") out.push_back(v);
    else out.push_back(Value::sequence({k, v}, SeqKind::kTuple));
  }
  return Value::sequence(std::move(out), name == "keys" ? SeqKind::kDictKeys : name == "values" ? SeqKind::kDictValues
                                                                                                 : SeqKind::kDictItems);
}

Value seq_method(const Value& self, const std::string& name, Args args) {
  const Sequence& s = self.seq();
  if (name == "copy") {
    BoundArgs("list.copy", std::move(args), {});
    return Value::sequence(s.items, SeqKind::kList);
  }
  if (name == "count") {
    BoundArgs a(self.type_name() + ".count", std::move(args), {"value"});
    std::int64_t n = 0;
    for (const auto& v : s.items) n += py_eq(v, a.required(0));
    return Value::integer(n);
  }
  BoundArgs a(self.type_name() + ".index", std::move(args), {"value", "start", "stop"});
  const long len = static_cast<long>(s.items.size());
  long b, e;
  py::slice_bounds(len, a.has(1) ? std::optional<long>(to_index(*a[1], "")) : std::nullopt,
                   a.has(2) ? std::optional<long>(to_index(*a[2], "")) : std::nullopt, 1, b, e);
  for (long i = b; i < e && i < len; ++i)
    if (py_eq(s.items[static_cast<std::size_t>(i)], a.required(0))) return Value::integer(i);
  throw TemplateError(ErrorKind::kType, repr(a.required(0)) + " is not in " + self.type_name());
}

}  // namespace

MethodKind method_kind(const Value& self, const std::string& name) {
  if (self.is_string()) {
    if (kStrMethods.count(name)) return MethodKind::kSafe;
    if (kStrUnsupported.count(name)) return MethodKind::kUnsupported;
    return MethodKind::kNone;
  }
  if (self.is_dict()) {
    if (kDictMethods.count(name)) return MethodKind::kSafe;
    if (kDictUnsafe.count(name)) return MethodKind::kUnsafe;
    if (name == "fromkeys") return MethodKind::kUnsupported;
    return MethodKind::kNone;
  }
  if (self.is_list()) {
    if (kListMethods.count(name)) return MethodKind::kSafe;
    if (kListUnsafe.count(name)) return MethodKind::kUnsafe;
    if (kListUnsupported.count(name)) return MethodKind::kUnsupported;
    return MethodKind::kNone;
  }
  if (self.is_tuple() || (self.is_sequence() && self.seq().kind == SeqKind::kRange)) {
    if (name == "count" || name == "index") return MethodKind::kSafe;
    return MethodKind::kNone;
  }
  return MethodKind::kNone;
}

Value call_method(Interpreter& interp, const Value& self, const std::string& name, Args args) {
  if (self.is_string()) return str_method(interp, self, name, std::move(args));
  if (self.is_dict()) return dict_method(self, name, std::move(args));
  if (self.is_sequence()) return seq_method(self, name, std::move(args));
  type_error("'" + self.type_name() + "' object has no attribute '" + name + "'");
}

}  // namespace gauntlet::engine::jinja
