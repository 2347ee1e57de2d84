#pragma once
// Text normalisation of one extracted math answer: the form shown as gold_norm / pred_norm and the
// input of the answer parser (math_answer.h). Only rewrites that never change the value.
#include <string>
#include <string_view>

namespace gauntlet::verifiers {

// In order:
//  - Unicode math (−, ×, ÷, π, ∞, ≤, ≥, ±, √, °) to LaTeX; `$`, `\$`, \( \) and \[ \] delimiters removed;
//  - \dfrac/\tfrac/\cfrac -> \frac, \dbinom/\tbinom -> \binom, \neq/\leq/\geq -> \ne/\le/\ge,
//    \frac12 -> \frac{1}{2}, \sqrt2 -> \sqrt{2};
//  - pmatrix/bmatrix/matrix environments -> tuples: a single row or column "(a, b)", else "((a, b), (c, d))";
//  - a trailing unit in \text{..}/\mbox{..}/\mathrm{..} after a number ("5\text{ cm}^2") dropped, then
//    \text, \textbf, \mathrm, \mathbf, \mbox, \operatorname, ... unwrapped to their content;
//  - \left, \right, \big.., \displaystyle and spacing (\! \, \; \: \quad ~) removed;
//  - degrees (^\circ, ^{\circ}, \degree, °) removed; \% and the word "percent" -> %;
//  - whitespace collapsed; thousands separators removed ("1,234,567", "1{,}234"; groups of exactly
//    three digits, and not inside a bracketed tuple or interval such as "(1,000)");
//  - trailing unit words after a number ("18 apples", "3 square feet", "60 km/h") dropped;
//  - " and " / " or " between answers -> ", "; trailing zeros of decimals ("5.0" -> "5", "2.50" -> "2.5");
//  - a trailing period, a leading "+", and a leading "x =" or "x \in" (one letter, one '=') removed.
std::string normalize_math_answer(std::string_view answer);

}  // namespace gauntlet::verifiers
