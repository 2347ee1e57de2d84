#include "engine/text/jinja/json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/text/jinja/py_str.h"

namespace gauntlet::engine::jinja {
namespace {

void encode_string(std::string& out, const std::string& s, bool ensure_ascii) {
  out += '"';
  char buf[16];
  for (char32_t c : py::to_u32(s)) {
    switch (c) {
      case U'"': out += "\\\""; continue;
      case U'\\': out += "\\\\"; continue;
      case U'\n': out += "\\n"; continue;
      case U'\r': out += "\\r"; continue;
      case U'\t': out += "\\t"; continue;
      case U'\b': out += "\\b"; continue;
      case U'\f': out += "\\f"; continue;
      default: break;
    }
    if (c < 0x20) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else if (ensure_ascii && c > 0x7E) {
      if (c > 0xFFFF) {
        const std::uint32_t v = static_cast<std::uint32_t>(c) - 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      }
      out += buf;
    } else {
      py::append_utf8(out, c);
    }
  }
  out += '"';
}

std::string float_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  return format_float(d);
}

struct Encoder {
  const JsonDumpOptions& o;
  std::string item_sep, key_sep;
  std::string out;

  [[noreturn]] void not_serializable(const Value& v) {
    type_error("Object of type " + v.type_name() + " is not JSON serializable");
  }

  void newline(int level) {
    out += '\n';
    for (int i = 0; i < level; ++i) out += *o.indent;
  }

  std::string key_text(const Value& k) {
    if (k.is_string()) return k.str();
    if (k.is_float()) return float_json(k.as_float());
    if (k.is_bool()) return k.as_bool() ? "true" : "false";
    if (k.is_int()) return std::to_string(k.as_int());
    if (k.is_none()) return "null";
    type_error("keys must be str, int, float, bool or None, not " + k.type_name());
  }

  void encode(const Value& v, int level) {
    if (v.is_none()) out += "null";
    else if (v.is_bool()) out += v.as_bool() ? "true" : "false";
    else if (v.is_int()) out += std::to_string(v.as_int());
    else if (v.is_float()) out += float_json(v.as_float());
    else if (v.is_string()) encode_string(out, v.str(), o.ensure_ascii);
    else if (v.is_list() || v.is_tuple()) encode_list(v.seq().items, level);
    else if (v.is_dict()) encode_dict(v.dict(), level);
    else not_serializable(v);
  }

  void encode_list(const std::vector<Value>& items, int level) {
    if (items.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += item_sep;
      if (o.indent) newline(level + 1);
      encode(items[i], level + 1);
    }
    if (o.indent) newline(level);
    out += ']';
  }

  void encode_dict(const Dict& d, int level) {
    if (d.items.empty()) {
      out += "{}";
      return;
    }
    std::vector<const std::pair<Value, Value>*> items;
    for (const auto& kv : d.items) items.push_back(&kv);
    if (o.sort_keys)
      std::stable_sort(items.begin(), items.end(), [](const auto* a, const auto* b) { return py_lt(a->first, b->first); });
    out += '{';
    bool first = true;
    for (const auto* kv : items) {
      std::string key = key_text(kv->first);
      if (!first) out += item_sep;
      first = false;
      if (o.indent) newline(level + 1);
      encode_string(out, key, o.ensure_ascii);
      out += key_sep;
      encode(kv->second, level + 1);
    }
    if (o.indent) newline(level);
    out += '}';
  }
};

}  // namespace

Value value_from_json(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return Value::none();
    case nlohmann::ordered_json::value_t::boolean: return Value::boolean(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value::integer(j.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: {
      const auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX))
        throw TemplateError(ErrorKind::kUnsupported, "integer " + std::to_string(u) + " does not fit in 64 bits");
      return Value::integer(static_cast<std::int64_t>(u));
    }
    case nlohmann::ordered_json::value_t::number_float: return Value::number(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value::string(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& x : j) items.push_back(value_from_json(x));
      return Value::sequence(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      Dict d;
      d.items.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it) d.items.emplace_back(Value::string(it.key()), value_from_json(it.value()));
      return Value::dict(std::move(d));
    }
    default: throw TemplateError(ErrorKind::kUnsupported, "binary JSON values");
  }
}

std::string json_dumps(const Value& value, const JsonDumpOptions& options) {
  Encoder e{options, "", "", ""};
  if (options.separators) {
    e.item_sep = options.separators->first;
    e.key_sep = options.separators->second;
  } else {
    e.item_sep = options.indent ? "," : ", ";
    e.key_sep = ": ";
  }
  e.encode(value, 0);
  return std::move(e.out);
}

}  // namespace gauntlet::engine::jinja
