#pragma once
// CodeProblem: the tests of one code item, read from its dataset row.
//   function (HumanEval / MBPP): the tests field is one test program (e.g. a `def check(candidate)`
//     with its asserts) or a list of them (one assert each); the program a test runs is the prefix
//     field's text (e.g. HumanEval's prompt), the candidate's code, then the test. When the test
//     defines check() and the row has an entry point, the test's call is check(<entry point>).
//   stdio (LiveCodeBench / Codeforces): the tests field is a list of {"input", "output"} objects,
//     or {"inputs": [...], "outputs": [...]} (APPS), or either as a JSON string (LiveCodeBench).
// Dataset content is trusted text, never run on its own; only the candidate's code is untrusted.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::verifiers {

enum class CodeFormat { kFunction, kStdio };

// Which fields of a row hold what ("" = not used).
struct CodeFields {
  std::string tests = "tests";
  std::string prefix;                      // function: text put before the candidate's code
  std::string entry_point = "entry_point"; // function: the name check() is called with
};

struct StdioTest {
  std::string input;
  std::string output;
};

struct CodeProblem {
  CodeFormat format = CodeFormat::kFunction;
  std::string prefix;                 // function
  std::vector<std::string> programs;  // function: each test's code
  std::string call;                   // function: "check(<entry point>)" when a test defines check, else "None"
  std::vector<StdioTest> io;          // stdio

  std::size_t size() const { return format == CodeFormat::kFunction ? programs.size() : io.size(); }
};

// Throws std::invalid_argument naming the field and what is wrong (missing, wrong type, no tests,
// an entry point that is not a Python identifier).
CodeProblem read_code_problem(const nlohmann::json& item, CodeFormat format, const CodeFields& fields);

}  // namespace gauntlet::verifiers
