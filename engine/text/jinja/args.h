#pragma once
// Binding call arguments to a Python-style signature for builtin filters, tests, methods and
// globals: positional then keyword by name, defaults, and TypeErrors for what does not fit.
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

class BoundArgs {
 public:
  // `params` are the names after the value the filter/method applies to. Throws TypeError for an
  // unknown keyword, a parameter given twice or too many positional arguments.
  BoundArgs(std::string function, Args args, std::initializer_list<const char*> params);

  bool has(std::size_t i) const { return values_[i].has_value(); }
  const std::optional<Value>& operator[](std::size_t i) const { return values_[i]; }
  Value get(std::size_t i, Value fallback) const { return values_[i] ? *values_[i] : std::move(fallback); }
  // A required parameter: TypeError "f() missing required argument 'x'" when absent.
  const Value& required(std::size_t i) const;
  const std::string& function() const { return function_; }

 private:
  std::string function_;
  std::vector<std::string> names_;
  std::vector<std::optional<Value>> values_;
};

// Conversions with Python's TypeErrors.
std::int64_t to_index(const Value& v, const std::string& what);    // int or bool
double to_double(const Value& v, const std::string& what);         // int, bool or float
const std::string& to_string_arg(const Value& v, const std::string& what);  // what: "x must be str"

}  // namespace gauntlet::engine::jinja
