#pragma once
// Value: a Python object as a Jinja2 template sees it. None, bool, int (64-bit; overflow is an
// error), float, str (UTF-8, optionally Markup), list-like sequences (list, tuple, range, dict
// views, one-shot generators), dict (insertion-ordered, any hashable keys), objects (namespace,
// loop, macros, bound methods, builtins) and Jinja2's default Undefined. Containers are immutable
// once built (the sandbox forbids mutating them) and shared; only namespaces change.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/text/jinja/error.h"

namespace gauntlet::engine::jinja {

class Value;
class Interpreter;

enum class SeqKind : std::uint8_t {
  kList,
  kTuple,
  kRange,       // printed as range(start, stop[, step])
  kGenerator,   // a one-shot iterator (map, select, ...): printing it is unsupported
  kDictKeys,    // dict_keys([...])
  kDictValues,  // dict_values([...])
  kDictItems,   // dict_items([...])
  kReverse,     // list_reverseiterator: printing it is unsupported
};

struct Sequence {
  std::vector<Value> items;
  SeqKind kind = SeqKind::kList;
  std::int64_t range_start = 0, range_stop = 0, range_step = 1;
  mutable bool consumed = false;  // generators: iterated once already
  bool group = false;             // groupby's (grouper, list) tuple: .grouper and .list attributes
};

struct Dict {
  std::vector<std::pair<Value, Value>> items;  // insertion order
  const Value* find(const Value& key) const;
  const Value* find(const std::string& key) const;
  void set(Value key, Value value);  // replaces an equal key in place
};

struct Undefined {
  std::string hint;          // explicit message
  std::string name;          // the missing name / attribute / item (repr'd in messages)
  std::string object_type;   // "dict object", "None", ... when a lookup on an object failed
  bool name_is_string = true;
  bool has_object = false;
  ErrorKind error = ErrorKind::kUndefined;  // kSecurity for unsafe attributes
  std::string message() const;
};

struct Args {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;
};

// Objects other than plain data: their Python type name, attributes, calls and repr.
class Object {
 public:
  virtual ~Object() = default;
  virtual std::string type_name() const = 0;
  // Python's repr(); nullopt when Python's would show a memory address (printing it is unsupported).
  virtual std::optional<std::string> repr() const { return std::nullopt; }
  // Attribute lookup; an Undefined value when missing.
  virtual Value getattr(const std::string& name) const;
  virtual bool callable() const { return false; }
  virtual Value call(Interpreter& interp, Args args);
  // len(x) for objects that have one (the loop object).
  virtual std::optional<std::int64_t> length() const { return std::nullopt; }
};

class Value {
 public:
  struct None {};
  struct Str {
    std::string text;
    bool markup = false;
  };
  using SeqPtr = std::shared_ptr<const Sequence>;
  using DictPtr = std::shared_ptr<const Dict>;
  using ObjPtr = std::shared_ptr<Object>;
  using UndefPtr = std::shared_ptr<const Undefined>;

  Value() : v_(UndefPtr()) {}  // a plain Undefined
  static Value undefined(std::string name);
  static Value undefined_hint(std::string hint, ErrorKind error = ErrorKind::kUndefined);
  static Value missing_attribute(const Value& object, std::string name);
  static Value missing_item(const Value& object, const Value& key);
  static Value missing_item_repr(const Value& object, std::string key_repr);  // a key shown as key_repr
  static Value none() { return Value(None{}); }
  static Value boolean(bool b) { return Value(b); }
  static Value integer(std::int64_t i) { return Value(i); }
  static Value number(double d) { return Value(d); }
  static Value string(std::string s, bool markup = false) { return Value(Str{std::move(s), markup}); }
  static Value sequence(std::vector<Value> items, SeqKind kind = SeqKind::kList);
  static Value sequence(Sequence seq);
  static Value dict(Dict d);
  static Value object(ObjPtr o) { return Value(std::move(o)); }

  bool is_undefined() const { return std::holds_alternative<UndefPtr>(v_); }
  bool is_none() const { return std::holds_alternative<None>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(v_); }  // not bool
  bool is_float() const { return std::holds_alternative<double>(v_); }
  bool is_number() const { return is_bool() || is_int() || is_float(); }  // numbers.Number
  bool is_string() const { return std::holds_alternative<Str>(v_); }
  bool is_markup() const { return is_string() && std::get<Str>(v_).markup; }
  bool is_sequence() const { return std::holds_alternative<SeqPtr>(v_); }
  bool is_list() const { return is_sequence() && seq().kind == SeqKind::kList; }
  bool is_tuple() const { return is_sequence() && seq().kind == SeqKind::kTuple; }
  bool is_dict() const { return std::holds_alternative<DictPtr>(v_); }
  bool is_object() const { return std::holds_alternative<ObjPtr>(v_); }

  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  // int-like value (bool or int) as int64
  std::int64_t int_value() const { return is_bool() ? (as_bool() ? 1 : 0) : as_int(); }
  double float_value() const { return is_float() ? as_float() : static_cast<double>(int_value()); }
  const std::string& str() const { return std::get<Str>(v_).text; }
  const Sequence& seq() const { return *std::get<SeqPtr>(v_); }
  const SeqPtr& seq_ptr() const { return std::get<SeqPtr>(v_); }
  const Dict& dict() const { return *std::get<DictPtr>(v_); }
  const DictPtr& dict_ptr() const { return std::get<DictPtr>(v_); }
  const ObjPtr& obj() const { return std::get<ObjPtr>(v_); }
  // The Undefined's details (a plain Undefined when none were recorded).
  const Undefined& undef() const;

  // Python's type(x).__name__.
  std::string type_name() const;

 private:
  template <typename T>
  explicit Value(T v) : v_(std::move(v)) {}
  std::variant<UndefPtr, None, bool, std::int64_t, double, Str, SeqPtr, DictPtr, ObjPtr> v_;
};

// Python semantics used everywhere.
bool truthy(const Value& v);                      // bool(x)
bool py_eq(const Value& a, const Value& b);       // a == b
bool py_lt(const Value& a, const Value& b);       // a < b; TypeError when not orderable
bool py_order(const Value& a, const Value& b, std::string_view op);  // op: "<", "<=", ">" or ">="
bool is_hashable(const Value& v);
void require_hashable(const Value& v);            // TypeError "unhashable type: 'list'"
std::string to_str(const Value& v);               // str(x)
std::string repr(const Value& v);                 // repr(x)
std::string format_float(double d);               // repr(float)
bool same_object(const Value& a, const Value& b);  // the `sameas` test (Python `is`)

// Items when iterated as Python iterates them (dict: keys; str: characters). Marks generators
// consumed. TypeError for what is not iterable; an Undefined iterates as empty.
std::vector<Value> iterate(const Value& v);
bool is_iterable(const Value& v);
// len(x): TypeError when x has no len().
std::int64_t py_len(const Value& v);

[[noreturn]] void type_error(const std::string& message);
[[noreturn]] void undefined_error(const Value& undefined);

}  // namespace gauntlet::engine::jinja
