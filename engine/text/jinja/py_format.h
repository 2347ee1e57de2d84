#pragma once
// Python's string formatting for templates: printf-style `str % args` (Jinja2's format filter and
// the % operator), str.format with the format-spec mini-language, and markupsafe's escape().
#include <string>
#include <string_view>

#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

class Interpreter;

// format % args: a tuple supplies the positional values, a dict the %(name)s ones, anything else
// is the single value. With `escape_args` (a Markup format string) the values are escaped.
std::string percent_format(std::string_view format, const Value& args, bool escape_args = false);

// str.format(*args, **kwargs); field attributes and items are looked up with the sandbox rules.
std::string str_format(Interpreter& interp, std::string_view format, const Args& args);

// format(value, spec) for str, int, bool, float (and the empty spec for everything else).
std::string format_value(const Value& value, std::string_view spec);

// markupsafe.escape: & < > " ' as HTML entities.
std::string markup_escape(std::string_view text);

}  // namespace gauntlet::engine::jinja
