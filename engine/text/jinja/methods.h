#pragma once
// Methods of builtin values as a sandboxed template sees them: str (capitalize … zfill, format),
// dict (get, items, keys, values, copy), list/tuple (count, index, copy). Mutating methods the
// ImmutableSandboxedEnvironment refuses (list.append, dict.update, ...) are unsafe; the two it lets
// through (list.pop, list.clear) are unsupported here, never run on shared values.
#include <string>

#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

enum class MethodKind { kNone, kSafe, kUnsafe, kUnsupported };

// Whether `name` is a method of the value's Python type.
MethodKind method_kind(const Value& self, const std::string& name);

// Calls self.name(*args); the method must be kSafe.
Value call_method(Interpreter& interp, const Value& self, const std::string& name, Args args);

}  // namespace gauntlet::engine::jinja
