#include "engine/text/jinja/interpreter.h"

#include <cmath>
#include <limits>

#include "engine/text/jinja/args.h"
#include "engine/text/jinja/filters.h"
#include "engine/text/jinja/methods.h"
#include "engine/text/jinja/objects.h"
#include "engine/text/jinja/py_format.h"
#include "engine/text/jinja/py_str.h"
#include "engine/text/jinja/tests.h"

namespace gauntlet::engine::jinja {
namespace {

[[noreturn]] void zero_division(const std::string& message) { throw TemplateError(ErrorKind::kType, message); }

void check_undefined(const Value& v) {
  if (v.is_undefined()) undefined_error(v);
}

[[noreturn]] void overflow() { throw TemplateError(ErrorKind::kUnsupported, "integer arithmetic beyond 64 bits"); }

template <typename Op>
std::int64_t checked(Op op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (op(a, b, &r)) overflow();
  return r;
}
bool add_ovf(std::int64_t a, std::int64_t b, std::int64_t* r) { return __builtin_add_overflow(a, b, r); }
bool sub_ovf(std::int64_t a, std::int64_t b, std::int64_t* r) { return __builtin_sub_overflow(a, b, r); }
bool mul_ovf(std::int64_t a, std::int64_t b, std::int64_t* r) { return __builtin_mul_overflow(a, b, r); }

std::string op_symbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kFloorDiv: return "//";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "** or pow()";
  }
  return "?";
}

[[noreturn]] void unsupported_operands(BinaryOp op, const Value& a, const Value& b) {
  type_error("unsupported operand type(s) for " + op_symbol(op) + ": '" + a.type_name() + "' and '" + b.type_name() + "'");
}

Value repeat_sequence(const Value& seq, std::int64_t n, const RenderLimits& limits) {
  std::vector<Value> items;
  const auto& src = seq.seq().items;
  if (n > 0 && !src.empty()) {
    if (static_cast<std::uint64_t>(n) * src.size() > limits.max_output_bytes)
      throw TemplateError(ErrorKind::kLimit, "sequence repetition larger than the render limit");
    for (std::int64_t i = 0; i < n; ++i) items.insert(items.end(), src.begin(), src.end());
  }
  return Value::sequence(std::move(items), seq.seq().kind);
}

Value repeat_string(const Value& s, std::int64_t n, const RenderLimits& limits) {
  std::string out;
  if (n > 0 && !s.str().empty()) {
    if (static_cast<std::uint64_t>(n) * s.str().size() > limits.max_output_bytes)
      throw TemplateError(ErrorKind::kLimit, "string repetition larger than " + std::to_string(limits.max_output_bytes) + " bytes");
    out.reserve(static_cast<std::size_t>(n) * s.str().size());
    for (std::int64_t i = 0; i < n; ++i) out += s.str();
  }
  return Value::string(std::move(out), s.is_markup());
}

bool is_plain_sequence(const Value& v, SeqKind kind) { return v.is_sequence() && v.seq().kind == kind; }

double float_mod(double vx, double wx) {
  double mod = std::fmod(vx, wx);
  if (mod != 0) {
    if ((wx < 0) != (mod < 0)) mod += wx;
  } else {
    mod = std::copysign(0.0, wx);
  }
  return mod;
}

double float_floordiv(double vx, double wx) {
  double mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0) {
    if ((wx < 0) != (mod < 0)) div -= 1.0;
  }
  double floordiv;
  if (div != 0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
  return floordiv;
}

}  // namespace

Value binary_op(BinaryOp op, const Value& a, const Value& b, const RenderLimits& limits) {
  check_undefined(a);
  // str % x runs str's own formatting before x's __rmod__: an Undefined is then just an argument.
  if (!(op == BinaryOp::kMod && a.is_string())) check_undefined(b);
  const bool ints = (a.is_int() || a.is_bool()) && (b.is_int() || b.is_bool());
  const bool nums = a.is_number() && b.is_number();
  switch (op) {
    case BinaryOp::kAdd: {
      if (ints) return Value::integer(checked(add_ovf, a.int_value(), b.int_value()));
      if (nums) return Value::number(a.float_value() + b.float_value());
      if (a.is_string() && b.is_string()) {
        if (a.str().size() + b.str().size() > limits.max_output_bytes)
          throw TemplateError(ErrorKind::kLimit, "string larger than " + std::to_string(limits.max_output_bytes) + " bytes");
        if (a.is_markup() || b.is_markup()) {
          std::string left = a.is_markup() ? a.str() : markup_escape(a.str());
          std::string right = b.is_markup() ? b.str() : markup_escape(b.str());
          return Value::string(left + right, true);
        }
        return Value::string(a.str() + b.str());
      }
      if (a.is_string()) type_error("can only concatenate str (not \"" + b.type_name() + "\") to str");
      if ((is_plain_sequence(a, SeqKind::kList) && is_plain_sequence(b, SeqKind::kList)) ||
          (is_plain_sequence(a, SeqKind::kTuple) && is_plain_sequence(b, SeqKind::kTuple))) {
        std::vector<Value> items = a.seq().items;
        items.insert(items.end(), b.seq().items.begin(), b.seq().items.end());
        return Value::sequence(std::move(items), a.seq().kind);
      }
      if (is_plain_sequence(a, SeqKind::kList) || is_plain_sequence(a, SeqKind::kTuple))
        type_error("can only concatenate " + a.type_name() + " (not \"" + b.type_name() + "\") to " + a.type_name());
      unsupported_operands(op, a, b);
    }
    case BinaryOp::kSub: {
      if (ints) return Value::integer(checked(sub_ovf, a.int_value(), b.int_value()));
      if (nums) return Value::number(a.float_value() - b.float_value());
      unsupported_operands(op, a, b);
    }
    case BinaryOp::kMul: {
      if (ints) return Value::integer(checked(mul_ovf, a.int_value(), b.int_value()));
      if (nums) return Value::number(a.float_value() * b.float_value());
      if (a.is_string() && (b.is_int() || b.is_bool())) return repeat_string(a, b.int_value(), limits);
      if (b.is_string() && (a.is_int() || a.is_bool())) return repeat_string(b, a.int_value(), limits);
      auto repeatable = [](const Value& v) {
        return is_plain_sequence(v, SeqKind::kList) || is_plain_sequence(v, SeqKind::kTuple);
      };
      if (repeatable(a) && (b.is_int() || b.is_bool())) return repeat_sequence(a, b.int_value(), limits);
      if (repeatable(b) && (a.is_int() || a.is_bool())) return repeat_sequence(b, a.int_value(), limits);
      if ((a.is_string() || repeatable(a)) && !b.is_number())
        type_error("can't multiply sequence by non-int of type '" + b.type_name() + "'");
      if ((a.is_string() || repeatable(a)) && b.is_float())
        type_error("can't multiply sequence by non-int of type 'float'");
      unsupported_operands(op, a, b);
    }
    case BinaryOp::kDiv:
      if (nums) {
        if (b.float_value() == 0) zero_division(ints ? "division by zero" : "float division by zero");
        return Value::number(a.float_value() / b.float_value());
      }
      unsupported_operands(op, a, b);
    case BinaryOp::kFloorDiv:
      if (ints) {
        std::int64_t x = a.int_value(), y = b.int_value();
        if (y == 0) zero_division("integer division or modulo by zero");
        if (x == std::numeric_limits<std::int64_t>::min() && y == -1) overflow();
        std::int64_t q = x / y, r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) --q;
        return Value::integer(q);
      }
      if (nums) {
        if (b.float_value() == 0) zero_division("float floor division by zero");
        return Value::number(float_floordiv(a.float_value(), b.float_value()));
      }
      unsupported_operands(op, a, b);
    case BinaryOp::kMod:
      if (ints) {
        std::int64_t x = a.int_value(), y = b.int_value();
        if (y == 0) zero_division("integer division or modulo by zero");
        if (y == -1) return Value::integer(0);
        std::int64_t r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        return Value::integer(r);
      }
      if (nums) {
        if (b.float_value() == 0) zero_division("float modulo");
        return Value::number(float_mod(a.float_value(), b.float_value()));
      }
      if (a.is_string()) return Value::string(percent_format(a.str(), b, a.is_markup()), a.is_markup());
      unsupported_operands(op, a, b);
    case BinaryOp::kPow:
      if (ints && b.int_value() >= 0) {
        std::int64_t base = a.int_value(), exp = b.int_value(), result = 1;
        while (exp > 0) {
          if (exp & 1) result = checked(mul_ovf, result, base);
          exp >>= 1;
          if (exp > 0) base = checked(mul_ovf, base, base);
        }
        return Value::integer(result);
      }
      if (nums) {
        const double x = a.float_value(), y = b.float_value();
        if (x == 0 && y < 0) zero_division("0.0 cannot be raised to a negative power");
        if (x < 0 && y != std::floor(y))
          throw TemplateError(ErrorKind::kUnsupported, "a negative number raised to a fractional power (a complex number)");
        const double r = std::pow(x, y);
        if (std::isinf(r) && !std::isinf(x)) throw TemplateError(ErrorKind::kType, "(34, 'Numerical result out of range')");
        return Value::number(r);
      }
      unsupported_operands(op, a, b);
  }
  unsupported_operands(op, a, b);
}

bool contains(const Value& container, const Value& item) {
  if (container.is_string()) {
    if (!item.is_string()) type_error("'in <string>' requires string as left operand, not " + item.type_name());
    return container.str().find(item.str()) != std::string::npos;
  }
  if (container.is_dict()) {
    require_hashable(item);
    return container.dict().find(item) != nullptr;
  }
  if (container.is_undefined()) return false;
  if (container.is_sequence()) {
    for (const auto& x : iterate(container))
      if (py_eq(x, item)) return true;
    return false;
  }
  type_error("argument of type '" + container.type_name() + "' is not iterable");
}

Interpreter::Interpreter(const ParsedTemplate& tmpl, const Dict& variables, const RenderLimits& limits)
    : tmpl_(tmpl), variables_(variables), limits_(limits), builtins_(make_builtins()) {}

namespace {
// Thrown inside fold() where Jinja2's as_const raises Impossible.
struct Impossible {};
// The filters Jinja2 marks pass_context: never evaluated at compile time.
bool context_filter(const std::string& name) {
  return name == "map" || name == "select" || name == "reject" || name == "selectattr" || name == "rejectattr" ||
         name == "random";
}
}  // namespace

std::optional<Value> Interpreter::fold(const Expr& expr, const RenderLimits& limits) {
  static const ParsedTemplate kEmpty;
  Interpreter interp(kEmpty, Dict(), limits);
  interp.folding_ = true;
  try {
    return interp.eval(expr, nullptr);
  } catch (const Impossible&) {
  } catch (const TemplateError&) {
  }
  return std::nullopt;
}

ScopePtr Interpreter::child(const ScopePtr& parent) {
  auto s = std::make_shared<Scope>();
  s->parent = parent;
  // Forget scopes already freed before the list grows, so it stays as long as the live ones.
  if (scopes_.size() == scopes_.capacity()) std::erase_if(scopes_, [](const auto& w) { return w.expired(); });
  scopes_.push_back(s);
  return s;
}

Interpreter::~Interpreter() {
  // A macro (or loop object) holds the scope it was made in while that scope holds it: a reference
  // cycle. Emptying every scope still alive at the end of the render frees them all.
  for (auto& weak : scopes_) {
    if (auto scope = weak.lock()) {
      scope->vars.clear();
      scope->parent.reset();
    }
  }
}

std::string Interpreter::render() {
  auto top = child(nullptr);
  outputs_.emplace_back();
  exec(tmpl_.body, top);
  std::string out = std::move(outputs_.back());
  outputs_.pop_back();
  return out;
}

void Interpreter::tick() {
  if (++steps_ > limits_.max_steps)
    throw TemplateError(ErrorKind::kLimit, "more than " + std::to_string(limits_.max_steps) + " evaluation steps");
}

void Interpreter::check_size(std::size_t bytes) const {
  if (bytes > limits_.max_output_bytes)
    throw TemplateError(ErrorKind::kLimit, "output larger than " + std::to_string(limits_.max_output_bytes) + " bytes");
}

void Interpreter::emit(std::string_view text) {
  std::string& out = outputs_.back();
  check_size(out.size() + text.size());
  out.append(text);
}

std::string Interpreter::capture(const Body& body, const ScopePtr& scope) {
  outputs_.emplace_back();
  try {
    exec(body, scope);
  } catch (...) {
    outputs_.pop_back();
    throw;
  }
  std::string out = std::move(outputs_.back());
  outputs_.pop_back();
  return out;
}

Value Interpreter::lookup(const std::string& name, const ScopePtr& scope) const {
  for (const Scope* s = scope.get(); s; s = s->parent.get()) {
    auto it = s->vars.find(name);
    if (it != s->vars.end()) return it->second;
  }
  if (const Value* v = variables_.find(name)) return *v;
  auto it = builtins_.find(name);
  if (it != builtins_.end()) return it->second;
  return Value::undefined(name);
}

void Interpreter::assign(const Target& target, const Value& value, const ScopePtr& scope) {
  switch (target.kind) {
    case Target::Kind::kName: scope->vars[target.name] = value; return;
    case Target::Kind::kNamespaceAttr: {
      Value ns = lookup(target.name, scope);
      auto* object = ns.is_object() ? dynamic_cast<NamespaceObject*>(ns.obj().get()) : nullptr;
      if (!object) throw TemplateError(ErrorKind::kType, "cannot assign attribute on non-namespace object", target.line);
      object->set(target.attr, value);
      return;
    }
    case Target::Kind::kTuple: {
      if (value.is_undefined()) undefined_error(value);
      if (!is_iterable(value)) type_error("cannot unpack non-iterable " + value.type_name() + " object");
      std::vector<Value> items = iterate(value);
      const std::size_t n = target.items.size();
      if (items.size() > n) type_error("too many values to unpack (expected " + std::to_string(n) + ")");
      if (items.size() < n)
        type_error("not enough values to unpack (expected " + std::to_string(n) + ", got " + std::to_string(items.size()) + ")");
      for (std::size_t i = 0; i < n; ++i) assign(target.items[i], items[i], scope);
      return;
    }
  }
}

Interpreter::Flow Interpreter::exec(const Body& body, const ScopePtr& scope) {
  for (const auto& stmt : body) {
    Flow flow;
    try {
      flow = exec_stmt(*stmt, scope);
    } catch (TemplateError& e) {
      e.set_line_if_unknown(stmt->line);
      throw;
    }
    if (flow != Flow::kNormal) return flow;
  }
  return Flow::kNormal;
}

Interpreter::Flow Interpreter::exec_stmt(const Stmt& stmt, const ScopePtr& scope) {
  tick();
  switch (stmt.kind) {
    case StmtKind::kOutput:
      for (const auto& item : static_cast<const OutputStmt&>(stmt).items) {
        if (!item.expr) {
          emit(item.text);
          continue;
        }
        try {
          emit(to_str(eval(*item.expr, scope)));
        } catch (TemplateError& e) {
          e.set_line_if_unknown(item.expr->line);
          throw;
        }
      }
      return Flow::kNormal;
    case StmtKind::kIf: {
      const auto& s = static_cast<const IfStmt&>(stmt);
      for (const auto& [test, body] : s.branches)
        if (truthy(eval(*test, scope))) return exec(body, scope);
      return exec(s.otherwise, scope);
    }
    case StmtKind::kFor: {
      const auto& s = static_cast<const ForStmt&>(stmt);
      exec_for(s, scope, eval(*s.iter, scope), 0);
      return Flow::kNormal;
    }
    case StmtKind::kSet: {
      const auto& s = static_cast<const SetStmt&>(stmt);
      assign(s.target, eval(*s.value, scope), scope);
      return Flow::kNormal;
    }
    case StmtKind::kSetBlock: {
      const auto& s = static_cast<const SetBlockStmt&>(stmt);
      Value text = Value::string(capture(s.body, child(scope)));
      assign(s.target, s.filter ? eval_filter_chain(*s.filter, text, scope) : text, scope);
      return Flow::kNormal;
    }
    case StmtKind::kMacro: {
      const auto& s = static_cast<const MacroStmt&>(stmt);
      scope->vars[s.name] = Value::object(std::make_shared<MacroObject>(s.name, s.params, s.body, s.uses_caller,
                                                                        s.uses_varargs, s.uses_kwargs, scope));
      return Flow::kNormal;
    }
    case StmtKind::kCallBlock: {
      const auto& s = static_cast<const CallBlockStmt&>(stmt);
      Value caller = Value::object(std::make_shared<MacroObject>("caller", s.params, s.body, s.uses_caller,
                                                                 s.uses_varargs, s.uses_kwargs, scope));
      emit(to_str(eval_call(static_cast<const CallExpr&>(*s.call), scope, {{"caller", caller}})));
      return Flow::kNormal;
    }
    case StmtKind::kFilterBlock: {
      const auto& s = static_cast<const FilterBlockStmt&>(stmt);
      Value text = Value::string(capture(s.body, child(scope)));
      emit(to_str(eval_filter_chain(*s.filter, text, scope)));
      return Flow::kNormal;
    }
    case StmtKind::kWith: {
      const auto& s = static_cast<const WithStmt&>(stmt);
      ScopePtr inner = child(scope);
      std::vector<Value> values;
      for (const auto& [target, value] : s.assignments) values.push_back(eval(*value, scope));
      for (std::size_t i = 0; i < values.size(); ++i) assign(s.assignments[i].first, values[i], inner);
      exec(s.body, inner);
      return Flow::kNormal;
    }
    case StmtKind::kBreak: return Flow::kBreak;
    case StmtKind::kContinue: return Flow::kContinue;
    case StmtKind::kScopedBody: {
      ++call_depth_;
      struct Leave {
        int& d;
        ~Leave() { --d; }
      } leave{call_depth_};
      emit(capture(static_cast<const ScopedBodyStmt&>(stmt).body, child(scope)));
      return Flow::kNormal;
    }
    case StmtKind::kUnsupported:
      throw TemplateError(ErrorKind::kUnsupported,
                          "the '" + static_cast<const UnsupportedStmt&>(stmt).tag + "' tag (no template loader or "
                          "block inheritance in chat templates)", stmt.line);
  }
  return Flow::kNormal;
}

Interpreter::Flow Interpreter::exec_for(const ForStmt& s, const ScopePtr& scope, const Value& iterable, int depth0) {
  std::vector<Value> items = iterate(iterable);
  if (s.filter) {
    std::vector<Value> kept;
    for (auto& item : items) {
      ScopePtr tmp = child(scope);
      assign(s.target, item, tmp);
      if (truthy(eval(*s.filter, tmp))) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    exec(s.otherwise, child(scope));
    return Flow::kNormal;
  }
  auto shared = std::make_shared<const std::vector<Value>>(std::move(items));
  auto loop = std::make_shared<LoopObject>(shared, depth0, s.recursive ? &s : nullptr, scope);
  Value loop_value = Value::object(loop);
  for (std::size_t i = 0; i < shared->size(); ++i) {
    ScopePtr iteration = child(scope);
    assign(s.target, (*shared)[i], iteration);
    iteration->vars["loop"] = loop_value;
    loop->set_index(i);
    if (exec(s.body, iteration) == Flow::kBreak) break;
  }
  return Flow::kNormal;
}

std::string Interpreter::recurse_loop(const ForStmt& loop, const ScopePtr& scope, const Value& iterable, int depth0) {
  if (++call_depth_ > limits_.max_call_depth) {
    --call_depth_;
    throw TemplateError(ErrorKind::kLimit, "recursive loop deeper than " + std::to_string(limits_.max_call_depth));
  }
  outputs_.emplace_back();
  try {
    exec_for(loop, scope, iterable, depth0);
  } catch (...) {
    outputs_.pop_back();
    --call_depth_;
    throw;
  }
  std::string out = std::move(outputs_.back());
  outputs_.pop_back();
  --call_depth_;
  return out;
}

Value Interpreter::invoke_macro(const MacroParams& params, const Body& body, const std::string& name, bool uses_caller,
                                bool uses_varargs, bool uses_kwargs, const ScopePtr& closure, Args args) {
  if (call_depth_ + 1 > limits_.max_call_depth)
    throw TemplateError(ErrorKind::kLimit, "macro calls nested deeper than " + std::to_string(limits_.max_call_depth));
  ScopePtr frame = child(closure);
  const std::size_t n = params.names.size();
  auto& positional = args.positional;
  auto& kwargs = args.keyword;
  auto take_kwarg = [&](const std::string& key) -> std::optional<Value> {
    for (auto it = kwargs.begin(); it != kwargs.end(); ++it)
      if (it->first == key) {
        Value v = std::move(it->second);
        kwargs.erase(it);
        return v;
      }
    return std::nullopt;
  };
  std::vector<std::optional<Value>> bound(n);
  for (std::size_t i = 0; i < n && i < positional.size(); ++i) bound[i] = positional[i];
  bool found_caller = false;
  if (positional.size() < n) {
    for (std::size_t i = positional.size(); i < n; ++i) {
      bound[i] = take_kwarg(params.names[i]);
      if (params.names[i] == "caller") found_caller = true;
    }
  } else {
    for (const auto& p : params.names)
      if (p == "caller") found_caller = true;
  }
  if (uses_caller && !found_caller) {
    auto caller = take_kwarg("caller");
    frame->vars["caller"] = caller ? *caller : Value::undefined_hint("No caller defined");
  }
  if (uses_kwargs) {
    Dict d;
    for (auto& [k, v] : kwargs) d.set(Value::string(k), v);
    frame->vars["kwargs"] = Value::dict(std::move(d));
  } else if (!kwargs.empty()) {
    for (const auto& [k, v] : kwargs)
      if (k == "caller")
        type_error("macro '" + name + "' was invoked with two values for the special caller argument. This is most likely a bug.");
    type_error("macro '" + name + "' takes no keyword argument '" + kwargs.front().first + "'");
  }
  if (uses_varargs) {
    std::vector<Value> rest;
    for (std::size_t i = n; i < positional.size(); ++i) rest.push_back(positional[i]);
    frame->vars["varargs"] = Value::sequence(std::move(rest), SeqKind::kTuple);
  } else if (positional.size() > n) {
    type_error("macro '" + name + "' takes not more than " + std::to_string(n) + " argument(s)");
  }
  ++call_depth_;
  struct Leave {
    int& d;
    ~Leave() { --d; }
  } leave{call_depth_};
  const std::size_t first_default = n - params.defaults.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!bound[i]) {
      if (i >= first_default) bound[i] = eval(*params.defaults[i - first_default], frame);
      else bound[i] = Value::undefined_hint("parameter '" + params.names[i] + "' was not provided");
    }
    frame->vars[params.names[i]] = *bound[i];
  }
  return Value::string(capture(body, frame));
}

Args Interpreter::eval_args(const CallArgs& a, const ScopePtr& scope) {
  Args out;
  for (const auto& e : a.args) out.positional.push_back(eval(*e, scope));
  for (const auto& [k, e] : a.kwargs) out.keyword.emplace_back(k, eval(*e, scope));
  if (a.dyn_args) {
    Value extra = eval(*a.dyn_args, scope);
    for (auto& v : iterate(extra)) out.positional.push_back(std::move(v));
  }
  if (a.dyn_kwargs) {
    Value extra = eval(*a.dyn_kwargs, scope);
    if (!extra.is_dict()) type_error("argument after ** must be a mapping, not " + extra.type_name());
    for (const auto& [k, v] : extra.dict().items) {
      if (!k.is_string()) type_error("keywords must be strings");
      for (const auto& existing : out.keyword)
        if (existing.first == k.str()) type_error("got multiple values for keyword argument '" + k.str() + "'");
      out.keyword.emplace_back(k.str(), v);
    }
  }
  return out;
}

Value Interpreter::call(const Value& callee, Args args) {
  if (callee.is_undefined()) undefined_error(callee);
  if (!callee.is_object() || !callee.obj()->callable()) type_error("'" + callee.type_name() + "' object is not callable");
  return callee.obj()->call(*this, std::move(args));
}

Value Interpreter::eval_call(const CallExpr& e, const ScopePtr& scope, std::vector<std::pair<std::string, Value>> extra) {
  Value callee = eval(*e.callee, scope);
  Args args = eval_args(e.args, scope);
  for (auto& kv : extra) args.keyword.push_back(std::move(kv));
  return call(callee, std::move(args));
}

Value Interpreter::filter(const std::string& name, const Value& value, Args args) {
  tick();
  return apply_filter(*this, name, value, std::move(args));
}

bool Interpreter::test(const std::string& name, const Value& value, Args args) {
  tick();
  return apply_test(*this, name, value, std::move(args));
}

Value Interpreter::eval_filter_chain(const Expr& e, const Value& innermost, const ScopePtr& scope) {
  const auto& f = static_cast<const FilterExpr&>(e);
  Value operand = f.operand ? eval_filter_chain(*f.operand, innermost, scope) : innermost;
  return filter(f.name, operand, eval_args(f.args, scope));
}

Value Interpreter::getattr(const Value& object, const std::string& name) {
  if (object.is_undefined()) undefined_error(object);
  if (object.is_object()) {
    if (name.rfind("__", 0) == 0)
      return Value::undefined_hint("access to attribute '" + name + "' of '" + object.type_name() + "' object is unsafe.",
                                   ErrorKind::kSecurity);
    return object.obj()->getattr(name);
  }
  if (name.rfind("__", 0) == 0)
    return Value::undefined_hint("access to attribute '" + name + "' of '" + object.type_name() + "' object is unsafe.",
                                 ErrorKind::kSecurity);
  switch (method_kind(object, name)) {
    case MethodKind::kSafe: {
      Value self = object;
      std::string method = name;
      return Value::object(std::make_shared<NativeFunction>(
          "builtin_function_or_method",
          [self, method](Interpreter& interp, Args args) { return call_method(interp, self, method, std::move(args)); }));
    }
    case MethodKind::kUnsafe:
      return Value::undefined_hint("access to attribute '" + name + "' of '" + object.type_name() + "' object is unsafe.",
                                   ErrorKind::kSecurity);
    case MethodKind::kUnsupported:
      return Value::undefined_hint(object.type_name() + "." + name + "() is not supported by this renderer",
                                   ErrorKind::kUnsupported);
    case MethodKind::kNone: break;
  }
  if (object.is_dict())
    if (const Value* v = object.dict().find(name)) return *v;
  if (object.is_sequence() && object.seq().group) {
    if (name == "grouper") return object.seq().items[0];
    if (name == "list") return object.seq().items[1];
  }
  return Value::missing_attribute(object, name);
}

Value Interpreter::getitem(const Value& object, const Value& key) {
  if (object.is_undefined()) undefined_error(object);
  if (object.is_dict()) {
    if (is_hashable(key))
      if (const Value* v = object.dict().find(key)) return *v;
  } else if ((object.is_string() || object.is_sequence()) && (key.is_int() || key.is_bool())) {
    const bool is_str = object.is_string();
    if (!is_str && (object.seq().kind == SeqKind::kGenerator || object.seq().kind == SeqKind::kReverse ||
                    object.seq().kind == SeqKind::kDictKeys || object.seq().kind == SeqKind::kDictValues ||
                    object.seq().kind == SeqKind::kDictItems)) {
      // not subscriptable: falls through to the undefined below
    } else {
      std::int64_t len = is_str ? static_cast<std::int64_t>(py::length(object.str()))
                                : static_cast<std::int64_t>(object.seq().items.size());
      std::int64_t i = key.int_value();
      if (i < 0) i += len;
      if (i >= 0 && i < len) {
        if (!is_str) return object.seq().items[static_cast<std::size_t>(i)];
        if (py::is_ascii(object.str()))
          return Value::string(object.str().substr(static_cast<std::size_t>(i), 1), object.is_markup());
        std::u32string cps = py::to_u32(object.str());
        return Value::string(py::to_utf8(std::u32string_view(&cps[static_cast<std::size_t>(i)], 1)), object.is_markup());
      }
    }
  }
  if (key.is_string()) {
    if (object.is_object()) return getattr(object, key.str());
    // groupby's (grouper, list) namedtuple: a str index fails, so Jinja2 falls back to its attributes.
    if (object.is_sequence() && object.seq().group && (key.str() == "grouper" || key.str() == "list"))
      return getattr(object, key.str());
    if (object.is_dict() || object.is_string() || object.is_sequence() || object.is_none() || object.is_number()) {
      MethodKind kind = method_kind(object, key.str());
      if (kind != MethodKind::kNone || key.str().rfind("__", 0) == 0) return getattr(object, key.str());
    }
  }
  return Value::missing_item(object, key);
}

namespace {

std::optional<std::int64_t> slice_bound(const Value& v, bool& ok) {
  if (v.is_none() || v.is_undefined()) {
    if (v.is_undefined()) ok = false;
    return std::nullopt;
  }
  if (v.is_int() || v.is_bool()) return v.int_value();
  ok = false;
  return std::nullopt;
}

}  // namespace

Value Interpreter::eval(const Expr& expr, const ScopePtr& scope) {
  tick();
  switch (expr.kind) {
    case ExprKind::kConst: return static_cast<const ConstExpr&>(expr).value;
    case ExprKind::kName:
      if (folding_) throw Impossible{};
      return lookup(static_cast<const NameExpr&>(expr).name, scope);
    case ExprKind::kList:
    case ExprKind::kTuple: {
      std::vector<Value> items;
      for (const auto& e : static_cast<const SeqExpr&>(expr).items) items.push_back(eval(*e, scope));
      return Value::sequence(std::move(items), expr.kind == ExprKind::kList ? SeqKind::kList : SeqKind::kTuple);
    }
    case ExprKind::kDict: {
      Dict d;
      for (const auto& [k, v] : static_cast<const DictExpr&>(expr).items) {
        Value key = eval(*k, scope);
        require_hashable(key);
        d.set(std::move(key), eval(*v, scope));
      }
      return Value::dict(std::move(d));
    }
    case ExprKind::kGetattr: {
      const auto& e = static_cast<const GetattrExpr&>(expr);
      return getattr(eval(*e.object, scope), e.attr);
    }
    case ExprKind::kGetitem: {
      const auto& e = static_cast<const GetitemExpr&>(expr);
      Value object = eval(*e.object, scope);
      if (e.arg->kind != ExprKind::kSlice) return getitem(object, eval(*e.arg, scope));
      const auto& s = static_cast<const SliceExpr&>(*e.arg);
      Value start = s.start ? eval(*s.start, scope) : Value::none();
      Value stop = s.stop ? eval(*s.stop, scope) : Value::none();
      Value step = s.step ? eval(*s.step, scope) : Value::none();
      if (object.is_undefined()) undefined_error(object);
      bool ok = true;
      auto b = slice_bound(start, ok), en = slice_bound(stop, ok), st = slice_bound(step, ok);
      const bool sliceable = object.is_string() ||
                             (object.is_sequence() && (object.seq().kind == SeqKind::kList ||
                                                       object.seq().kind == SeqKind::kTuple ||
                                                       object.seq().kind == SeqKind::kRange));
      if (folding_ && (object.is_dict() || !sliceable || !ok)) {
        // environment.getitem catches Python's TypeError: an Undefined naming the slice.
        const std::string slice = "slice(" + repr(start) + ", " + repr(stop) + ", " + repr(step) + ")";
        return Value::missing_item_repr(object, slice);
      }
      // At run time Jinja2 compiles slices to plain Python subscripts (no environment.getitem):
      // Python's errors.
      if (object.is_dict()) type_error("unhashable type: 'slice'");
      if (!sliceable) type_error("'" + object.type_name() + "' object is not subscriptable");
      if (!ok) type_error("slice indices must be integers or None or have an __index__ method");
      const long stepv = st ? static_cast<long>(*st) : 1;
      if (stepv == 0) type_error("slice step cannot be zero");
      auto bl = b ? std::optional<long>(static_cast<long>(*b)) : std::nullopt;
      auto el = en ? std::optional<long>(static_cast<long>(*en)) : std::nullopt;
      if (object.is_string()) return Value::string(py::slice(object.str(), bl, el, stepv), object.is_markup());
      const Sequence& seq = object.seq();
      std::vector<Value> items;
      for (long i : py::slice_indices(static_cast<long>(seq.items.size()), bl, el, stepv))
        items.push_back(seq.items[static_cast<std::size_t>(i)]);
      if (seq.kind == SeqKind::kRange) {
        Sequence r;
        r.kind = SeqKind::kRange;
        long bb, ee;
        py::slice_bounds(static_cast<long>(seq.items.size()), bl, el, stepv, bb, ee);
        r.range_start = seq.range_start + bb * seq.range_step;
        r.range_stop = seq.range_start + ee * seq.range_step;
        r.range_step = seq.range_step * stepv;
        r.items = std::move(items);
        return Value::sequence(std::move(r));
      }
      return Value::sequence(std::move(items), seq.kind);
    }
    case ExprKind::kSlice: throw TemplateError(ErrorKind::kSyntax, "a slice outside a subscript", expr.line);
    case ExprKind::kCall:
      if (folding_) throw Impossible{};
      return eval_call(static_cast<const CallExpr&>(expr), scope);
    case ExprKind::kFilter: {
      const auto& f = static_cast<const FilterExpr&>(expr);
      if (folding_ && (!f.operand || context_filter(f.name))) throw Impossible{};
      Value operand = f.operand ? eval(*f.operand, scope) : Value();
      return filter(f.name, operand, eval_args(f.args, scope));
    }
    case ExprKind::kTest: {
      const auto& f = static_cast<const FilterExpr&>(expr);
      Value operand = eval(*f.operand, scope);
      return Value::boolean(test(f.name, operand, eval_args(f.args, scope)));
    }
    case ExprKind::kNeg:
    case ExprKind::kPos: {
      Value v = eval(*static_cast<const UnaryExpr&>(expr).operand, scope);
      check_undefined(v);
      const bool neg = expr.kind == ExprKind::kNeg;
      if (v.is_int() || v.is_bool()) {
        if (!neg) return Value::integer(v.int_value());
        if (v.int_value() == std::numeric_limits<std::int64_t>::min()) overflow();
        return Value::integer(-v.int_value());
      }
      if (v.is_float()) return Value::number(neg ? -v.as_float() : v.as_float());
      type_error(std::string("bad operand type for unary ") + (neg ? "-" : "+") + ": '" + v.type_name() + "'");
    }
    case ExprKind::kNot: return Value::boolean(!truthy(eval(*static_cast<const UnaryExpr&>(expr).operand, scope)));
    case ExprKind::kBinary: {
      const auto& e = static_cast<const BinaryExpr&>(expr);
      Value a = eval(*e.left, scope);
      Value b = eval(*e.right, scope);
      return binary_op(e.op, a, b, limits_);
    }
    case ExprKind::kAnd: {
      const auto& e = static_cast<const BinaryExpr&>(expr);
      Value a = eval(*e.left, scope);
      return truthy(a) ? eval(*e.right, scope) : a;
    }
    case ExprKind::kOr: {
      const auto& e = static_cast<const BinaryExpr&>(expr);
      Value a = eval(*e.left, scope);
      return truthy(a) ? a : eval(*e.right, scope);
    }
    case ExprKind::kConcat: {
      std::string out;
      for (const auto& e : static_cast<const ConcatExpr&>(expr).items) {
        out += to_str(eval(*e, scope));
        check_size(out.size());
      }
      return Value::string(std::move(out));
    }
    case ExprKind::kCompare: return eval_compare(static_cast<const CompareExpr&>(expr), scope);
    case ExprKind::kCondExpr: {
      const auto& e = static_cast<const CondExpr&>(expr);
      if (truthy(eval(*e.test, scope))) return eval(*e.then, scope);
      if (e.otherwise) return eval(*e.otherwise, scope);
      return Value::undefined_hint("the inline if-expression on line " + std::to_string(expr.line) +
                                   " evaluated to false and no else section was defined.");
    }
  }
  return Value();
}

Value Interpreter::eval_compare(const CompareExpr& e, const ScopePtr& scope) {
  Value left = eval(*e.first, scope);
  for (const auto& [op, expr] : e.ops) {
    Value right = eval(*expr, scope);
    bool ok = false;
    switch (op) {
      case CompareOp::kEq: ok = py_eq(left, right); break;
      case CompareOp::kNe: ok = !py_eq(left, right); break;
      case CompareOp::kLt: ok = py_order(left, right, "<"); break;
      case CompareOp::kGt: ok = py_order(left, right, ">"); break;
      case CompareOp::kLtEq: ok = py_order(left, right, "<="); break;
      case CompareOp::kGtEq: ok = py_order(left, right, ">="); break;
      case CompareOp::kIn: ok = contains(right, left); break;
      case CompareOp::kNotIn: ok = !contains(right, left); break;
    }
    if (!ok) return Value::boolean(false);
    left = std::move(right);
  }
  return Value::boolean(true);
}

}  // namespace gauntlet::engine::jinja
