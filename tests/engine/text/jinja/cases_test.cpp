// The renderer against cases.jsonl: one line per construct, filter, test, method, whitespace rule
// and error, with what Jinja2 renders for it in transformers' environment (make_cases.py wrote the
// file with Jinja2; the peer test jinja_peer_test.cpp checks it still agrees with Jinja2). Errors
// must be raised with Jinja2's message and the matching kind.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text/jinja/json.h"
#include "engine/text/jinja/template.h"

namespace gauntlet::engine::jinja {
namespace {

using ojson = nlohmann::ordered_json;

std::vector<ojson> load_cases() {
  std::ifstream in(std::string(GAUNTLET_SOURCE_DIR) + "/tests/engine/text/jinja/cases.jsonl");
  std::vector<ojson> rows;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) rows.push_back(ojson::parse(line));
  return rows;
}

// Jinja2's exception classes and the kind we raise for each.
ErrorKind kind_of(const std::string& python_class) {
  static const std::map<std::string, ErrorKind> kKinds = {
      {"TemplateSyntaxError", ErrorKind::kSyntax},  {"TemplateAssertionError", ErrorKind::kSyntax},
      {"UndefinedError", ErrorKind::kUndefined},    {"SecurityError", ErrorKind::kSecurity},
      {"OverflowError", ErrorKind::kSecurity},      {"TemplateError", ErrorKind::kRaised},
      {"TypeError", ErrorKind::kType},              {"ValueError", ErrorKind::kType},
      {"ZeroDivisionError", ErrorKind::kType},      {"TemplateRuntimeError", ErrorKind::kType}};
  auto it = kKinds.find(python_class);
  if (it == kKinds.end()) ADD_FAILURE() << "no kind for " << python_class;
  return it == kKinds.end() ? ErrorKind::kType : it->second;
}

std::string render(const ojson& row) {
  Template t(row.at("template").get<std::string>(), "case");
  return t.render(value_from_json(row.at("variables")).dict());
}

TEST(JinjaCases, EveryCaseRendersAsJinja2Does) {
  const auto rows = load_cases();
  ASSERT_GE(rows.size(), 150u);
  int errors = 0;
  for (const auto& row : rows) {
    const std::string name = row.at("name");
    SCOPED_TRACE(name + ": " + row.at("template").get<std::string>());
    if (row.contains("text")) {
      try {
        EXPECT_EQ(render(row), row.at("text").get<std::string>());
      } catch (const TemplateError& e) {
        ADD_FAILURE() << "raised " << e.what();
      }
      continue;
    }
    ++errors;
    try {
      std::string out = render(row);
      ADD_FAILURE() << "rendered " << out << " where Jinja2 raises " << row.at("message");
    } catch (const TemplateError& e) {
      EXPECT_EQ(e.message(), row.at("message").get<std::string>());
      EXPECT_EQ(e.kind(), kind_of(row.at("error"))) << e.what();
    }
  }
  EXPECT_GE(errors, 30);
}

TEST(JinjaCases, ErrorsNameTheTemplateLine) {
  for (const auto& row : load_cases()) {
    if (row.at("name") != "error/raise_exception_line") continue;
    try {
      render(row);
    } catch (const TemplateError& e) {
      EXPECT_EQ(e.line(), 3);
      EXPECT_EQ(std::string(e.what()), "case: template line 3: raise_exception: boom on line 3");
      return;
    }
  }
  FAIL() << "case error/raise_exception_line missing or not raised";
}

}  // namespace
}  // namespace gauntlet::engine::jinja
