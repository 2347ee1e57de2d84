#pragma once
// jinja::Template: a Jinja template parsed once and rendered many times, with the semantics of
// transformers' chat-template environment (see interpreter.h). Thread-safe: render() is const
// and keeps its state per call.
#include <memory>
#include <string>
#include <string_view>

#include "engine/text/jinja/interpreter.h"
#include "engine/text/jinja/parser.h"
#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

class Template {
 public:
  // Parses `source`; `name` (e.g. a file path) prefixes error messages. Throws TemplateError.
  explicit Template(std::string_view source, std::string name = "", const RenderLimits& limits = {});

  // Renders with the given top-level variables. Throws TemplateError (raise_exception included).
  std::string render(const Dict& variables) const;

  const std::string& name() const { return name_; }

 private:
  std::shared_ptr<const ParsedTemplate> parsed_;
  std::string name_;
  RenderLimits limits_;
};

}  // namespace gauntlet::engine::jinja
