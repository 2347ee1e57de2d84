#include "verifiers/math_expression.h"

#include <cmath>
#include <cstdlib>
#include <numbers>

namespace gauntlet::verifiers {

namespace {

using Kind = MathExpr::Kind;

bool is_integer_value(double v) { return std::isfinite(v) && v == std::floor(v); }

std::optional<double> apply_function(const std::string& name, double x) {
  if (name == "sin") return std::sin(x);
  if (name == "cos") return std::cos(x);
  if (name == "tan") return std::tan(x);
  if (name == "sec") return 1.0 / std::cos(x);
  if (name == "csc") return 1.0 / std::sin(x);
  if (name == "cot") return 1.0 / std::tan(x);
  if (name == "asin") return std::asin(x);
  if (name == "acos") return std::acos(x);
  if (name == "atan") return std::atan(x);
  if (name == "sinh") return std::sinh(x);
  if (name == "cosh") return std::cosh(x);
  if (name == "tanh") return std::tanh(x);
  if (name == "exp") return std::exp(x);
  if (name == "ln") return x > 0 ? std::optional<double>(std::log(x)) : std::nullopt;
  return std::nullopt;
}

std::optional<double> evaluate(const MathExpr& e) {
  auto arg = [&](std::size_t i) { return evaluate(e.args[i]); };
  switch (e.kind) {
    case Kind::kInteger:
    case Kind::kDecimal:
      return std::strtod(e.text.c_str(), nullptr);
    case Kind::kSymbol:
    case Kind::kEquation:
      return std::nullopt;
    case Kind::kConstant:
      if (e.text == "pi") return std::numbers::pi;
      if (e.text == "e") return std::numbers::e;
      if (e.text == "inf") return INFINITY;
      return std::nullopt;  // the imaginary unit
    case Kind::kAdd:
    case Kind::kMul: {
      double total = e.kind == Kind::kAdd ? 0.0 : 1.0;
      for (const auto& a : e.args) {
        auto v = evaluate(a);
        if (!v) return std::nullopt;
        total = e.kind == Kind::kAdd ? total + *v : total * *v;
      }
      return total;
    }
    case Kind::kDiv: {
      auto a = arg(0), b = arg(1);
      if (!a || !b || *b == 0) return std::nullopt;
      return *a / *b;
    }
    case Kind::kNeg: {
      auto a = arg(0);
      if (!a) return std::nullopt;
      return -*a;
    }
    case Kind::kPow: {
      auto a = arg(0), b = arg(1);
      if (!a || !b || (*a == 0 && *b < 0)) return std::nullopt;
      return std::pow(*a, *b);
    }
    case Kind::kRoot: {
      auto a = arg(0), n = arg(1);
      if (!a || !n || *n == 0) return std::nullopt;
      if (*a < 0) {
        // Odd integer roots of negatives are real: \sqrt[3]{-8} = -2.
        if (!is_integer_value(*n) || std::fmod(std::fabs(*n), 2.0) != 1.0) return std::nullopt;
        return -std::pow(-*a, 1.0 / *n);
      }
      return *n == 2 ? std::sqrt(*a) : std::pow(*a, 1.0 / *n);
    }
    case Kind::kFunction: {
      auto a = arg(0);
      if (!a) return std::nullopt;
      return apply_function(e.text, *a);
    }
    case Kind::kLog: {
      auto a = arg(0);
      if (!a || *a <= 0) return std::nullopt;
      if (e.args.size() == 1) return std::log(*a);
      auto b = arg(1);
      if (!b || *b <= 0 || *b == 1) return std::nullopt;
      return std::log(*a) / std::log(*b);
    }
    case Kind::kFactorial: {
      auto a = arg(0);
      if (!a || !is_integer_value(*a) || *a < 0 || *a > 170) return std::nullopt;
      return std::tgamma(*a + 1);
    }
    case Kind::kBinomial: {
      auto n = arg(0), k = arg(1);
      if (!n || !k || !is_integer_value(*n) || !is_integer_value(*k) || *k < 0 || *n < *k || *n > 10000)
        return std::nullopt;
      double result = 1;
      for (double i = 1; i <= *k; ++i) result = result * (*n - *k + i) / i;
      return std::round(result);
    }
    case Kind::kAbs: {
      auto a = arg(0);
      if (!a) return std::nullopt;
      return std::fabs(*a);
    }
  }
  return std::nullopt;
}

int precedence(const MathExpr& e) {
  switch (e.kind) {
    case Kind::kAdd: return 1;
    case Kind::kMul:
    case Kind::kDiv:
    case Kind::kNeg: return 2;
    case Kind::kPow: return 4;
    case Kind::kDecimal:
      return e.text.find_first_of("eE") == std::string::npos ? 5 : 2;  // 1e-3 reads as a product next to **
    default: return 5;
  }
}

std::string wrapped(const MathExpr& e, bool wrap) { return wrap ? "(" + to_text(e) + ")" : to_text(e); }

std::string function_name(const std::string& name) { return name == "ln" ? "log" : name; }

}  // namespace

std::optional<double> evaluate_constant(const MathExpr& expr) {
  auto v = evaluate(expr);
  if (!v || std::isnan(*v)) return std::nullopt;
  return v;
}

bool has_decimal(const MathExpr& expr) {
  if (expr.kind == Kind::kDecimal) return true;
  for (const auto& a : expr.args)
    if (has_decimal(a)) return true;
  return false;
}

std::optional<std::string> integer_literal(const MathExpr& expr) {
  bool negative = false;
  const MathExpr* e = &expr;
  if (e->kind == Kind::kNeg) {
    negative = true;
    e = &e->args[0];
  }
  if (e->kind != Kind::kInteger) return std::nullopt;
  std::size_t first = e->text.find_first_not_of('0');
  std::string digits = first == std::string::npos ? "0" : e->text.substr(first);
  return (negative && digits != "0" ? "-" : "") + digits;
}

std::string to_text(const MathExpr& e) {
  switch (e.kind) {
    case Kind::kInteger:
    case Kind::kDecimal:
    case Kind::kSymbol:
      return e.text;
    case Kind::kConstant:
      if (e.text == "e") return "E";
      if (e.text == "inf") return "oo";
      if (e.text == "i") return "I";
      return e.text;
    case Kind::kAdd: {
      std::string out;
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        const auto& a = e.args[i];
        if (a.kind == Kind::kNeg) {
          out += (i == 0 ? "-" : " - ") + wrapped(a.args[0], precedence(a.args[0]) <= 2);
        } else {
          out += (i == 0 ? "" : " + ") + wrapped(a, precedence(a) <= 1);
        }
      }
      return out;
    }
    case Kind::kMul: {
      std::string out;
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        const auto& a = e.args[i];
        bool wrap = precedence(a) < 2 || (i > 0 && precedence(a) == 2);
        out += (i == 0 ? "" : "*") + wrapped(a, wrap);
      }
      return out;
    }
    case Kind::kDiv:
      return wrapped(e.args[0], precedence(e.args[0]) < 2) + "/" + wrapped(e.args[1], precedence(e.args[1]) <= 2);
    case Kind::kNeg:
      return "-" + wrapped(e.args[0], precedence(e.args[0]) <= 2);
    case Kind::kPow:
      return wrapped(e.args[0], precedence(e.args[0]) <= 4) + "**" + wrapped(e.args[1], precedence(e.args[1]) < 5);
    case Kind::kRoot:
      if (e.args[1].kind == Kind::kInteger && e.args[1].text == "2") return "sqrt(" + to_text(e.args[0]) + ")";
      return "root(" + to_text(e.args[0]) + ", " + to_text(e.args[1]) + ")";
    case Kind::kFunction:
      return function_name(e.text) + "(" + to_text(e.args[0]) + ")";
    case Kind::kLog:
      return "log(" + to_text(e.args[0]) + (e.args.size() > 1 ? ", " + to_text(e.args[1]) : "") + ")";
    case Kind::kFactorial:
      return "factorial(" + to_text(e.args[0]) + ")";
    case Kind::kBinomial:
      return "binomial(" + to_text(e.args[0]) + ", " + to_text(e.args[1]) + ")";
    case Kind::kAbs:
      return "Abs(" + to_text(e.args[0]) + ")";
    case Kind::kEquation:
      return "Eq(" + to_text(e.args[0]) + ", " + to_text(e.args[1]) + ")";
  }
  return "";
}

nlohmann::json to_sympy_tree(const MathExpr& e) {
  auto node = [&](const char* tag) {
    nlohmann::json j = nlohmann::json::array({tag});
    for (const auto& a : e.args) j.push_back(to_sympy_tree(a));
    return j;
  };
  switch (e.kind) {
    case Kind::kInteger: return nlohmann::json::array({"int", e.text});
    case Kind::kDecimal: return nlohmann::json::array({"dec", e.text});
    case Kind::kSymbol: return nlohmann::json::array({"sym", e.text});
    case Kind::kConstant: return nlohmann::json::array({"const", e.text});
    case Kind::kAdd: return node("add");
    case Kind::kMul: return node("mul");
    case Kind::kDiv: return node("div");
    case Kind::kNeg: return node("neg");
    case Kind::kPow: return node("pow");
    case Kind::kRoot: return node("root");
    case Kind::kFunction: {
      nlohmann::json j = nlohmann::json::array({"fn", e.text});
      j.push_back(to_sympy_tree(e.args[0]));
      return j;
    }
    case Kind::kLog: return node("log");
    case Kind::kFactorial: return node("fact");
    case Kind::kBinomial: return node("binom");
    case Kind::kAbs: return node("abs");
    case Kind::kEquation: return node("eq");
  }
  return nullptr;
}

}  // namespace gauntlet::verifiers
