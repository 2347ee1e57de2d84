#include "engine/text/jinja/error.h"

namespace gauntlet::engine::jinja {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kSyntax: return "syntax error";
    case ErrorKind::kUndefined: return "undefined";
    case ErrorKind::kType: return "error";
    case ErrorKind::kSecurity: return "security error";
    case ErrorKind::kRaised: return "raise_exception";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kLimit: return "limit exceeded";
  }
  return "error";
}

TemplateError::TemplateError(ErrorKind kind, std::string message, int line)
    : std::runtime_error(message), kind_(kind), message_(std::move(message)), line_(line) {
  update();
}

void TemplateError::set_line_if_unknown(int line) {
  if (line_ == 0 && line > 0) {
    line_ = line;
    update();
  }
}

void TemplateError::set_source(const std::string& source) {
  source_ = source;
  update();
}

// "<source>: template line N: <kind>: <message>"
void TemplateError::update() {
  what_.clear();
  if (!source_.empty()) what_ += source_ + ": ";
  what_ += "template";
  if (line_ > 0) what_ += " line " + std::to_string(line_);
  what_ += ": ";
  what_ += error_kind_name(kind_);
  what_ += ": " + message_;
}

}  // namespace gauntlet::engine::jinja
