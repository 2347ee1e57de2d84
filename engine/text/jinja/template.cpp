#include "engine/text/jinja/template.h"

namespace gauntlet::engine::jinja {

Template::Template(std::string_view source, std::string name, const RenderLimits& limits)
    : name_(std::move(name)), limits_(limits) {
  try {
    parsed_ = std::make_shared<const ParsedTemplate>(parse(source));
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
