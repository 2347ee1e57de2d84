#include "engine/text/jinja/args.h"

namespace gauntlet::engine::jinja {

BoundArgs::BoundArgs(std::string function, Args args, std::initializer_list<const char*> params)
    : function_(std::move(function)) {
  for (const char* p : params) names_.emplace_back(p);
  values_.resize(names_.size());
  if (args.positional.size() > names_.size())
    type_error(function_ + "() takes at most " + std::to_string(names_.size()) + " argument" +
               (names_.size() == 1 ? "" : "s") + " (" + std::to_string(args.positional.size()) + " given)");
  for (std::size_t i = 0; i < args.positional.size(); ++i) values_[i] = std::move(args.positional[i]);
  for (auto& [name, value] : args.keyword) {
    std::size_t i = 0;
    while (i < names_.size() && names_[i] != name) ++i;
    if (i == names_.size()) type_error(function_ + "() got an unexpected keyword argument '" + name + "'");
    if (values_[i]) type_error(function_ + "() got multiple values for argument '" + name + "'");
    values_[i] = std::move(value);
  }
}

const Value& BoundArgs::required(std::size_t i) const {
  if (!values_[i]) type_error(function_ + "() missing required argument '" + names_[i] + "'");
  return *values_[i];
}

std::int64_t to_index(const Value& v, const std::string& what) {
  if (v.is_int() || v.is_bool()) return v.int_value();
  if (v.is_undefined()) undefined_error(v);
  type_error("'" + v.type_name() + "' object cannot be interpreted as an integer" + (what.empty() ? "" : " (" + what + ")"));
}

double to_double(const Value& v, const std::string& what) {
  if (v.is_number()) return v.float_value();
  if (v.is_undefined()) undefined_error(v);
  type_error(what + ": must be a real number, not " + v.type_name());
}

const std::string& to_string_arg(const Value& v, const std::string& what) {
  if (v.is_string()) return v.str();
  if (v.is_undefined()) undefined_error(v);
  type_error(what + ", not " + v.type_name());
}

}  // namespace gauntlet::engine::jinja
