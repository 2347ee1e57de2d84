// What the renderer refuses: constructs Jinja2 would run but chat templates do not need (a
// kUnsupported error naming the construct and the template line, never a different render), and
// templates that exceed the render limits (kLimit) instead of exhausting memory or the stack.
#include <gtest/gtest.h>

#include <string>

#include "engine/text/jinja/template.h"

namespace gauntlet::engine::jinja {
namespace {

TemplateError error_of(const std::string& source, const RenderLimits& limits = {}, const Dict& vars = {}) {
  try {
    Template t(source, "t", limits);
    t.render(vars);
  } catch (const TemplateError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << source;
  return TemplateError(ErrorKind::kType, "none");
}

void expect_unsupported(const std::string& source, const std::string& names, int line) {
  TemplateError e = error_of(source);
  EXPECT_EQ(e.kind(), ErrorKind::kUnsupported) << source << ": " << e.what();
  EXPECT_NE(e.message().find(names), std::string::npos) << source << ": " << e.what();
  EXPECT_EQ(e.line(), line) << source << ": " << e.what();
}

TEST(JinjaUnsupported, ConstructsWeDoNotRunAreNamedWithTheirLine) {
  expect_unsupported("{% include 'other.jinja' %}", "'include' tag", 1);
  expect_unsupported("x\n{% extends 'base.jinja' %}", "'extends' tag", 2);
  expect_unsupported("{% import 'm.jinja' as m %}", "'import' tag", 1);
  expect_unsupported("a\nb\n{{ text | wordwrap(5) }}", "'wordwrap' filter", 3);
  expect_unsupported("{{ [1, 2] | random }}", "'random' filter", 1);
  expect_unsupported("{{ 'x' | urlencode }}", "'urlencode' filter", 1);
  expect_unsupported("{{ lipsum() }}", "lipsum", 1);
  expect_unsupported("{{ 'a\tb'.expandtabs() }}", "expandtabs", 1);
  expect_unsupported("{{ '\\N{BULLET}' }}", "\\N{...}", 1);
  // Python would print a memory address: there is nothing exact to render.
  expect_unsupported("{{ 'abc'.upper }}", "memory address", 1);
  expect_unsupported("{{ [1, 2] | select('odd') }}", "generator", 1);
}

TEST(JinjaLimits, RunawayRecursionIsALimitErrorNotACrash) {
  TemplateError e = error_of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
  EXPECT_EQ(e.kind(), ErrorKind::kLimit) << e.what();
  RenderLimits small;
  small.max_call_depth = 5;
  EXPECT_EQ(error_of("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(10) }}", small).kind(),
            ErrorKind::kLimit);
}

TEST(JinjaLimits, OutputAndStepsAreBounded) {
  RenderLimits small;
  small.max_output_bytes = 1000;
  EXPECT_EQ(error_of("{{ 'x' * 2000 }}", small).kind(), ErrorKind::kLimit);
  EXPECT_EQ(error_of("{% for i in range(100) %}{{ 'abcdefghijklmnopqrstuvwxyz' }}{% endfor %}", small).kind(),
            ErrorKind::kLimit);
  small = RenderLimits();
  small.max_steps = 1000;
  EXPECT_EQ(error_of("{% for i in range(10000) %}{{ i }}{% endfor %}", small).kind(), ErrorKind::kLimit);
}

TEST(JinjaLimits, DeepNestingIsRefusedWhileParsing) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "(";
  deep = "{{ " + deep + "1" + std::string(5000, ')') + " }}";
  TemplateError e = error_of(deep);
  EXPECT_TRUE(e.kind() == ErrorKind::kLimit || e.kind() == ErrorKind::kSyntax) << e.what();
}

}  // namespace
}  // namespace gauntlet::engine::jinja
