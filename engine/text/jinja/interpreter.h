#pragma once
// Interpreter: renders a parsed template against its variables with Jinja2's semantics as
// transformers configures it (ImmutableSandboxedEnvironment, autoescape off, default Undefined):
// scoping (for-loop iterations, macros, call/filter/set blocks and with get their own scope;
// if does not), the loop object, macros with caller/varargs/kwargs, namespaces, sandboxed
// attribute and item lookup, and Python's operators. Resource use is bounded by RenderLimits.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/text/jinja/ast.h"
#include "engine/text/jinja/parser.h"
#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

struct RenderLimits {
  std::size_t max_output_bytes = 64u << 20;  // any one rendered string, and any string or list built
  int max_call_depth = 200;                  // nested macro / caller / recursive-loop calls
  std::int64_t max_steps = 20'000'000;       // statements and expressions evaluated
};

struct Scope {
  std::unordered_map<std::string, Value> vars;
  std::shared_ptr<Scope> parent;
};
using ScopePtr = std::shared_ptr<Scope>;

class Interpreter {
 public:
  // `globals` are the template's variables (messages, tools, ...); Jinja2's own globals (range,
  // namespace, dict, cycler, joiner) and transformers' (raise_exception, strftime_now) come first.
  Interpreter(const ParsedTemplate& tmpl, const Dict& variables, const RenderLimits& limits);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
  std::string render();

  // Jinja2's compile-time evaluation (Expr.as_const): the value of `expr` when it needs no
  // variable, call or context filter and raises nothing; nullopt otherwise. Slices then go through
  // the environment's getitem (what Python refuses gives an Undefined), not a plain subscript.
  static std::optional<Value> fold(const Expr& expr, const RenderLimits& limits);

  // Used by filters, tests, methods and objects.
  Value getattr(const Value& object, const std::string& name);  // Jinja2's sandboxed getattr
  Value getitem(const Value& object, const Value& key);         // Jinja2's sandboxed getitem
  Value call(const Value& callee, Args args);
  Value filter(const std::string& name, const Value& value, Args args);
  bool test(const std::string& name, const Value& value, Args args);
  void tick();                                 // one evaluation step (throws kLimit past max_steps)
  void check_size(std::size_t bytes) const;    // a string or list about to be built
  const RenderLimits& limits() const { return limits_; }

  // Runs a macro or caller body with its parameters bound; returns the rendered text.
  Value invoke_macro(const MacroParams& params, const Body& body, const std::string& name, bool uses_caller,
                     bool uses_varargs, bool uses_kwargs, const ScopePtr& closure, Args args);
  // Runs a recursive for loop's body over `items` (the loop object's call).
  std::string recurse_loop(const ForStmt& loop, const ScopePtr& scope, const Value& iterable, int depth0);

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  Flow exec(const Body& body, const ScopePtr& scope);
  Flow exec_stmt(const Stmt& stmt, const ScopePtr& scope);
  Flow exec_for(const ForStmt& stmt, const ScopePtr& scope, const Value& iterable, int depth0);
  Value eval(const Expr& expr, const ScopePtr& scope);
  Value eval_binary(const BinaryExpr& e, const ScopePtr& scope);
  Value eval_compare(const CompareExpr& e, const ScopePtr& scope);
  Value eval_call(const CallExpr& e, const ScopePtr& scope, std::vector<std::pair<std::string, Value>> extra = {});
  Value eval_filter_chain(const Expr& filter, const Value& innermost, const ScopePtr& scope);
  Args eval_args(const CallArgs& args, const ScopePtr& scope);
  Value lookup(const std::string& name, const ScopePtr& scope) const;
  void assign(const Target& target, const Value& value, const ScopePtr& scope);
  std::string capture(const Body& body, const ScopePtr& scope);
  void emit(std::string_view text);
  ScopePtr child(const ScopePtr& parent);  // a new scope inside `parent`, remembered for ~Interpreter

  const ParsedTemplate& tmpl_;
  Dict variables_;
  RenderLimits limits_;
  std::unordered_map<std::string, Value> builtins_;
  std::vector<std::string> outputs_;  // the innermost is being written
  std::int64_t steps_ = 0;
  int call_depth_ = 0;
  bool folding_ = false;  // inside fold(): names, calls and context filters are not constant
  std::vector<std::weak_ptr<Scope>> scopes_;  // every scope made by child(); see ~Interpreter
};

// Operators with Python semantics (also used by filters such as sum).
Value binary_op(BinaryOp op, const Value& a, const Value& b, const RenderLimits& limits);
bool contains(const Value& container, const Value& item);  // `item in container`

}  // namespace gauntlet::engine::jinja
