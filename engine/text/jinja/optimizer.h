#pragma once
// Constant folding as Jinja2's optimizer and code generator do it, because folding changes what a
// template renders: every expression whose compile-time value (Interpreter::fold) has a safe repr
// becomes a constant, bottom-up, and every {{ }} whose value is known at compile time is printed
// then. The difference shows in slices of constants (folded through environment.getitem, which
// turns Python's TypeError into an Undefined) and in what an Undefined folds into.
#include "engine/text/jinja/interpreter.h"
#include "engine/text/jinja/parser.h"

namespace gauntlet::engine::jinja {

void optimize(ParsedTemplate& tmpl, const RenderLimits& limits);

}  // namespace gauntlet::engine::jinja
