#pragma once
// Jinja2's builtin tests (defined, none, string, mapping, sequence, iterable, equalto, ...).
#include <string>

#include "engine/text/jinja/filters.h"
#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

Availability test_availability(const std::string& name);
bool apply_test(Interpreter& interp, const std::string& name, const Value& value, Args args);

}  // namespace gauntlet::engine::jinja
