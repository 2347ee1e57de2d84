// Peer test: the Jinja renderer against Jinja2 in transformers' environment
// (scripts/peer_jinja2.py) on (1) tests/engine/text/jinja/cases.jsonl, so the unit test's
// expectations stay Jinja2's; (2) thousands of random expressions over filters, tests, methods and
// operators; (3) random nestings of text and tags with every whitespace-control marker. A render
// must give Jinja2's text, or fail where Jinja2 fails; our kUnsupported error (a construct we name
// and refuse) is allowed in place of a render but must stay rare.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/text/jinja/json.h"
#include "engine/text/jinja/template.h"
#include "tests/engine/peer/jinja_peers.h"

namespace gauntlet::engine::jinja {
namespace {

using gauntlet::testing::ojson;

ojson ours(const std::string& source, const ojson& variables) {
  try {
    Template t(source, "peer");
    return {{"text", t.render(value_from_json(variables).dict())}};
  } catch (const TemplateError& e) {
    return {{"error", error_kind_name(e.kind())}, {"message", e.message()}, {"unsupported", e.kind() == ErrorKind::kUnsupported}};
  }
}

std::string show(const ojson& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// Renders every (template, variables) pair both ways; returns how many we refused as unsupported.
int compare(const std::vector<std::pair<std::string, ojson>>& cases) {
  ojson request = {{"templates", ojson::array()}, {"cases", ojson::array()}};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    request["templates"].push_back({{"text", cases[i].first}});
    request["cases"].push_back({{"template", i}, {"variables", cases[i].second}});
  }
  const auto jinja2 = gauntlet::testing::ask_jinja2(request);
  if (jinja2.size() != cases.size()) return 0;
  int mismatches = 0, unsupported = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const ojson got = ours(cases[i].first, cases[i].second);
    if (got.value("unsupported", false)) {
      ++unsupported;
      continue;
    }
    if (!gauntlet::testing::same_answer(got, jinja2[i]) && ++mismatches <= 10)
      ADD_FAILURE() << "template: " << show(cases[i].first) << "\n jinja2: " << show(jinja2[i]) << "\n ours:   " << show(got);
  }
  EXPECT_EQ(mismatches, 0);
  return unsupported;
}

class JinjaPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gauntlet::testing::jinja2_available()) GTEST_SKIP() << "/usr/bin/python3 has no jinja2 (apt-get install python3-jinja2)";
  }
};

TEST_F(JinjaPeer, CasesFileStillSaysWhatJinja2Renders) {
  std::ifstream in(std::string(GAUNTLET_SOURCE_DIR) + "/tests/engine/text/jinja/cases.jsonl");
  std::vector<ojson> rows;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) rows.push_back(ojson::parse(line));
  ASSERT_GE(rows.size(), 150u);
  ojson request = {{"templates", ojson::array()}, {"cases", ojson::array()}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    request["templates"].push_back({{"text", rows[i]["template"]}});
    request["cases"].push_back({{"template", i}, {"variables", rows[i]["variables"]}});
  }
  const auto jinja2 = gauntlet::testing::ask_jinja2(request);
  ASSERT_EQ(jinja2.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ojson want = rows[i].contains("text") ? ojson{{"text", rows[i]["text"]}}
                                          : ojson{{"error", rows[i]["error"]}, {"message", rows[i]["message"]}};
    EXPECT_EQ(jinja2[i], want) << rows[i]["name"] << " (rerun tests/engine/text/jinja/make_cases.py)";
  }
}

// Random expressions: atoms, filters, methods, operators, tests, conditionals and subscripts,
// nested three deep, in {{ }}, if, for and set.
class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(unsigned seed) : rng_(seed) {}

  std::string statement() {
    const double r = uniform();
    if (r < 0.6) return "{{ " + expr(0) + " }}";
    if (r < 0.75) return "{% if " + expr(0) + " %}T{% else %}F{% endif %}";
    if (r < 0.9) return "{% for x in " + expr(0) + " %}{{ loop.index }}{{ x }},{% else %}E{% endfor %}";
    return "{% set v = " + expr(0) + " %}{{ v }}";
  }

 private:
  double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[rng_() % v.size()]; }

  std::string expr(int depth) {
    static const std::vector<std::string> atoms = {
        "1", "0", "-3", "2.5", "0.1", "1e3", "'abc'", "'A b C'", "''", "' x '", "'é数😀'", "none", "true", "false",
        "[1, 2, 3]", "['b', 'a', 'B']", "[]", "{'a': 1, 'b': 'x'}", "{}", "(1, 'a')", "s", "n", "f", "l", "d", "u",
        "m", "ms", "'a,b,,c'", "'Hello World'", "'\\n x \\t'", "[1, [2, 3]]", "[none, 0, '']", "range(4)", "'%s-%d'",
        "'{}|{}'", "ms[0]", "ms[-1].content", "d.a", "l[1:]", "s[::-1]", "[3, 1, 2]",
        "[{'k': 2, 'v': 'b'}, {'k': 1, 'v': 'a'}]"};
    static const std::vector<std::string> filters = {
        "length", "first", "last", "upper", "lower", "title", "capitalize", "trim", "list", "join", "join(', ')",
        "string", "int", "float", "abs", "tojson", "tojson(indent=2)", "unique|list", "sort", "sort(reverse=true)",
        "reverse|list", "default('D')", "default('D', true)", "items|list", "dictsort", "map('upper')|list",
        "map(attribute='k')|list", "select|list", "reject|list", "selectattr('k')|list", "sum", "min", "max",
        "replace('a', 'X')", "round", "round(1)", "batch(2)|list", "slice(2)|list", "center(7)", "indent(2)",
        "truncate(5)", "wordcount", "count", "escape", "safe", "format(1, 2)", "list|length", "int(7)",
        "float(1.5)", "string|length", "join('-', attribute='v')", "sort(attribute='k')|map(attribute='v')|join",
        "groupby('k')|list", "attr('a')"};
    static const std::vector<std::string> methods = {
        "upper()", "lower()", "strip()", "split()", "split(',')", "startswith('a')", "endswith('c')",
        "replace('b', 'Y')", "title()", "capitalize()", "get('a')", "get('z', 0)", "items()|list", "keys()|list",
        "values()|list", "count('a')", "find('b')", "lstrip('a')", "rstrip()", "format(1, 'q')", "join(['p', 'q'])",
        "isdigit()", "splitlines()", "index(1)", "rsplit(',', 1)", "zfill(5)", "center(8, '-')", "isupper()",
        "swapcase()", "partition(',')"};
    static const std::vector<std::string> ops = {"+", "-", "*", "/", "//", "%", "**", "~", "==", "!=", "<", ">",
                                                 "<=", ">=", "in", "not in", "and", "or"};
    static const std::vector<std::string> tests = {
        "defined", "undefined", "none", "string", "number", "mapping", "sequence", "iterable", "true", "false", "odd",
        "even", "integer", "float", "boolean", "lower", "upper", "callable", "equalto 1", "in [1, 'abc']",
        "divisibleby 2", "sameas none"};
    static const std::vector<std::string> subscripts = {"0", "-1", "1:", ":2", "::-1", "'a'", "1:3"};
    const double r = uniform();
    if (depth > 2 || r < 0.3) return pick(atoms);
    const std::string a = "(" + expr(depth + 1) + ")";
    if (r < 0.5) return a + " | " + pick(filters);
    if (r < 0.62) return a + "." + pick(methods);
    if (r < 0.8) return a + " " + pick(ops) + " (" + expr(depth + 1) + ")";
    if (r < 0.86) return a + " is " + (uniform() < 0.5 ? "not " : "") + pick(tests);
    if (r < 0.9) return a + " if (" + expr(depth + 1) + ") else (" + expr(depth + 1) + ")";
    if (r < 0.95) return a + "[" + pick(subscripts) + "]";
    return "not " + a;
  }

  std::mt19937 rng_;
};

TEST_F(JinjaPeer, RandomExpressionsRenderAsJinja2) {
  const ojson variables = ojson::parse(R"({"s": "abc", "n": 42, "f": -1.25, "l": [3, 1, 2], "d": {"a": 1, "b": [1, 2]},
      "m": {"role": "user", "content": "hi"}, "ms": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]})");
  ExpressionGenerator gen(20240611u);
  std::vector<std::pair<std::string, ojson>> cases;
  std::mt19937 count(7);
  for (int i = 0; i < 2500; ++i) {
    std::string t;
    for (unsigned k = 0, n = 1 + count() % 3; k < n; ++k) t += (k ? " " : "") + gen.statement();
    cases.emplace_back(t, variables);
  }
  const int unsupported = compare(cases);
  EXPECT_LT(unsupported, 125) << "unsupported constructs are refused loudly, but should stay rare";
  std::printf("%zu random templates compared with Jinja2, %d refused as unsupported\n", cases.size(), unsupported);
}

// Random text and tags, each tag with a random whitespace marker (none, -, +) on either side.
class WhitespaceGenerator {
 public:
  explicit WhitespaceGenerator(unsigned seed) : rng_(seed) {}

  std::string block(int depth) {
    std::string out;
    for (unsigned i = 0, n = 1 + rng_() % 4; i < n; ++i) {
      out += text();
      const unsigned r = rng_() % 100;
      if (r < 25) {
        out += "{{" + std::string(rng_() % 2 ? "-" : "") + " " + pick({"v", "'s'", "1", "loop.index if loop is defined else 0"}) +
               " " + (rng_() % 2 ? "-" : "") + "}}";
      } else if (r < 40) {
        out += "{#" + mark() + " c\n " + (rng_() % 3 ? "" : "-") + "#}";
      } else if (r < 60 && depth < 3) {
        out += tag("if v") + block(depth + 1) + tag("else") + block(depth + 1) + tag("endif");
      } else if (r < 75 && depth < 3) {
        out += tag("for i in [1, 2]") + block(depth + 1) + tag("endfor");
      } else if (r < 85) {
        out += tag("set w = 1");
      } else if (r < 92 && depth < 3) {
        out += "{%" + mark() + " raw " + (rng_() % 2 ? "-" : "") + "%}" + text() + "{{ x }}" + text() + "{%" + mark() +
               " endraw " + (rng_() % 2 ? "-" : "") + "%}";
      } else if (depth < 3) {
        out += tag("macro m()") + block(depth + 1) + tag("endmacro") + "{{ m() }}";
      }
    }
    return out + text();
  }

 private:
  std::string pick(std::vector<std::string> v) { return v[rng_() % v.size()]; }
  std::string mark() { return pick({"", "", "-", "+"}); }
  std::string tag(const std::string& body) { return "{%" + mark() + " " + body + " " + mark() + "%}"; }
  std::string text() {
    static const std::vector<std::string> pieces = {"",  " ", "  ", "\n", "\n\n", " \n", "\n  ", "\t",
                                                    "x", "a b", "\n x\n", "  \n  ", "\r\n", " y \n\t"};
    std::string s;
    for (unsigned i = 0, n = rng_() % 4; i < n; ++i) s += pieces[rng_() % pieces.size()];
    return s;
  }

  std::mt19937 rng_;
};

TEST_F(JinjaPeer, WhitespaceControlMatchesJinja2OnRandomNestings) {
  WhitespaceGenerator gen(99u);
  std::vector<std::pair<std::string, ojson>> cases;
  for (int i = 0; i < 1500; ++i) cases.emplace_back(gen.block(0), ojson{{"v", i % 2 == 0}});
  EXPECT_EQ(compare(cases), 0);
  std::printf("%zu random nestings compared with Jinja2\n", cases.size());
}

}  // namespace
}  // namespace gauntlet::engine::jinja
