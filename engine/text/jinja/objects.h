#pragma once
// The objects a template can hold besides plain data: namespace() (the only mutable value),
// the for-loop's `loop`, macros and callers, bound methods of str/dict/list, and builtin
// functions (range, dict, cycler, joiner, raise_exception, strftime_now, ...).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/text/jinja/ast.h"
#include "engine/text/jinja/interpreter.h"
#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

class NamespaceObject : public Object {
 public:
  explicit NamespaceObject(Dict attrs) : attrs_(std::move(attrs)) {}
  std::string type_name() const override { return "Namespace"; }
  std::optional<std::string> repr() const override;
  Value getattr(const std::string& name) const override;
  void set(const std::string& name, Value value) { attrs_.set(Value::string(name), std::move(value)); }

 private:
  Dict attrs_;
};

class LoopObject : public Object {
 public:
  LoopObject(std::shared_ptr<const std::vector<Value>> items, int depth0, const ForStmt* recursive_loop,
             ScopePtr recurse_scope)
      : items_(std::move(items)), depth0_(depth0), loop_(recursive_loop), scope_(std::move(recurse_scope)) {}
  std::string type_name() const override { return "LoopContext"; }
  std::optional<std::string> repr() const override;
  Value getattr(const std::string& name) const override;
  bool callable() const override { return true; }
  Value call(Interpreter& interp, Args args) override;  // loop(items) in a recursive loop
  std::optional<std::int64_t> length() const override { return static_cast<std::int64_t>(items_->size()); }
  void set_index(std::size_t i) { index0_ = i; }

 private:
  std::shared_ptr<const std::vector<Value>> items_;
  std::size_t index0_ = 0;
  int depth0_;
  const ForStmt* loop_;
  ScopePtr scope_;
  mutable std::optional<Value> last_changed_;
  friend class LoopMethod;
};

// A macro, or the caller of a {% call %} block.
class MacroObject : public Object {
 public:
  MacroObject(std::string name, const MacroParams& params, const Body& body, bool uses_caller, bool uses_varargs,
              bool uses_kwargs, ScopePtr closure)
      : name_(std::move(name)), params_(params), body_(body), uses_caller_(uses_caller), uses_varargs_(uses_varargs),
        uses_kwargs_(uses_kwargs), closure_(std::move(closure)) {}
  std::string type_name() const override { return "Macro"; }
  std::optional<std::string> repr() const override { return "<Macro " + (name_.empty() ? "anonymous" : "'" + name_ + "'") + ">"; }
  Value getattr(const std::string& name) const override;
  bool callable() const override { return true; }
  Value call(Interpreter& interp, Args args) override;

 private:
  std::string name_;
  const MacroParams& params_;
  const Body& body_;
  bool uses_caller_, uses_varargs_, uses_kwargs_;
  ScopePtr closure_;
};

// A builtin function (or a method bound to its object): prints as an address, so never printed.
class NativeFunction : public Object {
 public:
  using Fn = std::function<Value(Interpreter&, Args)>;
  NativeFunction(std::string type, Fn fn) : type_(std::move(type)), fn_(std::move(fn)) {}
  std::string type_name() const override { return type_; }
  bool callable() const override { return true; }
  Value call(Interpreter& interp, Args args) override { return fn_(interp, std::move(args)); }

 private:
  std::string type_;
  Fn fn_;
};

// Jinja2's and transformers' globals, by name.
std::unordered_map<std::string, Value> make_builtins();

}  // namespace gauntlet::engine::jinja
