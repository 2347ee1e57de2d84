#pragma once
// Jinja2's builtin filters with transformers' tojson (json.dumps, non-ASCII kept, indent,
// separators, sort_keys). Each behaves as Jinja2 3.1 does on the values a template can hold.
#include <string>

#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

enum class Availability { kImplemented, kNotImplemented, kUnknown };

Availability filter_availability(const std::string& name);
Value apply_filter(Interpreter& interp, const std::string& name, const Value& value, Args args);

}  // namespace gauntlet::engine::jinja
