#include "engine/text/jinja/objects.h"

#include <ctime>

#include "engine/text/jinja/args.h"
#include "engine/text/jinja/py_str.h"

namespace gauntlet::engine::jinja {
namespace {

Value native(const char* type, NativeFunction::Fn fn) {
  return Value::object(std::make_shared<NativeFunction>(type, std::move(fn)));
}

// dict(*args, **kwargs) as Python builds it: one mapping or iterable of pairs, then keywords.
Dict build_dict(const std::string& function, Args args) {
  if (args.positional.size() > 1)
    type_error(function + " expected at most 1 argument, got " + std::to_string(args.positional.size()));
  Dict d;
  if (!args.positional.empty()) {
    const Value& src = args.positional[0];
    if (src.is_dict()) {
      d = src.dict();
    } else {
      if (src.is_undefined()) undefined_error(src);
      std::size_t index = 0;
      for (const Value& item : iterate(src)) {
        if (item.is_undefined()) undefined_error(item);
        if (item.is_number() || item.is_none() || item.is_dict() || item.is_object())
          type_error("cannot convert dictionary update sequence element #" + std::to_string(index) + " to a sequence");
        std::vector<Value> pair = iterate(item);
        if (pair.size() != 2)
          throw TemplateError(ErrorKind::kType, "dictionary update sequence element #" + std::to_string(index) +
                                                    " has length " + std::to_string(pair.size()) + "; 2 is required");
        require_hashable(pair[0]);
        d.set(pair[0], pair[1]);
        ++index;
      }
    }
  }
  for (auto& [k, v] : args.keyword) d.set(Value::string(k), std::move(v));
  return d;
}

class CyclerObject : public Object {
 public:
  explicit CyclerObject(std::vector<Value> items) : items_(std::move(items)) {}
  std::string type_name() const override { return "Cycler"; }
  Value getattr(const std::string& name) const override {
    auto self = const_cast<CyclerObject*>(this);
    if (name == "current") return items_[pos_];
    if (name == "next")
      return native("method", [self](Interpreter&, Args) {
        Value v = self->items_[self->pos_];
        self->pos_ = (self->pos_ + 1) % self->items_.size();
        return v;
      });
    if (name == "reset")
      return native("method", [self](Interpreter&, Args) {
        self->pos_ = 0;
        return Value::none();
      });
    return Object::getattr(name);
  }

 private:
  std::vector<Value> items_;
  std::size_t pos_ = 0;
};

class JoinerObject : public Object {
 public:
  explicit JoinerObject(std::string sep) : sep_(std::move(sep)) {}
  std::string type_name() const override { return "Joiner"; }
  bool callable() const override { return true; }
  Value call(Interpreter&, Args) override {
    if (!used_) {
      used_ = true;
      return Value::string("");
    }
    return Value::string(sep_);
  }

 private:
  std::string sep_;
  bool used_ = false;
};

Value range_value(Args args) {
  if (!args.keyword.empty()) type_error("range() takes no keyword arguments");
  const auto& p = args.positional;
  if (p.empty() || p.size() > 3) type_error("range expected at least 1 argument, got " + std::to_string(p.size()));
  std::int64_t start = 0, stop, step = 1;
  if (p.size() == 1) {
    stop = to_index(p[0], "");
  } else {
    start = to_index(p[0], "");
    stop = to_index(p[1], "");
    if (p.size() == 3) step = to_index(p[2], "");
  }
  if (step == 0) throw TemplateError(ErrorKind::kType, "range() arg 3 must not be zero");
  std::int64_t count = 0;
  if (step > 0 && start < stop) count = (stop - start - 1) / step + 1;
  if (step < 0 && start > stop) count = (start - stop - 1) / (-step) + 1;
  if (count > 100000)
    throw TemplateError(ErrorKind::kSecurity, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  Sequence s;
  s.kind = SeqKind::kRange;
  s.range_start = start;
  s.range_stop = stop;
  s.range_step = step;
  for (std::int64_t i = 0; i < count; ++i) s.items.push_back(Value::integer(start + i * step));
  return Value::sequence(std::move(s));
}

}  // namespace

std::optional<std::string> NamespaceObject::repr() const {
  return "<Namespace " + jinja::repr(Value::dict(attrs_)) + ">";
}

Value NamespaceObject::getattr(const std::string& name) const {
  if (const Value* v = attrs_.find(name)) return *v;
  return Object::getattr(name);
}

std::optional<std::string> LoopObject::repr() const {
  return "<LoopContext " + std::to_string(index0_ + 1) + "/" + std::to_string(items_->size()) + ">";
}

Value LoopObject::getattr(const std::string& name) const {
  const auto n = static_cast<std::int64_t>(items_->size());
  const auto i = static_cast<std::int64_t>(index0_);
  if (name == "index") return Value::integer(i + 1);
  if (name == "index0") return Value::integer(i);
  if (name == "revindex") return Value::integer(n - i);
  if (name == "revindex0") return Value::integer(n - i - 1);
  if (name == "first") return Value::boolean(i == 0);
  if (name == "last") return Value::boolean(i == n - 1);
  if (name == "length") return Value::integer(n);
  if (name == "depth") return Value::integer(depth0_ + 1);
  if (name == "depth0") return Value::integer(depth0_);
  if (name == "previtem")
    return i == 0 ? Value::undefined_hint("there is no previous item") : (*items_)[index0_ - 1];
  if (name == "nextitem") return i + 1 >= n ? Value::undefined_hint("there is no next item") : (*items_)[index0_ + 1];
  if (name == "cycle") {
    std::int64_t index = i;
    return native("method", [index](Interpreter&, Args args) {
      if (!args.keyword.empty()) type_error("cycle() got an unexpected keyword argument");
      if (args.positional.empty()) type_error("no items for cycling given");
      return args.positional[static_cast<std::size_t>(index) % args.positional.size()];
    });
  }
  if (name == "changed") {
    auto self = const_cast<LoopObject*>(this);
    return native("method", [self](Interpreter&, Args args) {
      Value key = Value::sequence(std::move(args.positional), SeqKind::kTuple);
      if (!self->last_changed_ || !py_eq(*self->last_changed_, key)) {
        self->last_changed_ = key;
        return Value::boolean(true);
      }
      return Value::boolean(false);
    });
  }
  return Object::getattr(name);
}

Value LoopObject::call(Interpreter& interp, Args args) {
  if (!loop_) type_error("The loop must have the 'recursive' marker to be called recursively.");
  if (args.positional.size() != 1 || !args.keyword.empty()) type_error("loop() takes exactly one iterable");
  return Value::string(interp.recurse_loop(*loop_, scope_, args.positional[0], depth0_ + 1));
}

Value MacroObject::getattr(const std::string& name) const {
  if (name == "name") return Value::string(name_);
  if (name == "arguments") {
    std::vector<Value> names;
    for (const auto& n : params_.names) names.push_back(Value::string(n));
    return Value::sequence(std::move(names), SeqKind::kTuple);
  }
  if (name == "catch_kwargs") return Value::boolean(uses_kwargs_);
  if (name == "catch_varargs") return Value::boolean(uses_varargs_);
  if (name == "caller") return Value::boolean(uses_caller_);
  return Object::getattr(name);
}

Value MacroObject::call(Interpreter& interp, Args args) {
  return interp.invoke_macro(params_, body_, name_, uses_caller_, uses_varargs_, uses_kwargs_, closure_, std::move(args));
}

std::unordered_map<std::string, Value> make_builtins() {
  std::unordered_map<std::string, Value> g;
  g["range"] = native("builtin_function_or_method", [](Interpreter&, Args args) { return range_value(std::move(args)); });
  g["dict"] = native("type", [](Interpreter&, Args args) { return Value::dict(build_dict("dict", std::move(args))); });
  g["namespace"] = native("type", [](Interpreter&, Args args) {
    return Value::object(std::make_shared<NamespaceObject>(build_dict("Namespace", std::move(args))));
  });
  g["cycler"] = native("type", [](Interpreter&, Args args) {
    if (args.positional.empty()) type_error("at least one item has to be provided");
    return Value::object(std::make_shared<CyclerObject>(std::move(args.positional)));
  });
  g["joiner"] = native("type", [](Interpreter&, Args args) {
    BoundArgs a("joiner", std::move(args), {"sep"});
    return Value::object(std::make_shared<JoinerObject>(to_str(a.get(0, Value::string(", ")))));
  });
  g["lipsum"] = native("function", [](Interpreter&, Args) -> Value {
    throw TemplateError(ErrorKind::kUnsupported, "lipsum() (random text)");
  });
  // transformers' globals
  g["raise_exception"] = native("function", [](Interpreter&, Args args) -> Value {
    BoundArgs a("raise_exception", std::move(args), {"message"});
    throw TemplateError(ErrorKind::kRaised, to_str(a.required(0)));
  });
  g["strftime_now"] = native("function", [](Interpreter&, Args args) -> Value {
    BoundArgs a("strftime_now", std::move(args), {"format"});
    const std::string& format = to_string_arg(a.required(0), "strftime() argument 1 must be str");
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::string out(256 + format.size() * 8, '\0');
    std::size_t n = format.empty() ? 0 : std::strftime(out.data(), out.size(), format.c_str(), &local);
    out.resize(n);
    return Value::string(out);
  });
  return g;
}

}  // namespace gauntlet::engine::jinja
