#pragma once
// MathAnswer: the shape of one normalised answer (math_normalizer.h) — a scalar expression, a
// tuple or interval with its brackets, an unordered set, or text — so that comparison can go
// element by element (math_verifier.h).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/math_expression.h"

namespace gauntlet::verifiers {

struct MathAnswer {
  enum class Kind {
    kText,    // nothing we can parse as math ("Tuesday", "(C)", "x \ne 3"); compared as text
    kScalar,  // one expression (expr), possibly written as a percentage
    kTuple,   // ordered items with brackets: a point "(1, 2)", an interval "[0, 1)", "(-\infty, 3]"
    kSet,     // unordered items: "\{1, 2\}", "1, 2" (bare list), "a \pm b", "A \cup B"
  };
  Kind kind = Kind::kText;
  std::string text;              // this part's normalised text
  std::optional<MathExpr> expr;  // kScalar
  bool percent = false;          // kScalar written with a trailing %: 50% compares equal to 50 and to 0.5
  char open = 0, close = 0;      // kTuple: '(' or '[' and ')' or ']'; kSet: '{' for \{..\}, 0 for a bare list
  std::vector<MathAnswer> items;  // kTuple, kSet
};

// Recognised, outermost first:
//  - "(x, y) = (1, 2)", "f(x) = ..." : a left side of letters, commas and brackets is dropped;
//  - "A \cup B" : a set of the parts; a bare list "1, 2" : a set ("x = 1, x = 2" drops each "x =");
//  - "(a, b)", "[a, b)", ... with two or more items: a tuple keeping both brackets ("(a)" is a group);
//  - "\{a, b\}" : a set; "a \pm b" : the set {a + b, a - b}; "\pm a" : {a, -a};
//  - "x < 3", "x \ge -1", "1 \le x < 2", "3 > x" : the interval they describe;
//  - a trailing "%" : a percentage; otherwise one expression (math_expression_parser.h) or text.
MathAnswer parse_math_answer(std::string_view normalized);

}  // namespace gauntlet::verifiers
