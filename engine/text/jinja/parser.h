#pragma once
// Parser: tokens -> a Template (the statement tree), following Jinja2's grammar and operator
// precedence, with the tags of transformers' environment (loopcontrols' break/continue and
// AssistantTracker's generation). Filters and tests are checked against the ones this renderer
// implements. Throws TemplateError: kSyntax as Jinja2 would refuse the template, kUnsupported for
// what Jinja2 accepts but this renderer cannot run, kLimit for nesting beyond the depth limit.
#include <string>
#include <string_view>

#include "engine/text/jinja/ast.h"

namespace gauntlet::engine::jinja {

struct ParsedTemplate {
  Body body;
};

ParsedTemplate parse(std::string_view source, int max_depth = 200);

}  // namespace gauntlet::engine::jinja
