#pragma once
// Parser of one normalised scalar answer (math_normalizer.h) into a MathExpr.
//
// Understands: integers and decimals ("1.5e-3"), + - * / and \cdot \times \div, implicit
// multiplication ("2x", "2\sqrt{3}", "(x+1)(x-1)", "xy"), ^ with braced, parenthesised or
// single-token exponents ("x^{10}", "x^10", "e^{-x}"), \frac{a}{b}, mixed numbers ("2\frac{1}{2}"
// is 5/2), \sqrt{a}, \sqrt[n]{a}, "sqrt(a)", |a|, n!, \binom{n}{k}, \pi, \infty, e (Euler's number)
// and i (the imaginary unit) as single letters, Greek letters and subscripted symbols ("x_1",
// "a_{n}") as symbols, \sin \cos \tan \sec \csc \cot \arcsin \arccos \arctan \sinh \cosh \tanh \exp
// \ln \log (\log_{b}) with a parenthesised, braced or implicit argument and an optional power
// ("\sin^2 x"), the plain words sqrt pi sin cos tan ln log exp, and one top-level '=' (an equation).
//
// nullopt for anything else: words of three or more letters ("Tuesday"), tuples, intervals, sets,
// inequalities, "\pm", unknown commands, unbalanced brackets. Such answers are compared as text.
#include <optional>
#include <string_view>

#include "verifiers/math_expression.h"

namespace gauntlet::verifiers {

// Brackets, groups and structures inside each other that a math answer may have; deeper answers are
// compared as text (and never recurse further).
inline constexpr int kMaxMathNesting = 64;

std::optional<MathExpr> parse_math_expression(std::string_view normalized);

}  // namespace gauntlet::verifiers
