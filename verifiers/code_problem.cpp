#include "verifiers/code_problem.h"

#include <stdexcept>

#include "verifiers/text.h"

namespace gauntlet::verifiers {
namespace {

[[noreturn]] void fail(const std::string& field, const std::string& what) {
  throw std::invalid_argument("field '" + field + "': " + what);
}

bool is_identifier(const std::string& s) {
  if (s.empty() || is_digit(s[0])) return false;
  for (char c : s)
    if (!is_alpha(c) && !is_digit(c) && c != '_') return false;
  return true;
}

// A test program defines check() when a line starts with "def check(".
bool defines_check(const std::string& program) {
  for (std::size_t at = 0; (at = program.find("def check(", at)) != std::string::npos; ++at)
    if (at == 0 || program[at - 1] == '\n') return true;
  return false;
}

std::string text_of(const nlohmann::json& v, const std::string& field, const std::string& what) {
  if (!v.is_string()) fail(field, what + " must be a string");
  return v.get<std::string>();
}

std::vector<StdioTest> read_io(const nlohmann::json& tests, const std::string& field) {
  std::vector<StdioTest> out;
  if (tests.is_array()) {
    for (std::size_t i = 0; i < tests.size(); ++i) {
      const auto& t = tests[i];
      const std::string at = "test " + std::to_string(i);
      if (!t.is_object() || !t.contains("input") || !t.contains("output"))
        fail(field, at + " must be an object with \"input\" and \"output\"");
      out.push_back({text_of(t["input"], field, at + " input"), text_of(t["output"], field, at + " output")});
    }
  } else if (tests.is_object() && tests.contains("inputs") && tests.contains("outputs")) {
    const auto& in = tests["inputs"];
    const auto& expected = tests["outputs"];
    if (!in.is_array() || !expected.is_array() || in.size() != expected.size())
      fail(field, "\"inputs\" and \"outputs\" must be lists of the same length");
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::string at = "test " + std::to_string(i);
      out.push_back({text_of(in[i], field, at + " input"), text_of(expected[i], field, at + " output")});
    }
  } else {
    fail(field, "expected a list of {\"input\", \"output\"} objects or {\"inputs\": [...], \"outputs\": [...]}");
  }
  return out;
}

}  // namespace

CodeProblem read_code_problem(const nlohmann::json& item, CodeFormat format, const CodeFields& fields) {
  CodeProblem p;
  p.format = format;
  if (!item.is_object()) throw std::invalid_argument("the item is not a JSON object");
  auto tests = item.find(fields.tests);
  if (tests == item.end() || tests->is_null()) fail(fields.tests, "missing (it holds the tests)");
  if (format == CodeFormat::kStdio) {
    if (tests->is_string()) {
      auto parsed = nlohmann::json::parse(tests->get<std::string>(), nullptr, false);
      if (parsed.is_discarded()) fail(fields.tests, "a string, but not JSON of the tests");
      p.io = read_io(parsed, fields.tests);
    } else {
      p.io = read_io(*tests, fields.tests);
    }
  } else {
    if (tests->is_string()) {
      p.programs.push_back(tests->get<std::string>());
    } else if (tests->is_array()) {
      for (std::size_t i = 0; i < tests->size(); ++i)
        p.programs.push_back(text_of((*tests)[i], fields.tests, "test " + std::to_string(i)));
    } else {
      fail(fields.tests, "expected a test program or a list of them");
    }
    for (const auto& program : p.programs)
      if (trim(program).empty()) fail(fields.tests, "a test program is empty");
    if (!fields.prefix.empty()) {
      auto prefix = item.find(fields.prefix);
      if (prefix == item.end() || prefix->is_null()) fail(fields.prefix, "missing (the text before the code)");
      p.prefix = text_of(*prefix, fields.prefix, "the prefix");
    }
    p.call = "None";
    if (!fields.entry_point.empty()) {
      auto entry = item.find(fields.entry_point);
      if (entry != item.end() && !entry->is_null()) {
        std::string name = trim(text_of(*entry, fields.entry_point, "the entry point"));
        if (!is_identifier(name)) fail(fields.entry_point, "'" + name + "' is not a Python identifier");
        bool check = true;
        for (const auto& program : p.programs) check = check && defines_check(program);
        if (check) p.call = "check(" + name + ")";
      }
    }
  }
  if (p.size() == 0) fail(fields.tests, "no tests");
  return p;
}

}  // namespace gauntlet::verifiers
