#include "engine/text/jinja/template.h"

#include "engine/text/jinja/optimizer.h"

namespace gauntlet::engine::jinja {

Template::Template(std::string_view source, std::string name, const RenderLimits& limits)
    : name_(std::move(name)), limits_(limits) {
  try {
    auto parsed = std::make_shared<ParsedTemplate>(parse(source));
    optimize(*parsed, limits_);
    parsed_ = std::move(parsed);
  } catch (TemplateError& e) {
    e.set_source(name_);
    throw;
  }
}

std::string Template::render(const Dict& variables) const {
  try {
    Interpreter interp(*parsed_, variables, limits_);
    return interp.render();
  } catch (TemplateError& e) {
    e.set_source(name_);
    throw;
  }
}

}  // namespace gauntlet::engine::jinja
