#pragma once
// MathExpr: one scalar math expression as a small tree, parsed from a normalised answer
// (math_expression_parser.h). It is evaluated numerically here when it has no free symbols, and
// shipped as a JSON tree to SymPy (symbolic_checker.h), which rebuilds it node by node: no text is
// ever eval'ed, and symbol names cannot collide with SymPy's own (N, S, E, I, ...).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::verifiers {

struct MathExpr {
  enum class Kind {
    kInteger,    // text: decimal digits, no sign
    kDecimal,    // text: "1.25", "2.5e-3" (no sign)
    kSymbol,     // text: "x", "x_1", "alpha"
    kConstant,   // text: "pi", "e", "inf", "i"
    kAdd,        // args: two or more terms
    kMul,        // args: two or more factors
    kDiv,        // args: numerator, denominator
    kNeg,        // args: the operand
    kPow,        // args: base, exponent
    kRoot,       // args: radicand, index (2 for \sqrt)
    kFunction,   // text: sin cos tan sec csc cot asin acos atan sinh cosh tanh exp ln; args: one
    kLog,        // args: x, base (base absent: natural logarithm)
    kFactorial,  // args: the operand
    kBinomial,   // args: n, k
    kAbs,        // args: the operand
    kEquation,   // args: left, right
  };
  Kind kind = Kind::kInteger;
  std::string text;
  std::vector<MathExpr> args;

  static MathExpr leaf(Kind kind, std::string text) { return MathExpr{kind, std::move(text), {}}; }
  static MathExpr node(Kind kind, std::vector<MathExpr> args, std::string text = "") {
    return MathExpr{kind, std::move(text), std::move(args)};
  }
};

// The value when the expression has no free symbols and is real and defined (±infinity allowed),
// else nullopt (a symbol, the imaginary unit, 1/0, sqrt(-1), an equation, overflow to NaN).
std::optional<double> evaluate_constant(const MathExpr& expr);

// True when any literal in the expression is a decimal ("0.5"): its author rounded, so numeric
// comparison uses the caller's tolerance rather than the exact-form one.
bool has_decimal(const MathExpr& expr);

// The expression as an integer literal with its sign ("-12", "7"), or nullopt.
std::optional<std::string> integer_literal(const MathExpr& expr);

// SymPy-style text, for messages and tests: "2*sqrt(3)", "(x + 1)**2", "1/2".
std::string to_text(const MathExpr& expr);

// The JSON tree the SymPy program rebuilds: ["int","12"], ["dec","0.5"], ["sym","x"],
// ["const","pi"], ["add",a,b,...], ["mul",...], ["div",a,b], ["neg",a], ["pow",a,b], ["root",a,n],
// ["fn","sin",a], ["log",a] / ["log",a,base], ["fact",a], ["binom",n,k], ["abs",a], ["eq",l,r].
nlohmann::json to_sympy_tree(const MathExpr& expr);

}  // namespace gauntlet::verifiers
