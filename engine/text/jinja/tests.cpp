#include "engine/text/jinja/tests.h"

#include <functional>
#include <map>
#include <set>

#include "engine/text/jinja/args.h"
#include "engine/text/jinja/interpreter.h"
#include "engine/text/jinja/py_str.h"

namespace gauntlet::engine::jinja {
namespace {

using Test = std::function<bool(Interpreter&, const Value&, Args)>;

Test no_arg(std::function<bool(const Value&)> fn, const char* name) {
  return [fn, name](Interpreter&, const Value& v, Args args) {
    BoundArgs a(std::string("test_") + name, std::move(args), {});
    return fn(v);
  };
}

Test one_arg(std::function<bool(const Value&, const Value&)> fn, const char* name) {
  return [fn, name](Interpreter&, const Value& v, Args args) {
    BoundArgs a(name, std::move(args), {"other"});
    return fn(v, a.required(0));
  };
}

// value % 2 == expected with Python's operators (TypeError / UndefinedError as Python raises them).
bool mod2_is(const Value& v, std::int64_t expected, const RenderLimits& limits) {
  return py_eq(binary_op(BinaryOp::kMod, v, Value::integer(2), limits), Value::integer(expected));
}

bool is_sequence_like(const Value& v) {
  // len() and __getitem__: str, list, tuple, range, dict, and Undefined (which has both).
  if (v.is_undefined() || v.is_string() || v.is_dict()) return true;
  if (v.is_sequence()) {
    SeqKind k = v.seq().kind;
    return k == SeqKind::kList || k == SeqKind::kTuple || k == SeqKind::kRange;
  }
  return false;
}

const std::map<std::string, Test>& registry() {
  static const std::map<std::string, Test> tests = [] {
    std::map<std::string, Test> t;
    t["defined"] = no_arg([](const Value& v) { return !v.is_undefined(); }, "defined");
    t["undefined"] = no_arg([](const Value& v) { return v.is_undefined(); }, "undefined");
    t["none"] = no_arg([](const Value& v) { return v.is_none(); }, "none");
    t["boolean"] = no_arg([](const Value& v) { return v.is_bool(); }, "boolean");
    t["false"] = no_arg([](const Value& v) { return v.is_bool() && !v.as_bool(); }, "false");
    t["true"] = no_arg([](const Value& v) { return v.is_bool() && v.as_bool(); }, "true");
    t["integer"] = no_arg([](const Value& v) { return v.is_int(); }, "integer");
    t["float"] = no_arg([](const Value& v) { return v.is_float(); }, "float");
    t["number"] = no_arg([](const Value& v) { return v.is_number(); }, "number");
    t["string"] = no_arg([](const Value& v) { return v.is_string(); }, "string");
    t["mapping"] = no_arg([](const Value& v) { return v.is_dict(); }, "mapping");
    t["sequence"] = no_arg(is_sequence_like, "sequence");
    t["iterable"] = no_arg([](const Value& v) {
      return is_iterable(v) || (v.is_object() && v.type_name() == "LoopContext");
    }, "iterable");
    // Jinja2's Undefined defines __call__ (to raise), so callable() holds for it.
    t["callable"] = no_arg([](const Value& v) { return v.is_undefined() || (v.is_object() && v.obj()->callable()); }, "callable");
    t["escaped"] = no_arg([](const Value& v) { return v.is_markup(); }, "escaped");
    t["lower"] = no_arg([](const Value& v) { return py::str_islower(to_str(v)); }, "lower");
    t["upper"] = no_arg([](const Value& v) { return py::str_isupper(to_str(v)); }, "upper");
    t["odd"] = [](Interpreter& i, const Value& v, Args args) {
      BoundArgs a("test_odd", std::move(args), {});
      return mod2_is(v, 1, i.limits());
    };
    t["even"] = [](Interpreter& i, const Value& v, Args args) {
      BoundArgs a("test_even", std::move(args), {});
      return mod2_is(v, 0, i.limits());
    };
    t["divisibleby"] = [](Interpreter& i, const Value& v, Args args) {
      BoundArgs a("test_divisibleby", std::move(args), {"num"});
      Value r = binary_op(BinaryOp::kMod, v, a.required(0), i.limits());
      return py_eq(r, Value::integer(0));
    };
    t["sameas"] = one_arg([](const Value& v, const Value& o) { return same_object(v, o); }, "test_sameas");
    t["in"] = one_arg([](const Value& v, const Value& seq) { return contains(seq, v); }, "test_in");
    t["filter"] = no_arg([](const Value& v) {
      return v.is_string() && filter_availability(v.str()) == Availability::kImplemented;
    }, "filter");
    t["test"] = no_arg([](const Value& v) {
      return v.is_string() && test_availability(v.str()) == Availability::kImplemented;
    }, "test");
    Test eq = one_arg([](const Value& a, const Value& b) { return py_eq(a, b); }, "eq");
    Test ne = one_arg([](const Value& a, const Value& b) { return !py_eq(a, b); }, "ne");
    Test lt = one_arg([](const Value& a, const Value& b) { return py_order(a, b, "<"); }, "lt");
    Test gt = one_arg([](const Value& a, const Value& b) { return py_order(a, b, ">"); }, "gt");
    Test le = one_arg([](const Value& a, const Value& b) { return py_order(a, b, "<="); }, "le");
    Test ge = one_arg([](const Value& a, const Value& b) { return py_order(a, b, ">="); }, "ge");
    for (const char* n : {"==", "eq", "equalto"}) t[n] = eq;
    for (const char* n : {"!=", "ne"}) t[n] = ne;
    for (const char* n : {"<", "lt", "lessthan"}) t[n] = lt;
    for (const char* n : {">", "gt", "greaterthan"}) t[n] = gt;
    for (const char* n : {"<=", "le"}) t[n] = le;
    for (const char* n : {">=", "ge"}) t[n] = ge;
    return t;
  }();
  return tests;
}

}  // namespace

Availability test_availability(const std::string& name) {
  return registry().count(name) ? Availability::kImplemented : Availability::kUnknown;
}

bool apply_test(Interpreter& interp, const std::string& name, const Value& value, Args args) {
  auto it = registry().find(name);
  if (it == registry().end()) throw TemplateError(ErrorKind::kType, "No test named '" + name + "'.");
  return it->second(interp, value, std::move(args));
}

}  // namespace gauntlet::engine::jinja
