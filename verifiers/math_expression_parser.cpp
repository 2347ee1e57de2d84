#include "verifiers/math_expression_parser.h"
#include "verifiers/text.h"

#include <string>
#include <utility>
#include <vector>

namespace gauntlet::verifiers {

namespace {

using Kind = MathExpr::Kind;

struct ParseFailure {};

constexpr std::size_t kMaxLength = 2000;


bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (word == w) return true;
  return false;
}

bool is_greek(std::string_view name) {
  return one_of(name, {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
                       "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi",
                       "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi",
                       "Omega"});
}

// LaTeX or plain function names, and the name MathExpr uses.
std::optional<std::string> function_of(std::string_view name) {
  if (one_of(name, {"sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "exp"})) return std::string(name);
  if (name == "arcsin") return "asin";
  if (name == "arccos") return "acos";
  if (name == "arctan") return "atan";
  if (name == "ln" || name == "log") return "log";
  return std::nullopt;
}

MathExpr neg(MathExpr e) { return MathExpr::node(Kind::kNeg, {std::move(e)}); }
MathExpr integer(std::string digits) { return MathExpr::leaf(Kind::kInteger, std::move(digits)); }

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  MathExpr parse_all() {
    MathExpr e = parse_sum();
    skip();
    if (pos_ != s_.size()) fail();
    return e;
  }

 private:
  [[noreturn]] static void fail() { throw ParseFailure{}; }

  void skip() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  char peek() {
    skip();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c)) fail();
  }
  // The name of the command at the cursor ("frac" for "\frac", "{" for "\{"), "" when none.
  std::string peek_command() {
    skip();
    if (pos_ >= s_.size() || s_[pos_] != '\\') return "";
    std::size_t i = pos_ + 1;
    while (i < s_.size() && is_alpha(s_[i])) ++i;
    if (i == pos_ + 1) return i < s_.size() ? std::string(1, s_[i]) : "";
    return std::string(s_.substr(pos_ + 1, i - pos_ - 1));
  }
  bool accept_command(std::string_view name) {
    if (peek_command() != name) return false;
    pos_ += 1 + name.size();
    return true;
  }
  // The run of letters at the cursor, not consumed.
  std::string_view peek_word() {
    skip();
    std::size_t i = pos_;
    while (i < s_.size() && is_alpha(s_[i])) ++i;
    return s_.substr(pos_, i - pos_);
  }

  struct Nest {
    explicit Nest(int& depth) : depth_(depth) {
      if (++depth_ > kMaxMathNesting) fail();
    }
    ~Nest() { --depth_; }
    int& depth_;
  };

  MathExpr parse_sum() {
    std::vector<MathExpr> terms{parse_product()};
    for (;;) {
      if (accept('+')) {
        terms.push_back(parse_product());
      } else if (accept('-')) {
        terms.push_back(neg(parse_product()));
      } else {
        break;
      }
    }
    return terms.size() == 1 ? std::move(terms[0]) : MathExpr::node(Kind::kAdd, std::move(terms));
  }

  MathExpr parse_product() {
    std::vector<MathExpr> factors{parse_unary()};
    auto collapse = [&] { return factors.size() == 1 ? std::move(factors[0]) : MathExpr::node(Kind::kMul, std::move(factors)); };
    for (;;) {
      if (accept('*') || accept_command("cdot") || accept_command("times")) {
        factors.push_back(parse_unary());
      } else if (accept('/') || accept_command("div")) {
        MathExpr numerator = collapse();
        MathExpr denominator = parse_unary();
        factors = {MathExpr::node(Kind::kDiv, {std::move(numerator), std::move(denominator)})};
      } else if (starts_implicit_factor()) {
        factors.push_back(parse_power());
      } else {
        break;
      }
    }
    return collapse();
  }

  MathExpr parse_unary() {
    if (accept('-')) return neg(parse_unary());
    if (accept('+')) return parse_unary();
    return parse_power();
  }

  MathExpr parse_power() {
    MathExpr base = parse_postfix();
    if (accept('^')) base = MathExpr::node(Kind::kPow, {std::move(base), parse_exponent()});
    return base;
  }

  // After '^': a braced or parenthesised expression, a signed exponent, a whole number, one
  // letter or one command atom; right-associative (2^3^2 is 2^9).
  MathExpr parse_exponent() {
    Nest nest(depth_);
    MathExpr e;
    char c = peek();
    if (accept('{')) {
      e = parse_sum();
      expect('}');
    } else if (accept('(')) {
      e = parse_sum();
      expect(')');
    } else if (accept('-')) {
      return neg(parse_exponent());
    } else if (is_digit(c)) {
      e = parse_number(false);
    } else if (is_alpha(c)) {
      e = parse_letter();
    } else if (c == '\\') {
      e = parse_atom();
    } else {
      fail();
    }
    if (accept('^')) e = MathExpr::node(Kind::kPow, {std::move(e), parse_exponent()});
    return e;
  }

  MathExpr parse_postfix() {
    MathExpr a = parse_atom();
    while (accept('!')) a = MathExpr::node(Kind::kFactorial, {std::move(a)});
    return a;
  }

  // What may follow a factor with no operator: a letter, a group, or a command that starts a value.
  // A digit may not ("2 3", "x2"), nor '|' (it may close an absolute value).
  bool starts_implicit_factor() {
    char c = peek();
    if (is_alpha(c) || c == '(' || c == '{') return true;
    if (c != '\\') return false;
    std::string command = peek_command();
    return one_of(command, {"frac", "sqrt", "binom", "pi", "infty"}) || is_greek(command) ||
           function_of(command).has_value();
  }

  MathExpr parse_atom() {
    Nest nest(depth_);
    char c = peek();
    if (is_digit(c) || c == '.') return parse_number(true);
    if (accept('(')) {
      MathExpr e = parse_sum();
      expect(')');
      return e;
    }
    if (accept('{')) {
      MathExpr e = parse_sum();
      expect('}');
      return e;
    }
    if (accept('|')) {
      MathExpr e = parse_sum();
      expect('|');
      return MathExpr::node(Kind::kAbs, {std::move(e)});
    }
    if (is_alpha(c)) return parse_word();
    if (c != '\\') fail();
    std::string command = peek_command();
    if (accept_command("frac")) {
      MathExpr a = parse_group();
      MathExpr b = parse_group();
      return MathExpr::node(Kind::kDiv, {std::move(a), std::move(b)});
    }
    if (accept_command("sqrt")) {
      MathExpr index = integer("2");
      if (accept('[')) {
        index = parse_sum();
        expect(']');
      }
      return MathExpr::node(Kind::kRoot, {parse_group(), std::move(index)});
    }
    if (accept_command("binom")) {
      MathExpr n = parse_group();
      MathExpr k = parse_group();
      return MathExpr::node(Kind::kBinomial, {std::move(n), std::move(k)});
    }
    if (accept_command("pi")) return MathExpr::leaf(Kind::kConstant, "pi");
    if (accept_command("infty")) return MathExpr::leaf(Kind::kConstant, "inf");
    if (is_greek(command)) {
      accept_command(command);
      return with_subscript(command);
    }
    if (auto function = function_of(command)) {
      accept_command(command);
      return parse_function(*function);
    }
    fail();
  }

  // An argument of \frac, \sqrt or \binom: a braced group, or one digit or letter ("\frac12").
  MathExpr parse_group() {
    Nest nest(depth_);
    if (accept('{')) {
      MathExpr e = parse_sum();
      expect('}');
      return e;
    }
    char c = peek();
    if (is_digit(c)) {
      ++pos_;
      return integer(std::string(1, c));
    }
    if (is_alpha(c)) return parse_letter();
    fail();
  }

  // Digits, an optional fraction and exponent. An integer directly followed by \frac{p}{q} with
  // integer p and q is a mixed number (2\frac{1}{2} = 5/2) when `allow_mixed`.
  MathExpr parse_number(bool allow_mixed) {
    skip();
    std::size_t start = pos_;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    bool decimal = false;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      std::size_t dot = pos_++;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
      if (pos_ == dot + 1) fail();  // "3." was normalised away; a lone dot is not a number
      decimal = true;
    }
    if (pos_ == start) fail();
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      std::size_t k = pos_ + 1;
      if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) ++k;
      if (k < s_.size() && is_digit(s_[k])) {
        while (k < s_.size() && is_digit(s_[k])) ++k;
        pos_ = k;
        decimal = true;
      }
    }
    std::string text(s_.substr(start, pos_ - start));
    if (!decimal) {
      MathExpr whole = integer(text);
      if (allow_mixed) {
        if (auto fraction = try_integer_fraction()) {
          return MathExpr::node(Kind::kAdd, {std::move(whole), std::move(*fraction)});
        }
      }
      return whole;
    }
    return MathExpr::leaf(Kind::kDecimal, text);
  }

  std::optional<MathExpr> try_integer_fraction() {
    std::size_t saved = pos_;
    if (peek_command() == "frac") {
      try {
        accept_command("frac");
        MathExpr a = parse_group();
        MathExpr b = parse_group();
        if (a.kind == Kind::kInteger && b.kind == Kind::kInteger)
          return MathExpr::node(Kind::kDiv, {std::move(a), std::move(b)});
      } catch (const ParseFailure&) {
      }
    }
    pos_ = saved;
    return std::nullopt;
  }

  // One letter: e and i are the constants, others symbols; a subscript makes a longer name.
  MathExpr parse_letter() {
    skip();
    std::string name(1, s_[pos_++]);
    bool subscripted = pos_ < s_.size() && s_[pos_] == '_';
    if (!subscripted && name == "e") return MathExpr::leaf(Kind::kConstant, "e");
    if (!subscripted && name == "i") return MathExpr::leaf(Kind::kConstant, "i");
    return with_subscript(name);
  }

  MathExpr with_subscript(std::string name) {
    if (pos_ < s_.size() && s_[pos_] == '_') {
      ++pos_;
      std::string sub;
      if (pos_ < s_.size() && s_[pos_] == '{') {
        std::size_t close = s_.find('}', pos_);
        if (close == std::string_view::npos) fail();
        for (char c : s_.substr(pos_ + 1, close - pos_ - 1)) {
          if (!is_alpha(c) && !is_digit(c)) fail();
          sub.push_back(c);
        }
        pos_ = close + 1;
      } else if (pos_ < s_.size() && (is_alpha(s_[pos_]) || is_digit(s_[pos_]))) {
        sub.push_back(s_[pos_++]);
      }
      if (sub.empty()) fail();
      name += "_" + sub;
    }
    return MathExpr::leaf(Kind::kSymbol, name);
  }

  // A run of letters: a known word (sqrt, pi, a function), a function name glued to its argument
  // ("sinx"), or one or two single-letter factors; longer unknown words are text.
  MathExpr parse_word() {
    std::string_view word = peek_word();
    if (word == "sqrt") {
      pos_ += word.size();
      char c = peek();
      if (c != '(' && c != '{') fail();
      return MathExpr::node(Kind::kRoot, {parse_atom(), integer("2")});
    }
    if (word == "pi") {
      pos_ += word.size();
      return MathExpr::leaf(Kind::kConstant, "pi");
    }
    if (word == "inf" || word == "infty" || word == "infinity") {
      pos_ += word.size();
      return MathExpr::leaf(Kind::kConstant, "inf");
    }
    for (std::string_view name : {"arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sin", "cos", "tan", "sec",
                                  "csc", "cot", "exp", "log", "ln"}) {
      if (word.substr(0, name.size()) == name) {
        pos_ += name.size();
        return parse_function(*function_of(name));
      }
    }
    if (word.size() >= 3) fail();
    return parse_letter();
  }

  // After a function name: an optional power (\sin^2 x), for log an optional base (\log_2 8), then
  // the argument: parenthesised, braced, or implicit (\sin 2x is sin(2x); it stops at an operator
  // or a command).
  MathExpr parse_function(const std::string& name) {
    std::optional<MathExpr> power;
    std::optional<MathExpr> base;
    if (accept('^')) power = parse_exponent();
    if (name == "log" && accept('_')) base = parse_group();
    if (!power && accept('^')) power = parse_exponent();
    MathExpr arg;
    char c = peek();
    if (c == '(' || c == '{') {
      arg = parse_atom();
    } else {
      std::vector<MathExpr> factors{parse_power()};
      while (is_alpha(peek())) factors.push_back(parse_power());
      arg = factors.size() == 1 ? std::move(factors[0]) : MathExpr::node(Kind::kMul, std::move(factors));
    }
    MathExpr f;
    if (name == "log") {
      std::vector<MathExpr> args{std::move(arg)};
      if (base) args.push_back(std::move(*base));
      f = MathExpr::node(Kind::kLog, std::move(args));
    } else {
      f = MathExpr::node(Kind::kFunction, {std::move(arg)}, name);
    }
    if (power) f = MathExpr::node(Kind::kPow, {std::move(f), std::move(*power)});
    return f;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

// Index of the only '=' outside brackets, npos when none, or nullopt when there are several.
std::optional<std::size_t> single_equals(std::string_view s) {
  int depth = 0;
  std::size_t found = std::string_view::npos;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c == '=' && depth == 0) {
      if (found != std::string_view::npos) return std::nullopt;
      found = i;
    }
  }
  return found;
}

std::optional<MathExpr> parse_side(std::string_view s) {
  try {
    Parser parser(s);
    return parser.parse_all();
  } catch (const ParseFailure&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<MathExpr> parse_math_expression(std::string_view normalized) {
  if (normalized.empty() || normalized.size() > kMaxLength) return std::nullopt;
  auto equals = single_equals(normalized);
  if (!equals) return std::nullopt;
  if (*equals == std::string_view::npos) return parse_side(normalized);
  auto left = parse_side(normalized.substr(0, *equals));
  auto right = parse_side(normalized.substr(*equals + 1));
  if (!left || !right) return std::nullopt;
  return MathExpr::node(Kind::kEquation, {std::move(*left), std::move(*right)});
}

}  // namespace gauntlet::verifiers
