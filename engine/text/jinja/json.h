#pragma once
// JSON in and out of template values: values from parsed JSON (object key order kept, as Python's
// json.loads keeps it), and Python's json.dumps as transformers' tojson filter calls it
// (ensure_ascii, indent, separators, sort_keys).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

// Throws TemplateError (kUnsupported) for integers outside 64 bits.
Value value_from_json(const nlohmann::ordered_json& j);

struct JsonDumpOptions {
  bool ensure_ascii = false;
  std::optional<std::string> indent;  // unset: compact; the indent string per level otherwise
  std::optional<std::pair<std::string, std::string>> separators;  // item, key
  bool sort_keys = false;
};

// json.dumps(value, ...); TypeError for values JSON cannot hold ("Object of type X is not JSON
// serializable") and for dict keys other than str, int, float, bool or None.
std::string json_dumps(const Value& value, const JsonDumpOptions& options);

}  // namespace gauntlet::engine::jinja
