#pragma once
// TemplateError: anything that stops a Jinja template from loading or rendering. The message names
// the template (its source, e.g. a tokenizer_config.json path), the template line and the construct;
// raise_exception() in a template gives kind kRaised with the template's own message.
#include <stdexcept>
#include <string>

namespace gauntlet::engine::jinja {

enum class ErrorKind {
  kSyntax,       // the template text cannot be parsed (TemplateSyntaxError / TemplateAssertionError)
  kUndefined,    // an undefined value used where Jinja2 raises UndefinedError
  kType,         // an operation Python refuses (TypeError, ValueError, KeyError, ZeroDivisionError, ...)
  kSecurity,     // what the ImmutableSandboxedEnvironment refuses (list.append, ranges > 100000 items)
  kRaised,       // the template called raise_exception(message)
  kUnsupported,  // Jinja2 would render it but this renderer does not (never rendered wrongly instead)
  kLimit,        // recursion depth, output size or evaluation steps over the renderer's limits
};

const char* error_kind_name(ErrorKind kind);

class TemplateError : public std::runtime_error {
 public:
  TemplateError(ErrorKind kind, std::string message, int line = 0);

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }  // without source and line
  int line() const { return line_; }                        // 1-based; 0 when unknown
  const std::string& source() const { return source_; }

  // Fill in where the error happened when the code that threw did not know it.
  void set_line_if_unknown(int line);
  void set_source(const std::string& source);

 private:
  void update();
  ErrorKind kind_;
  std::string message_;
  int line_;
  std::string source_;
  std::string what_;

 public:
  const char* what() const noexcept override { return what_.c_str(); }
};

}  // namespace gauntlet::engine::jinja
