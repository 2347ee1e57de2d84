#include "verifiers/math_answer.h"

#include <utility>

#include "verifiers/answer_normalizer.h"
#include "verifiers/math_expression_parser.h"
#include "verifiers/text.h"

namespace gauntlet::verifiers {

namespace {

using Kind = MathAnswer::Kind;

bool is_opening(char c) { return c == '(' || c == '[' || c == '{'; }
bool is_closing(char c) { return c == ')' || c == ']' || c == '}'; }


// A LaTeX command name starting at `i` ("\le" in "\le 3") that is not the prefix of a longer one.
bool command_at(std::string_view s, std::size_t i, std::string_view command) {
  if (s.compare(i, command.size(), command) != 0) return false;
  std::size_t after = i + command.size();
  return !is_alpha(command.back()) || after >= s.size() || !is_alpha(s[after]);
}

// Splits `s` at each `separator` outside brackets; one part when there is none.
std::vector<std::string> split_top_level(std::string_view s, std::string_view separator) {
  std::vector<std::string> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_opening(s[i])) ++depth;
    if (is_closing(s[i])) --depth;
    if (depth == 0 && command_at(s, i, separator)) {
      parts.push_back(trim(s.substr(start, i - start)));
      start = i + separator.size();
      i = start - 1;
    }
  }
  parts.push_back(trim(s.substr(start)));
  return parts;
}

// True when the bracket at 0 closes at the last character: "(1, 2)" but not "(x+1)(x-1)".
bool wrapped_whole(std::string_view s) {
  if (s.size() < 2 || (s.front() != '(' && s.front() != '[') || (s.back() != ')' && s.back() != ']')) return false;
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_opening(s[i])) ++depth;
    if (is_closing(s[i]) && --depth == 0) return i + 1 == s.size();
  }
  return false;
}

MathAnswer text_answer(std::string text) {
  MathAnswer a;
  a.kind = Kind::kText;
  a.text = std::move(text);
  return a;
}

MathAnswer scalar_answer(std::string text, MathExpr expr) {
  MathAnswer a;
  a.kind = Kind::kScalar;
  a.text = std::move(text);
  a.expr = std::move(expr);
  return a;
}

MathAnswer collection(Kind kind, std::string text, std::vector<MathAnswer> items, char open, char close) {
  MathAnswer a;
  a.kind = kind;
  a.text = std::move(text);
  a.items = std::move(items);
  a.open = open;
  a.close = close;
  return a;
}

MathAnswer parse_answer(std::string_view normalized, int depth);

std::vector<MathAnswer> parse_all(const std::vector<std::string>& parts, int depth) {
  std::vector<MathAnswer> items;
  for (const auto& part : parts) items.push_back(parse_answer(part, depth));
  return items;
}

// "(x, y) = (1, 2)" -> "(1, 2)", "f(x) = 2x" -> "2x": one '=' whose left side is only letters,
// commas and brackets (a name for the answer, not part of it).
std::optional<std::string> drop_named_left_side(std::string_view s) {
  auto parts = split_top_level(s, "=");
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) return std::nullopt;
  bool letter = false;
  for (char c : parts[0]) {
    if (is_alpha(c)) {
      letter = true;
    } else if (!(c == ',' || c == '(' || c == ')' || c == ' ')) {
      return std::nullopt;
    }
  }
  if (!letter) return std::nullopt;
  return parts[1];
}

// "a \pm b" (anywhere, once) -> the two answers with + and with -.
std::optional<MathAnswer> plus_minus(std::string_view s) {
  std::size_t at = std::string_view::npos;
  std::string_view command;
  for (std::string_view c : {std::string_view("\\pm"), std::string_view("\\mp")}) {
    std::size_t found = s.find(c);
    if (found == std::string_view::npos) continue;
    if (at != std::string_view::npos || s.find(c, found + 1) != std::string_view::npos) return std::nullopt;
    at = found;
    command = c;
  }
  if (at == std::string_view::npos || !command_at(s, at, command)) return std::nullopt;
  std::string before(s.substr(0, at)), after(s.substr(at + command.size()));
  // "\pm 3" gives "3" and "-3": no sign is written where a plus would lead.
  bool leading = trim(before).empty() || trim(before).back() == '(' || trim(before).back() == '{';
  std::string plus_sign = leading ? "" : "+";
  std::string plus = trim(before + (command == "\\pm" ? plus_sign : "-") + after);
  std::string minus = trim(before + (command == "\\pm" ? "-" : plus_sign) + after);
  auto p = parse_math_expression(plus);
  auto m = parse_math_expression(minus);
  if (!p || !m) return std::nullopt;
  std::vector<MathAnswer> items;
  items.push_back(scalar_answer(plus, std::move(*p)));
  items.push_back(scalar_answer(minus, std::move(*m)));
  return collection(Kind::kSet, std::string(s), std::move(items), 0, 0);
}

struct Relation {
  bool less = true;    // < or <= (false: > or >=)
  bool strict = true;  // < or >
  std::size_t length = 0;
};

std::optional<Relation> relation_at(std::string_view s, std::size_t i) {
  const std::pair<std::string_view, Relation> kRelations[] = {
      {"\\leqslant", {true, false, 0}}, {"\\geqslant", {false, false, 0}}, {"\\leq", {true, false, 0}},
      {"\\geq", {false, false, 0}},     {"\\le", {true, false, 0}},        {"\\ge", {false, false, 0}},
      {"\\lt", {true, true, 0}},        {"\\gt", {false, true, 0}},        {"<=", {true, false, 0}},
      {">=", {false, false, 0}},        {"<", {true, true, 0}},            {">", {false, true, 0}}};
  for (auto [text, relation] : kRelations) {
    if (command_at(s, i, text)) {
      relation.length = text.size();
      return relation;
    }
  }
  return std::nullopt;
}

bool is_variable(std::string_view s) { return s.size() == 1 && is_alpha(s[0]); }

std::optional<MathAnswer> bound(std::string_view text) {
  auto expr = parse_math_expression(text);
  if (!expr) return std::nullopt;
  return scalar_answer(std::string(text), std::move(*expr));
}

MathAnswer infinity(bool negative) {
  MathExpr inf = MathExpr::leaf(MathExpr::Kind::kConstant, "inf");
  if (negative) return scalar_answer("-\\infty", MathExpr::node(MathExpr::Kind::kNeg, {std::move(inf)}));
  return scalar_answer("\\infty", std::move(inf));
}

MathAnswer interval(MathAnswer low, bool low_closed, MathAnswer high, bool high_closed) {
  char open = low_closed ? '[' : '(';
  char close = high_closed ? ']' : ')';
  std::string text = std::string(1, open) + low.text + ", " + high.text + std::string(1, close);
  std::vector<MathAnswer> items;
  items.push_back(std::move(low));
  items.push_back(std::move(high));
  return collection(Kind::kTuple, std::move(text), std::move(items), open, close);
}

// "x < 3" -> (-\infty, 3); "1 \le x < 2" -> [1, 2); "3 > x" -> (-\infty, 3).
std::optional<MathAnswer> inequality(std::string_view s) {
  std::vector<std::string> operands;
  std::vector<Relation> relations;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_opening(s[i])) ++depth;
    if (is_closing(s[i])) --depth;
    if (depth != 0) continue;
    if (auto r = relation_at(s, i)) {
      operands.push_back(trim(s.substr(start, i - start)));
      relations.push_back(*r);
      start = i + r->length;
      i = start - 1;
    }
  }
  if (relations.empty()) return std::nullopt;
  operands.push_back(trim(s.substr(start)));
  if (relations.size() == 1) {
    Relation r = relations[0];
    std::string value = operands[1];
    if (!is_variable(operands[0])) {
      if (!is_variable(operands[1])) return std::nullopt;
      value = operands[0];  // "3 > x" is "x < 3"
      r.less = !r.less;
    }
    auto b = bound(value);
    if (!b) return std::nullopt;
    if (r.less) return interval(infinity(true), false, std::move(*b), !r.strict);
    return interval(std::move(*b), !r.strict, infinity(false), false);
  }
  if (relations.size() != 2 || !is_variable(operands[1]) || relations[0].less != relations[1].less) return std::nullopt;
  auto a = bound(operands[0]);
  auto b = bound(operands[2]);
  if (!a || !b) return std::nullopt;
  if (relations[0].less) return interval(std::move(*a), !relations[0].strict, std::move(*b), !relations[1].strict);
  return interval(std::move(*b), !relations[1].strict, std::move(*a), !relations[0].strict);
}

// `depth` counts the structures (groups, tuples, sets, named sides) around this part; deeper
// answers are text, so hostile nesting ("((((...1...))))", 13,200 deep) costs no more than this.
MathAnswer parse_answer(std::string_view normalized, int depth) {
  std::string s = trim(normalized);
  if (s.empty()) return text_answer("");
  if (++depth > kMaxMathNesting) return text_answer(s);
  if (auto rest = drop_named_left_side(s)) return parse_answer(*rest, depth);

  auto unions = split_top_level(s, "\\cup");
  if (unions.size() > 1) return collection(Kind::kSet, s, parse_all(unions, depth), 0, 0);
  auto list = split_top_level(s, ",");
  if (list.size() > 1) return collection(Kind::kSet, s, parse_all(list, depth), 0, 0);

  if (wrapped_whole(s)) {
    std::string inner = s.substr(1, s.size() - 2);
    auto items = split_top_level(inner, ",");
    if (items.size() > 1) return collection(Kind::kTuple, s, parse_all(items, depth), s.front(), s.back());
    if (s.front() == '(' && s.back() == ')') {
      MathAnswer grouped = parse_answer(inner, depth);
      if (grouped.kind != Kind::kText) return grouped;
    }
  }
  if (starts_with(s, "\\{") && ends_with(s, "\\}") && s.size() >= 4) {
    std::string inner = s.substr(2, s.size() - 4);
    return collection(Kind::kSet, s, parse_all(split_top_level(inner, ","), depth), '{', '}');
  }
  if (auto pm = plus_minus(s)) return *pm;
  if (auto range = inequality(s)) return *range;

  bool percent = false;
  std::string body = s;
  if (ends_with(body, "%")) {
    percent = true;
    body = trim(body.substr(0, body.size() - 1));
  }
  if (auto expr = parse_math_expression(body)) {
    MathAnswer a = scalar_answer(s, std::move(*expr));
    a.percent = percent;
    return a;
  }
  return text_answer(s);
}

}  // namespace

MathAnswer parse_math_answer(std::string_view normalized) { return parse_answer(normalized, 0); }

}  // namespace gauntlet::verifiers
