#include "engine/text/jinja/filters.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "engine/text/jinja/args.h"
#include "engine/text/jinja/interpreter.h"
#include "engine/text/jinja/json.h"
#include "engine/text/jinja/py_format.h"
#include "engine/text/jinja/py_number.h"
#include "engine/text/jinja/py_str.h"
#include "engine/text/jinja/tests.h"

namespace gauntlet::engine::jinja {
namespace {

using Filter = std::function<Value(Interpreter&, const Value&, Args)>;

// soft_str: str() unless already a str (Markup stays Markup).
Value soft_str(const Value& v) { return v.is_string() ? v : Value::string(to_str(v)); }
std::string text_of(const Value& v) { return to_str(v); }

Value generator(std::vector<Value> items) { return Value::sequence(std::move(items), SeqKind::kGenerator); }

Value ignore_case(const Value& v) { return v.is_string() ? Value::string(py::lower(v.str())) : v; }

// Jinja2's make_attrgetter: "a.b.0" looked up part by part with getitem (digits as ints).
std::vector<Value> attribute_parts(const Value& attribute) {
  std::vector<Value> parts;
  if (attribute.is_none()) return parts;
  if (attribute.is_string()) {
    for (const auto& part : py::split(attribute.str(), std::string("."), -1)) {
      bool digits = !part.empty();
      for (char c : part) digits = digits && c >= '0' && c <= '9';
      parts.push_back(digits ? Value::integer(std::stoll(part)) : Value::string(part));
    }
    return parts;
  }
  parts.push_back(attribute);
  return parts;
}

std::function<Value(const Value&)> attrgetter(Interpreter& interp, const Value& attribute, bool lower,
                                              std::optional<Value> default_value = std::nullopt) {
  std::vector<Value> parts = attribute_parts(attribute);
  return [&interp, parts, lower, default_value](const Value& item) {
    Value v = item;
    for (const auto& part : parts) {
      v = interp.getitem(v, part);
      if (default_value && !default_value->is_none() && v.is_undefined()) v = *default_value;
    }
    return lower ? ignore_case(v) : v;
  };
}

// Jinja2's make_multi_attrgetter: comma-separated attributes (or none); the key is always the
// list of their values, so keys compare as lists (equal items never reach '<').
std::function<Value(const Value&)> multi_attrgetter(Interpreter& interp, const Value& attribute, bool lower) {
  std::vector<std::function<Value(const Value&)>> getters;
  if (!attribute.is_string()) {
    getters.push_back(attrgetter(interp, attribute, lower));
  } else {
    for (const auto& a : py::split(attribute.str(), std::string(","), -1))
      getters.push_back(attrgetter(interp, Value::string(a), lower));
  }
  return [getters](const Value& item) {
    std::vector<Value> keys;
    for (const auto& g : getters) keys.push_back(g(item));
    return Value::sequence(std::move(keys));
  };
}

void stable_sort_by(std::vector<Value>& items, const std::function<Value(const Value&)>& key, bool reverse) {
  std::vector<std::pair<Value, Value>> keyed;
  for (auto& v : items) keyed.emplace_back(key(v), v);
  // Python's sorted(reverse=True) keeps equal elements in their original order too.
  std::stable_sort(keyed.begin(), keyed.end(), [reverse](const auto& a, const auto& b) {
    return reverse ? py_lt(b.first, a.first) : py_lt(a.first, b.first);
  });
  items.clear();
  for (auto& kv : keyed) items.push_back(std::move(kv.second));
}

bool flag(const BoundArgs& a, std::size_t i, bool fallback = false) { return a.has(i) ? truthy(*a[i]) : fallback; }

std::vector<Value> reversed_items(const Value& v) {
  if (v.is_sequence() && (v.seq().kind == SeqKind::kGenerator || v.seq().kind == SeqKind::kReverse))
    type_error("'" + v.type_name() + "' object is not reversible");
  if (v.is_sequence() && (v.seq().kind == SeqKind::kDictKeys || v.seq().kind == SeqKind::kDictValues ||
                          v.seq().kind == SeqKind::kDictItems)) {
    std::vector<Value> items = v.seq().items;
    std::reverse(items.begin(), items.end());
    return items;
  }
  if (!is_iterable(v)) type_error("'" + v.type_name() + "' object is not reversible");
  std::vector<Value> items = iterate(v);
  std::reverse(items.begin(), items.end());
  return items;
}

Value do_default(Interpreter&, const Value& v, Args args) {
  BoundArgs a("default", std::move(args), {"default_value", "boolean"});
  if (v.is_undefined() || (flag(a, 1) && !truthy(v))) return a.get(0, Value::string(""));
  return v;
}

Value do_length(Interpreter&, const Value& v, Args args) {
  BoundArgs a("length", std::move(args), {});
  return Value::integer(py_len(v));
}

Value do_tojson(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("tojson", std::move(args), {"ensure_ascii", "indent", "separators", "sort_keys"});
  JsonDumpOptions o;
  o.ensure_ascii = flag(a, 0);
  if (a.has(1) && !a[1]->is_none()) {
    const Value& indent = *a[1];
    if (indent.is_int() || indent.is_bool()) o.indent = std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, indent.int_value())), ' ');
    else if (indent.is_string()) o.indent = indent.str();
    else type_error("can't multiply sequence by non-int of type '" + indent.type_name() + "'");
  }
  if (a.has(2) && !a[2]->is_none()) {
    std::vector<Value> seps = iterate(*a[2]);
    if (seps.size() != 2) throw TemplateError(ErrorKind::kType, "separators must be an (item, key) pair");
    o.separators = std::make_pair(to_string_arg(seps[0], "separator must be str"), to_string_arg(seps[1], "separator must be str"));
  }
  o.sort_keys = flag(a, 3);
  std::string out = json_dumps(v, o);
  interp.check_size(out.size());
  return Value::string(std::move(out));
}

Value do_trim(Interpreter&, const Value& v, Args args) {
  BoundArgs a("trim", std::move(args), {"chars"});
  std::optional<std::string> chars;
  if (a.has(0) && !a[0]->is_none()) chars = to_string_arg(*a[0], "strip arg must be None or str");
  return Value::string(py::strip(text_of(v), chars, true, true));
}

Value do_first(Interpreter&, const Value& v, Args args) {
  BoundArgs a("first", std::move(args), {});
  std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined_hint("No first item, sequence was empty.");
  return items.front();
}

Value do_last(Interpreter&, const Value& v, Args args) {
  BoundArgs a("last", std::move(args), {});
  std::vector<Value> items = reversed_items(v);
  if (items.empty()) return Value::undefined_hint("No last item, sequence was empty.");
  return items.front();
}

Value do_join(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("join", std::move(args), {"d", "attribute"});
  std::string sep = text_of(a.get(0, Value::string("")));
  std::function<Value(const Value&)> get = [](const Value& x) { return x; };
  if (a.has(1) && !a[1]->is_none()) get = attrgetter(interp, *a[1], false);
  std::string out;
  bool first = true;
  for (const auto& item : iterate(v)) {
    if (!first) out += sep;
    first = false;
    out += to_str(get(item));
    interp.check_size(out.size());
  }
  return Value::string(std::move(out));
}

Value string_filter(const Value& v, Args args, const char* name, std::string (*fn)(std::string_view)) {
  BoundArgs a(name, std::move(args), {});
  return Value::string(fn(text_of(v)));
}

// Jinja2's title: words start after runs of [-\s({\[<].
std::string jinja_title(const std::string& s) {
  std::u32string in = py::to_u32(s), out;
  auto is_sep = [](char32_t c) { return c == U'-' || c == U'(' || c == U'{' || c == U'[' || c == U'<' || py::is_space(c); };
  std::size_t i = 0;
  while (i < in.size()) {
    std::size_t j = i;
    const bool sep = is_sep(in[i]);
    while (j < in.size() && is_sep(in[j]) == sep) ++j;
    std::u32string item = in.substr(i, j - i);
    if (sep) {
      out += item;
    } else {
      out += py::to_u32(py::upper(py::to_utf8(item.substr(0, 1))));
      out += py::to_u32(py::lower(py::to_utf8(item.substr(1))));
    }
    i = j;
  }
  return py::to_utf8(out);
}

Value do_replace(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("replace", std::move(args), {"old", "new", "count"});
  long count = -1;
  if (a.has(2) && !a[2]->is_none()) count = static_cast<long>(to_index(*a[2], ""));
  std::string out = py::replace(text_of(v), text_of(a.required(0)), text_of(a.required(1)), count);
  interp.check_size(out.size());
  return Value::string(std::move(out));
}

Value do_list(Interpreter&, const Value& v, Args args) {
  BoundArgs a("list", std::move(args), {});
  return Value::sequence(iterate(v));
}

Value do_items(Interpreter&, const Value& v, Args args) {
  BoundArgs a("items", std::move(args), {});
  if (v.is_undefined()) return generator({});
  if (!v.is_dict()) type_error("Can only get item pairs from a mapping.");
  std::vector<Value> out;
  for (const auto& [k, x] : v.dict().items) out.push_back(Value::sequence({k, x}, SeqKind::kTuple));
  return generator(std::move(out));
}

Value do_dictsort(Interpreter&, const Value& v, Args args) {
  BoundArgs a("dictsort", std::move(args), {"case_sensitive", "by", "reverse"});
  if (v.is_undefined()) undefined_error(v);
  if (!v.is_dict()) type_error("'" + v.type_name() + "' object has no attribute 'items'");
  std::string by = a.has(1) ? text_of(*a[1]) : "key";
  if (by != "key" && by != "value") type_error("You can only sort by either \"key\" or \"value\"");
  const bool case_sensitive = flag(a, 0);
  std::vector<Value> items;
  for (const auto& [k, x] : v.dict().items) items.push_back(Value::sequence({k, x}, SeqKind::kTuple));
  const std::size_t pos = by == "key" ? 0 : 1;
  stable_sort_by(items, [&](const Value& item) {
    const Value& x = item.seq().items[pos];
    return case_sensitive ? x : ignore_case(x);
  }, flag(a, 2));
  return Value::sequence(std::move(items));
}

Value do_sort(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("sort", std::move(args), {"reverse", "case_sensitive", "attribute"});
  std::vector<Value> items = iterate(v);
  auto key = multi_attrgetter(interp, a.get(2, Value::none()), !flag(a, 1));
  stable_sort_by(items, key, flag(a, 0));
  return Value::sequence(std::move(items));
}

Value do_unique(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("unique", std::move(args), {"case_sensitive", "attribute"});
  auto key = attrgetter(interp, a.get(1, Value::none()), !flag(a, 0));
  std::vector<Value> seen, out;
  for (const auto& item : iterate(v)) {
    Value k = key(item);
    require_hashable(k);
    bool dup = false;
    for (const auto& s : seen)
      if (py_eq(s, k)) {
        dup = true;
        break;
      }
    if (!dup) {
      seen.push_back(k);
      out.push_back(item);
    }
  }
  return generator(std::move(out));
}

Value min_max(Interpreter& interp, const Value& v, Args args, bool max) {
  BoundArgs a(max ? "max" : "min", std::move(args), {"case_sensitive", "attribute"});
  std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined_hint("No aggregated item, sequence was empty.");
  auto key = attrgetter(interp, a.get(1, Value::none()), !flag(a, 0));
  std::size_t best = 0;
  Value best_key = key(items[0]);
  for (std::size_t i = 1; i < items.size(); ++i) {
    Value k = key(items[i]);
    if (py_order(k, best_key, max ? ">" : "<")) {  // builtin max/min compare item > best / item < best
      best = i;
      best_key = k;
    }
  }
  return items[best];
}

Value do_map(Interpreter& interp, const Value& v, Args args) {
  if (!truthy(v)) return generator({});
  std::function<Value(const Value&)> fn;
  if (args.positional.empty()) {
    std::optional<Value> attribute, default_value;
    for (auto& [k, x] : args.keyword) {
      if (k == "attribute") attribute = x;
      else if (k == "default") default_value = x;
      else type_error("Unexpected keyword argument '" + k + "'");
    }
    if (!attribute) type_error("map requires a filter argument");
    fn = attrgetter(interp, *attribute, false, default_value);
  } else {
    std::string name = text_of(args.positional[0]);
    if (filter_availability(name) != Availability::kImplemented)
      throw TemplateError(filter_availability(name) == Availability::kUnknown ? ErrorKind::kType : ErrorKind::kUnsupported,
                          "No filter named '" + name + "'.");
    Args rest;
    rest.positional.assign(args.positional.begin() + 1, args.positional.end());
    rest.keyword = args.keyword;
    fn = [&interp, name, rest](const Value& item) { return interp.filter(name, item, rest); };
  }
  std::vector<Value> out;
  for (const auto& item : iterate(v)) out.push_back(fn(item));
  return generator(std::move(out));
}

Value select_or_reject(Interpreter& interp, const Value& v, Args args, bool select, bool attr) {
  if (!truthy(v)) return generator({});
  std::size_t off = 0;
  std::function<Value(const Value&)> trans = [](const Value& x) { return x; };
  if (attr) {
    if (args.positional.empty()) type_error("Missing parameter for attribute name");
    trans = attrgetter(interp, args.positional[0], false);
    off = 1;
  }
  std::function<bool(const Value&)> test = [](const Value& x) { return truthy(x); };
  if (args.positional.size() > off) {
    std::string name = text_of(args.positional[off]);
    if (test_availability(name) != Availability::kImplemented)
      throw TemplateError(test_availability(name) == Availability::kUnknown ? ErrorKind::kType : ErrorKind::kUnsupported,
                          "No test named '" + name + "'.");
    Args rest;
    rest.positional.assign(args.positional.begin() + static_cast<std::ptrdiff_t>(off) + 1, args.positional.end());
    rest.keyword = args.keyword;
    test = [&interp, name, rest](const Value& x) { return interp.test(name, x, rest); };
  }
  std::vector<Value> out;
  for (const auto& item : iterate(v))
    if (test(trans(item)) == select) out.push_back(item);
  return generator(std::move(out));
}

Value do_int(Interpreter&, const Value& v, Args args) {
  BoundArgs a("int", std::move(args), {"default", "base"});
  Value fallback = a.get(0, Value::integer(0));
  if (v.is_undefined()) undefined_error(v);
  if (v.is_string()) {
    int base = a.has(1) ? static_cast<int>(to_index(*a[1], "")) : 10;
    if (auto i = py::parse_int(v.str(), base)) return Value::integer(*i);
    if (auto f = py::parse_float(v.str())) {
      if (std::isfinite(*f) && std::fabs(*f) < 9.2e18) return Value::integer(static_cast<std::int64_t>(std::trunc(*f)));
      if (std::isnan(*f) || std::isinf(*f)) return fallback;
    }
    return fallback;
  }
  if (v.is_int() || v.is_bool()) return Value::integer(v.int_value());
  if (v.is_float()) {
    if (!std::isfinite(v.as_float())) return fallback;
    if (std::fabs(v.as_float()) >= 9.2e18) throw TemplateError(ErrorKind::kUnsupported, "integer beyond 64 bits");
    return Value::integer(static_cast<std::int64_t>(std::trunc(v.as_float())));
  }
  return fallback;
}

Value do_float(Interpreter&, const Value& v, Args args) {
  BoundArgs a("float", std::move(args), {"default"});
  if (v.is_undefined()) undefined_error(v);
  if (v.is_number()) return Value::number(v.float_value());
  if (v.is_string())
    if (auto f = py::parse_float(v.str())) return Value::number(*f);
  return a.get(0, Value::number(0.0));
}

Value do_round(Interpreter&, const Value& v, Args args) {
  BoundArgs a("round", std::move(args), {"precision", "method"});
  std::string method = a.has(1) ? text_of(*a[1]) : "common";
  if (method != "common" && method != "ceil" && method != "floor")
    type_error("method must be common, ceil or floor");
  const std::int64_t precision = a.has(0) ? to_index(*a[0], "") : 0;
  if (v.is_undefined()) type_error("type Undefined doesn't define __round__ method");
  if (!v.is_number()) type_error("type " + v.type_name() + " doesn't define __round__ method");
  if (method == "common") {
    if (v.is_int() || v.is_bool()) {
      if (precision >= 0) return Value::integer(v.int_value());
      const std::int64_t p = static_cast<std::int64_t>(std::pow(10.0, static_cast<double>(-precision)));
      if (p == 0) return Value::integer(0);
      std::int64_t x = v.int_value(), q = x / p, r = x % p;
      if (r < 0) {
        r += p;
        --q;
      }
      if (2 * r > p || (2 * r == p && (q & 1))) ++q;
      return Value::integer(q * p);
    }
    return Value::number(py::round_float(v.as_float(), static_cast<int>(precision)));
  }
  const double scale = std::pow(10.0, static_cast<double>(precision));
  const double x = v.float_value() * scale;
  const double r = method == "ceil" ? std::ceil(x) : std::floor(x);
  return Value::number(r / scale);
}

Value do_abs(Interpreter&, const Value& v, Args args) {
  BoundArgs a("abs", std::move(args), {});
  if (v.is_int() || v.is_bool()) {
    if (v.int_value() == INT64_MIN) throw TemplateError(ErrorKind::kUnsupported, "integer beyond 64 bits");
    return Value::integer(std::llabs(v.int_value()));
  }
  if (v.is_float()) return Value::number(std::fabs(v.as_float()));
  type_error("bad operand type for abs(): '" + v.type_name() + "'");
}

Value do_sum(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("sum", std::move(args), {"attribute", "start"});
  Value total = a.get(1, Value::integer(0));
  if (total.is_string()) type_error("sum() can't sum strings [use ''.join(seq) instead]");
  std::function<Value(const Value&)> get = [](const Value& x) { return x; };
  if (a.has(0) && !a[0]->is_none()) get = attrgetter(interp, *a[0], false);
  for (const auto& item : iterate(v)) total = binary_op(BinaryOp::kAdd, total, get(item), interp.limits());
  return total;
}

Value do_batch(Interpreter&, const Value& v, Args args) {
  BoundArgs a("batch", std::move(args), {"linecount", "fill_with"});
  const std::int64_t n = to_index(a.required(0), "");
  std::vector<Value> out, tmp;
  for (const auto& item : iterate(v)) {
    if (static_cast<std::int64_t>(tmp.size()) == n) {
      out.push_back(Value::sequence(std::move(tmp)));
      tmp.clear();
    }
    tmp.push_back(item);
  }
  if (!tmp.empty()) {
    if (a.has(1) && !a[1]->is_none())
      while (static_cast<std::int64_t>(tmp.size()) < n) tmp.push_back(*a[1]);
    out.push_back(Value::sequence(std::move(tmp)));
  }
  return generator(std::move(out));
}

Value do_slice(Interpreter&, const Value& v, Args args) {
  BoundArgs a("slice", std::move(args), {"slices", "fill_with"});
  const std::int64_t slices = to_index(a.required(0), "");
  std::vector<Value> seq = iterate(v);
  if (slices <= 0) {
    if (slices == 0) throw TemplateError(ErrorKind::kType, "integer division or modulo by zero");
    return generator({});
  }
  const std::int64_t length = static_cast<std::int64_t>(seq.size());
  const std::int64_t per = length / slices, extra = length % slices;
  std::int64_t offset = 0;
  std::vector<Value> out;
  for (std::int64_t i = 0; i < slices; ++i) {
    const std::int64_t start = offset + i * per;
    if (i < extra) ++offset;
    const std::int64_t end = offset + (i + 1) * per;
    std::vector<Value> tmp(seq.begin() + start, seq.begin() + end);
    if (a.has(1) && !a[1]->is_none() && i >= extra) tmp.push_back(*a[1]);
    out.push_back(Value::sequence(std::move(tmp)));
  }
  return generator(std::move(out));
}

Value do_groupby(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("groupby", std::move(args), {"attribute", "default", "case_sensitive"});
  std::optional<Value> def;
  if (a.has(1)) def = *a[1];
  const bool case_sensitive = flag(a, 2);
  auto key = attrgetter(interp, a.required(0), !case_sensitive, def);
  auto output_key = attrgetter(interp, a.required(0), false, def);
  std::vector<Value> items = iterate(v);
  stable_sort_by(items, key, false);
  std::vector<Value> out;
  std::size_t i = 0;
  while (i < items.size()) {
    Value k = key(items[i]);
    std::vector<Value> group;
    std::size_t j = i;
    while (j < items.size() && py_eq(key(items[j]), k)) group.push_back(items[j++]);
    Value grouper = case_sensitive ? k : output_key(group.front());
    Sequence pair;
    pair.kind = SeqKind::kTuple;
    pair.group = true;
    pair.items = {grouper, Value::sequence(std::move(group))};
    out.push_back(Value::sequence(std::move(pair)));
    i = j;
  }
  return Value::sequence(std::move(out));
}

Value do_reverse(Interpreter&, const Value& v, Args args) {
  BoundArgs a("reverse", std::move(args), {});
  if (v.is_string()) return Value::string(py::slice(v.str(), std::nullopt, std::nullopt, -1), v.is_markup());
  if (v.is_sequence() && (v.seq().kind == SeqKind::kGenerator || v.seq().kind == SeqKind::kReverse)) {
    std::vector<Value> items = iterate(v);
    std::reverse(items.begin(), items.end());
    return Value::sequence(std::move(items));
  }
  if (!is_iterable(v)) type_error("argument must be iterable");
  return Value::sequence(reversed_items(v), SeqKind::kReverse);
}

Value do_attr(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("attr", std::move(args), {"name"});
  const std::string& name = to_string_arg(a.required(0), "attribute name must be string");
  if (v.is_undefined()) undefined_error(v);
  if (v.is_dict()) {
    // attr() looks up attributes only: dict keys are not attributes.
    Value r = interp.getattr(v, name);
    if (r.is_undefined() || r.is_object()) return r.is_undefined() ? Value::missing_attribute(v, name) : r;
    return Value::missing_attribute(v, name);
  }
  return interp.getattr(v, name);
}

Value do_indent(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("indent", std::move(args), {"width", "first", "blank"});
  if (v.is_undefined()) undefined_error(v);
  std::string indention;
  if (a.has(0) && a[0]->is_string()) indention = a[0]->str();
  else indention = std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, a.has(0) ? to_index(*a[0], "") : 4)), ' ');
  if (!v.is_string()) type_error("unsupported operand type(s) for +=: '" + v.type_name() + "' and 'str'");
  std::string s = v.str() + "\n";
  std::vector<std::string> lines = py::splitlines(s, false);
  std::string rv;
  if (flag(a, 2)) {
    for (std::size_t i = 0; i < lines.size(); ++i) rv += (i ? "\n" + indention : "") + lines[i];
  } else {
    rv = lines.empty() ? "" : lines[0];
    for (std::size_t i = 1; i < lines.size(); ++i) rv += "\n" + (lines[i].empty() ? "" : indention + lines[i]);
  }
  if (flag(a, 1)) rv = indention + rv;
  interp.check_size(rv.size());
  return Value::string(std::move(rv), v.is_markup());
}

Value do_truncate(Interpreter&, const Value& v, Args args) {
  BoundArgs a("truncate", std::move(args), {"length", "killwords", "end", "leeway"});
  const std::int64_t length = a.has(0) ? to_index(*a[0], "") : 255;
  const std::string end = a.has(2) ? text_of(*a[2]) : "...";
  const std::int64_t leeway = a.has(3) && !a[3]->is_none() ? to_index(*a[3], "") : 5;
  const std::int64_t end_len = static_cast<std::int64_t>(py::length(end));
  if (length < end_len) throw TemplateError(ErrorKind::kType, "expected length >= " + std::to_string(end_len) + ", got " + std::to_string(length));
  if (leeway < 0) throw TemplateError(ErrorKind::kType, "expected leeway >= 0, got " + std::to_string(leeway));
  if (py_len(v) <= length + leeway) return v;
  const std::string& s = v.str();
  std::string head = py::slice(s, std::nullopt, static_cast<long>(length - end_len), 1);
  if (flag(a, 1)) return Value::string(head + end);
  return Value::string(py::rsplit(head, std::string(" "), 1).front() + end);
}

Value do_center(Interpreter& interp, const Value& v, Args args) {
  BoundArgs a("center", std::move(args), {"width"});
  const std::int64_t width = a.has(0) ? to_index(*a[0], "") : 80;
  interp.check_size(static_cast<std::size_t>(std::max<std::int64_t>(0, width)));
  return Value::string(py::center(text_of(v), static_cast<long>(width), U' '));
}

Value do_wordcount(Interpreter&, const Value& v, Args args) {
  BoundArgs a("wordcount", std::move(args), {});
  std::int64_t n = 0;
  bool in_word = false;
  for (char32_t c : py::to_u32(text_of(v))) {
    const bool w = c == U'_' || py::is_alpha(c) || py::is_decimal(c) || py::is_digit(c) || py::is_numeric(c);
    if (w && !in_word) ++n;
    in_word = w;
  }
  return Value::integer(n);
}

Value do_format(Interpreter&, const Value& v, Args args) {
  if (!args.positional.empty() && !args.keyword.empty())
    type_error("can't handle positional and keyword arguments at the same time");
  Value s = soft_str(v);
  Value fmt_args;
  if (!args.keyword.empty()) {
    Dict d;
    for (auto& [k, x] : args.keyword) d.set(Value::string(k), x);
    fmt_args = Value::dict(std::move(d));
  } else {
    fmt_args = Value::sequence(std::move(args.positional), SeqKind::kTuple);
  }
  return Value::string(percent_format(s.str(), fmt_args, s.is_markup()), s.is_markup());
}

Value do_escape(Interpreter&, const Value& v, Args args) {
  BoundArgs a("escape", std::move(args), {});
  if (v.is_markup()) return v;
  return Value::string(markup_escape(to_str(v)), true);
}

const std::map<std::string, Filter>& registry() {
  static const std::map<std::string, Filter> filters = [] {
    std::map<std::string, Filter> f;
    f["abs"] = do_abs;
    f["attr"] = do_attr;
    f["batch"] = do_batch;
    f["capitalize"] = [](Interpreter&, const Value& v, Args a) { return string_filter(v, std::move(a), "capitalize", py::capitalize); };
    f["center"] = do_center;
    f["count"] = do_length;
    f["d"] = do_default;
    f["default"] = do_default;
    f["dictsort"] = do_dictsort;
    f["e"] = do_escape;
    f["escape"] = do_escape;
    f["first"] = do_first;
    f["float"] = do_float;
    f["forceescape"] = [](Interpreter&, const Value& v, Args args) {
      BoundArgs a("forceescape", std::move(args), {});
      return Value::string(markup_escape(to_str(v)), true);
    };
    f["format"] = do_format;
    f["groupby"] = do_groupby;
    f["indent"] = do_indent;
    f["int"] = do_int;
    f["items"] = do_items;
    f["join"] = do_join;
    f["last"] = do_last;
    f["length"] = do_length;
    f["list"] = do_list;
    f["lower"] = [](Interpreter&, const Value& v, Args a) { return string_filter(v, std::move(a), "lower", py::lower); };
    f["map"] = do_map;
    f["max"] = [](Interpreter& i, const Value& v, Args a) { return min_max(i, v, std::move(a), true); };
    f["min"] = [](Interpreter& i, const Value& v, Args a) { return min_max(i, v, std::move(a), false); };
    f["reject"] = [](Interpreter& i, const Value& v, Args a) { return select_or_reject(i, v, std::move(a), false, false); };
    f["rejectattr"] = [](Interpreter& i, const Value& v, Args a) { return select_or_reject(i, v, std::move(a), false, true); };
    f["replace"] = do_replace;
    f["reverse"] = do_reverse;
    f["round"] = do_round;
    f["safe"] = [](Interpreter&, const Value& v, Args args) {
      BoundArgs a("safe", std::move(args), {});
      return Value::string(to_str(v), true);
    };
    f["select"] = [](Interpreter& i, const Value& v, Args a) { return select_or_reject(i, v, std::move(a), true, false); };
    f["selectattr"] = [](Interpreter& i, const Value& v, Args a) { return select_or_reject(i, v, std::move(a), true, true); };
    f["slice"] = do_slice;
    f["sort"] = do_sort;
    f["string"] = [](Interpreter&, const Value& v, Args args) {
      BoundArgs a("string", std::move(args), {});
      return soft_str(v);
    };
    f["sum"] = do_sum;
    f["title"] = [](Interpreter&, const Value& v, Args args) {
      BoundArgs a("title", std::move(args), {});
      return Value::string(jinja_title(to_str(v)));
    };
    f["tojson"] = do_tojson;
    f["trim"] = do_trim;
    f["truncate"] = do_truncate;
    f["unique"] = do_unique;
    f["upper"] = [](Interpreter&, const Value& v, Args a) { return string_filter(v, std::move(a), "upper", py::upper); };
    f["wordcount"] = do_wordcount;
    return f;
  }();
  return filters;
}

// Jinja2 3.1 filters this renderer does not run (HTML and text-layout helpers, randomness).
const std::set<std::string> kNotImplemented = {"filesizeformat", "pprint", "random", "striptags", "urlencode",
                                               "urlize", "wordwrap", "xmlattr"};

}  // namespace

Availability filter_availability(const std::string& name) {
  if (registry().count(name)) return Availability::kImplemented;
  if (kNotImplemented.count(name)) return Availability::kNotImplemented;
  return Availability::kUnknown;
}

Value apply_filter(Interpreter& interp, const std::string& name, const Value& value, Args args) {
  auto it = registry().find(name);
  if (it == registry().end()) {
    if (kNotImplemented.count(name)) throw TemplateError(ErrorKind::kUnsupported, "the '" + name + "' filter");
    throw TemplateError(ErrorKind::kType, "No filter named '" + name + "'.");
  }
  return it->second(interp, value, std::move(args));
}

}  // namespace gauntlet::engine::jinja
