#include "engine/text/jinja/parser.h"

#include <set>

#include "engine/text/jinja/error.h"
#include "engine/text/jinja/filters.h"
#include "engine/text/jinja/lexer.h"
#include "engine/text/jinja/tests.h"

namespace gauntlet::engine::jinja {
namespace {

using EndTokens = std::vector<std::string>;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string join_or(const EndTokens& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? " or " : "") + quoted(names[i]);
  return out;
}

// Does the body mention `name` anywhere (the macro's special caller / varargs / kwargs)?
struct NameScan {
  std::set<std::string> found;
  void expr(const Expr* e);
  void args(const CallArgs& a) {
    for (const auto& x : a.args) expr(x.get());
    for (const auto& kv : a.kwargs) expr(kv.second.get());
    expr(a.dyn_args.get());
    expr(a.dyn_kwargs.get());
  }
  void body(const Body& b);
};

void NameScan::expr(const Expr* e) {
  if (!e) return;
  switch (e->kind) {
    case ExprKind::kName: found.insert(static_cast<const NameExpr*>(e)->name); break;
    case ExprKind::kList:
    case ExprKind::kTuple:
      for (const auto& x : static_cast<const SeqExpr*>(e)->items) expr(x.get());
      break;
    case ExprKind::kDict:
      for (const auto& [k, v] : static_cast<const DictExpr*>(e)->items) {
        expr(k.get());
        expr(v.get());
      }
      break;
    case ExprKind::kGetattr: expr(static_cast<const GetattrExpr*>(e)->object.get()); break;
    case ExprKind::kGetitem:
      expr(static_cast<const GetitemExpr*>(e)->object.get());
      expr(static_cast<const GetitemExpr*>(e)->arg.get());
      break;
    case ExprKind::kSlice: {
      auto* s = static_cast<const SliceExpr*>(e);
      expr(s->start.get());
      expr(s->stop.get());
      expr(s->step.get());
      break;
    }
    case ExprKind::kCall:
      expr(static_cast<const CallExpr*>(e)->callee.get());
      args(static_cast<const CallExpr*>(e)->args);
      break;
    case ExprKind::kFilter:
    case ExprKind::kTest:
      expr(static_cast<const FilterExpr*>(e)->operand.get());
      args(static_cast<const FilterExpr*>(e)->args);
      break;
    case ExprKind::kNeg:
    case ExprKind::kPos:
    case ExprKind::kNot: expr(static_cast<const UnaryExpr*>(e)->operand.get()); break;
    case ExprKind::kBinary:
    case ExprKind::kAnd:
    case ExprKind::kOr:
      expr(static_cast<const BinaryExpr*>(e)->left.get());
      expr(static_cast<const BinaryExpr*>(e)->right.get());
      break;
    case ExprKind::kConcat:
      for (const auto& x : static_cast<const ConcatExpr*>(e)->items) expr(x.get());
      break;
    case ExprKind::kCompare:
      expr(static_cast<const CompareExpr*>(e)->first.get());
      for (const auto& [op, x] : static_cast<const CompareExpr*>(e)->ops) expr(x.get());
      break;
    case ExprKind::kCondExpr: {
      auto* c = static_cast<const CondExpr*>(e);
      expr(c->test.get());
      expr(c->then.get());
      expr(c->otherwise.get());
      break;
    }
    case ExprKind::kConst: break;
  }
}

void NameScan::body(const Body& b) {
  for (const auto& st : b) {
    const Stmt* s = st.get();
    switch (s->kind) {
      case StmtKind::kOutput:
        for (const auto& item : static_cast<const OutputStmt*>(s)->items) expr(item.expr.get());
        break;
      case StmtKind::kIf:
        for (const auto& [t, bb] : static_cast<const IfStmt*>(s)->branches) {
          expr(t.get());
          body(bb);
        }
        body(static_cast<const IfStmt*>(s)->otherwise);
        break;
      case StmtKind::kFor: {
        auto* f = static_cast<const ForStmt*>(s);
        expr(f->iter.get());
        expr(f->filter.get());
        body(f->body);
        body(f->otherwise);
        break;
      }
      case StmtKind::kSet: expr(static_cast<const SetStmt*>(s)->value.get()); break;
      case StmtKind::kSetBlock:
        expr(static_cast<const SetBlockStmt*>(s)->filter.get());
        body(static_cast<const SetBlockStmt*>(s)->body);
        break;
      case StmtKind::kMacro: {
        auto* m = static_cast<const MacroStmt*>(s);
        for (const auto& d : m->params.defaults) expr(d.get());
        body(m->body);
        break;
      }
      case StmtKind::kCallBlock: {
        auto* c = static_cast<const CallBlockStmt*>(s);
        expr(c->call.get());
        for (const auto& d : c->params.defaults) expr(d.get());
        body(c->body);
        break;
      }
      case StmtKind::kFilterBlock:
        expr(static_cast<const FilterBlockStmt*>(s)->filter.get());
        body(static_cast<const FilterBlockStmt*>(s)->body);
        break;
      case StmtKind::kWith:
        for (const auto& [t, v] : static_cast<const WithStmt*>(s)->assignments) expr(v.get());
        body(static_cast<const WithStmt*>(s)->body);
        break;
      case StmtKind::kScopedBody: body(static_cast<const ScopedBodyStmt*>(s)->body); break;
      default: break;
    }
  }
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, int max_depth) : t_(std::move(tokens)), max_depth_(max_depth) {}

  ParsedTemplate run() {
    ParsedTemplate out;
    out.body = subparse(nullptr);
    return out;
  }

 private:
  // RAII depth guard for recursive descent.
  struct Depth {
    explicit Depth(Parser& p) : p_(p) {
      if (++p_.depth_ > p_.max_depth_)
        throw TemplateError(ErrorKind::kLimit, "template nesting deeper than " + std::to_string(p_.max_depth_) +
                                                   " levels", p_.cur().line);
    }
    ~Depth() { --p_.depth_; }
    Parser& p_;
  };

  const Token& cur() const { return t_[i_]; }
  const Token& look() const { return t_[std::min(i_ + 1, t_.size() - 1)]; }
  const Token& next() {
    const Token& t = t_[i_];
    if (i_ + 1 < t_.size()) ++i_;
    return t;
  }
  bool is(Tok type) const { return cur().type == type; }
  bool is_name(const char* value) const { return cur().type == Tok::kName && cur().text == value; }
  bool skip_if(Tok type) {
    if (!is(type)) return false;
    next();
    return true;
  }
  bool skip_if_name(const char* value) {
    if (!is_name(value)) return false;
    next();
    return true;
  }

  [[noreturn]] void fail(const std::string& message, int line = 0) const {
    throw TemplateError(ErrorKind::kSyntax, message, line ? line : cur().line);
  }

  const Token& expect(Tok type) {
    if (!is(type)) {
      if (is(Tok::kEof)) fail("unexpected end of template, expected " + quoted(describe(type)) + ".");
      fail("expected token " + quoted(describe(type)) + ", got " + quoted(describe(cur())));
    }
    return next();
  }
  const Token& expect_name(const char* value) {
    if (!is_name(value)) {
      if (is(Tok::kEof)) fail(std::string("unexpected end of template, expected '") + value + "'.");
      fail(std::string("expected token '") + value + "', got " + quoted(describe(cur())));
    }
    return next();
  }

  [[noreturn]] void fail_unknown(const std::string* name, int line) {
    std::string message = name ? "Encountered unknown tag " + quoted(*name) + "." : "Unexpected end of template.";
    if (!end_stack_.empty()) {
      std::set<std::string> expected;
      for (const auto& names : end_stack_) expected.insert(names.begin(), names.end());
      if (name && expected.count(*name))
        message += " You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for " +
                   join_or(end_stack_.back()) + ".";
      else
        message += " Jinja was looking for the following tags: " + join_or(end_stack_.back()) + ".";
    }
    if (!tag_stack_.empty()) message += " The innermost block that needs to be closed is " + quoted(tag_stack_.back()) + ".";
    fail(message, line);
  }

  Body subparse(const EndTokens* end_tokens) {
    Depth depth(*this);
    Body body;
    std::unique_ptr<OutputStmt> data;
    auto flush = [&] {
      if (data) body.push_back(std::move(data));
      data.reset();
    };
    if (end_tokens) end_stack_.push_back(*end_tokens);
    struct Pop {
      Parser* p;
      bool active;
      ~Pop() {
        if (active) p->end_stack_.pop_back();
      }
    } pop{this, end_tokens != nullptr};
    while (!is(Tok::kEof)) {
      const Token& tok = cur();
      if (tok.type == Tok::kData) {
        if (!data) data = std::make_unique<OutputStmt>(tok.line);
        data->items.push_back({tok.text, nullptr});
        next();
      } else if (tok.type == Tok::kVariableBegin) {
        next();
        if (!data) data = std::make_unique<OutputStmt>(cur().line);
        data->items.push_back({"", parse_tuple(false, true, nullptr, false)});
        expect(Tok::kVariableEnd);
      } else if (tok.type == Tok::kBlockBegin) {
        flush();
        next();
        if (end_tokens && is(Tok::kName))
          for (const auto& name : *end_tokens)
            if (cur().text == name) return body;
        body.push_back(parse_statement());
        expect(Tok::kBlockEnd);
      } else {
        fail("unexpected " + quoted(describe(tok)));
      }
    }
    flush();
    return body;
  }

  // The body of a tag up to one of end_tokens; the end tag's name is left current (drop_needle
  // false) or consumed with its block end (drop_needle true).
  Body parse_statements(const EndTokens& end_tokens, bool drop_needle) {
    skip_if(Tok::kColon);
    expect(Tok::kBlockEnd);
    Body body = subparse(&end_tokens);
    if (is(Tok::kEof)) {
      end_stack_.push_back(end_tokens);
      fail_unknown(nullptr, cur().line);
    }
    if (drop_needle) next();
    return body;
  }

  StmtPtr parse_statement() {
    if (!is(Tok::kName)) fail("tag name expected");
    const std::string name = cur().text;
    const int line = cur().line;
    static const std::set<std::string> kKnown = {"for", "if", "block", "extends", "print", "macro", "include",
                                                 "from", "import", "set", "with", "autoescape", "call", "filter",
                                                 "break", "continue", "generation"};
    if (!kKnown.count(name)) fail_unknown(&name, line);
    tag_stack_.push_back(name);
    struct Pop {
      Parser* p;
      ~Pop() { p->tag_stack_.pop_back(); }
    } pop{this};
    if (name == "for") return parse_for();
    if (name == "if") return parse_if();
    if (name == "set") return parse_set();
    if (name == "macro") return parse_macro();
    if (name == "call") return parse_call_block();
    if (name == "filter") return parse_filter_block();
    if (name == "with") return parse_with();
    if (name == "print") return parse_print();
    if (name == "break" || name == "continue") {
      next();
      if (loop_depth_ == 0) fail("'" + name + "' outside loop", line);
      return std::make_unique<Stmt>(name == "break" ? StmtKind::kBreak : StmtKind::kContinue, line);
    }
    if (name == "generation") {
      next();
      auto node = std::make_unique<ScopedBodyStmt>(line);
      const int saved = loop_depth_;
      loop_depth_ = 0;
      node->body = parse_statements({"endgeneration"}, true);
      loop_depth_ = saved;
      return node;
    }
    if (name == "block") {
      next();
      expect(Tok::kName);
      skip_if_name("scoped");
      skip_if_name("required");
      parse_statements({"endblock"}, true);
      if (is(Tok::kName)) next();
      return std::make_unique<UnsupportedStmt>("block", line);
    }
    if (name == "autoescape") {
      next();
      parse_expression(true);
      parse_statements({"endautoescape"}, true);
      return std::make_unique<UnsupportedStmt>("autoescape", line);
    }
    // extends / include / import / from: parsed, never loaded (transformers gives no loader).
    next();
    parse_expression(true);
    while (!is(Tok::kBlockEnd) && !is(Tok::kEof)) next();
    return std::make_unique<UnsupportedStmt>(name, line);
  }

  StmtPtr parse_for() {
    auto node = std::make_unique<ForStmt>(expect_name("for").line);
    node->target = parse_assign_target(true, false, "in", false);
    expect_name("in");
    node->iter = parse_tuple(false, false, "recursive", false);
    if (skip_if_name("if")) node->filter = parse_expression(true);
    node->recursive = skip_if_name("recursive");
    ++loop_depth_;
    node->body = parse_statements({"endfor", "else"}, false);
    --loop_depth_;
    if (next().text == "else") node->otherwise = parse_statements({"endfor"}, true);
    return node;
  }

  StmtPtr parse_if() {
    auto node = std::make_unique<IfStmt>(expect_name("if").line);
    while (true) {
      ExprPtr test = parse_tuple(false, false, nullptr, false);
      Body body = parse_statements({"elif", "else", "endif"}, false);
      node->branches.emplace_back(std::move(test), std::move(body));
      const Token& tok = next();
      if (tok.text == "elif") continue;
      if (tok.text == "else") node->otherwise = parse_statements({"endif"}, true);
      break;
    }
    return node;
  }

  StmtPtr parse_set() {
    const int line = next().line;
    Target target = parse_assign_target(true, false, nullptr, true);
    if (skip_if(Tok::kAssign)) {
      auto node = std::make_unique<SetStmt>(line);
      node->target = std::move(target);
      node->value = parse_tuple(false, true, nullptr, false);
      return node;
    }
    auto node = std::make_unique<SetBlockStmt>(line);
    node->target = std::move(target);
    node->filter = parse_filter(nullptr, false);
    node->body = parse_statements({"endset"}, true);
    return node;
  }

  void parse_signature(MacroParams& params) {
    expect(Tok::kLParen);
    while (!is(Tok::kRParen)) {
      if (!params.names.empty()) expect(Tok::kComma);
      const Token& tok = expect(Tok::kName);
      if (tok.text == "true" || tok.text == "false" || tok.text == "none" || tok.text == "True" ||
          tok.text == "False" || tok.text == "None")
        fail("can't assign to 'const'", tok.line);
      std::string name = tok.text;
      if (skip_if(Tok::kAssign)) params.defaults.push_back(parse_expression(true));
      else if (!params.defaults.empty()) fail("non-default argument follows default argument");
      params.names.push_back(std::move(name));
    }
    expect(Tok::kRParen);
  }

  template <typename Node>
  void scan_specials(Node& node) {
    NameScan scan;
    scan.body(node.body);
    auto declared = [&](const std::string& n) {
      for (const auto& p : node.params.names)
        if (p == n) return true;
      return false;
    };
    node.uses_caller = scan.found.count("caller") && !declared("caller");
    node.uses_varargs = scan.found.count("varargs") && !declared("varargs");
    node.uses_kwargs = scan.found.count("kwargs") && !declared("kwargs");
  }

  StmtPtr parse_macro() {
    auto node = std::make_unique<MacroStmt>(next().line);
    node->name = expect(Tok::kName).text;
    parse_signature(node->params);
    const int saved = loop_depth_;
    loop_depth_ = 0;
    node->body = parse_statements({"endmacro"}, true);
    loop_depth_ = saved;
    scan_specials(*node);
    return node;
  }

  StmtPtr parse_call_block() {
    auto node = std::make_unique<CallBlockStmt>(next().line);
    if (is(Tok::kLParen)) parse_signature(node->params);
    node->call = parse_expression(true);
    if (node->call->kind != ExprKind::kCall) fail("expected call", node->line);
    const int saved = loop_depth_;
    loop_depth_ = 0;
    node->body = parse_statements({"endcall"}, true);
    loop_depth_ = saved;
    scan_specials(*node);
    return node;
  }

  StmtPtr parse_filter_block() {
    auto node = std::make_unique<FilterBlockStmt>(next().line);
    node->filter = parse_filter(nullptr, true);
    node->body = parse_statements({"endfilter"}, true);
    return node;
  }

  StmtPtr parse_with() {
    auto node = std::make_unique<WithStmt>(next().line);
    while (!is(Tok::kBlockEnd)) {
      if (!node->assignments.empty()) expect(Tok::kComma);
      Target target = parse_assign_target(true, false, nullptr, false);
      expect(Tok::kAssign);
      node->assignments.emplace_back(std::move(target), parse_expression(true));
    }
    node->body = parse_statements({"endwith"}, true);
    return node;
  }

  StmtPtr parse_print() {
    auto node = std::make_unique<OutputStmt>(next().line);
    while (!is(Tok::kBlockEnd)) {
      if (!node->items.empty()) expect(Tok::kComma);
      node->items.push_back({"", parse_expression(true)});
    }
    return node;
  }

  // Assignment targets as Jinja2's parse_assign_target (names, tuples of names, ns.attr).
  Target parse_assign_target(bool with_tuple, bool name_only, const char* extra_end, bool with_namespace) {
    Target target;
    target.line = cur().line;
    if (with_namespace && look().type == Tok::kDot) {
      target.kind = Target::Kind::kNamespaceAttr;
      target.name = expect(Tok::kName).text;
      next();
      target.attr = expect(Tok::kName).text;
      return target;
    }
    if (name_only) {
      target.name = expect(Tok::kName).text;
      check_assignable_name(target);
      return target;
    }
    ExprPtr e = with_tuple ? parse_tuple(true, true, extra_end, false) : parse_primary();
    target = to_target(*e);
    return target;
  }

  void check_assignable_name(const Target& t) const {
    static const std::set<std::string> kConst = {"true", "false", "none", "True", "False", "None"};
    if (kConst.count(t.name)) fail("can't assign to 'const'", t.line);
  }

  Target to_target(const Expr& e) const {
    Target t;
    t.line = e.line;
    if (e.kind == ExprKind::kName) {
      t.name = static_cast<const NameExpr&>(e).name;
      return t;
    }
    if (e.kind == ExprKind::kTuple) {
      t.kind = Target::Kind::kTuple;
      for (const auto& item : static_cast<const SeqExpr&>(e).items) t.items.push_back(to_target(*item));
      return t;
    }
    std::string what = e.kind == ExprKind::kConst ? "const" : e.kind == ExprKind::kList ? "list" : "expression";
    fail("can't assign to '" + what + "'", e.line);
  }

  // ---- expressions ----

  ExprPtr parse_expression(bool with_condexpr) {
    Depth depth(*this);
    return with_condexpr ? parse_condexpr() : parse_or();
  }

  ExprPtr parse_condexpr() {
    int line = cur().line;
    ExprPtr expr1 = parse_or();
    while (skip_if_name("if")) {
      ExprPtr expr2 = parse_or();
      ExprPtr expr3;
      if (skip_if_name("else")) expr3 = parse_condexpr();
      expr1 = std::make_unique<CondExpr>(std::move(expr2), std::move(expr1), std::move(expr3), line);
      line = cur().line;
    }
    return expr1;
  }

  ExprPtr parse_or() {
    int line = cur().line;
    ExprPtr left = parse_and();
    while (skip_if_name("or")) {
      left = std::make_unique<BinaryExpr>(ExprKind::kOr, BinaryOp::kAdd, std::move(left), parse_and(), line);
      line = cur().line;
    }
    return left;
  }

  ExprPtr parse_and() {
    int line = cur().line;
    ExprPtr left = parse_not();
    while (skip_if_name("and")) {
      left = std::make_unique<BinaryExpr>(ExprKind::kAnd, BinaryOp::kAdd, std::move(left), parse_not(), line);
      line = cur().line;
    }
    return left;
  }

  ExprPtr parse_not() {
    if (is_name("not")) {
      Depth depth(*this);
      int line = next().line;
      return std::make_unique<UnaryExpr>(ExprKind::kNot, parse_not(), line);
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    int line = cur().line;
    ExprPtr expr = parse_math1();
    std::unique_ptr<CompareExpr> cmp;
    while (true) {
      std::optional<CompareOp> op;
      switch (cur().type) {
        case Tok::kEq: op = CompareOp::kEq; break;
        case Tok::kNe: op = CompareOp::kNe; break;
        case Tok::kLt: op = CompareOp::kLt; break;
        case Tok::kLtEq: op = CompareOp::kLtEq; break;
        case Tok::kGt: op = CompareOp::kGt; break;
        case Tok::kGtEq: op = CompareOp::kGtEq; break;
        default: break;
      }
      if (op) {
        next();
      } else if (skip_if_name("in")) {
        op = CompareOp::kIn;
      } else if (is_name("not") && look().type == Tok::kName && look().text == "in") {
        next();
        next();
        op = CompareOp::kNotIn;
      } else {
        break;
      }
      if (!cmp) cmp = std::make_unique<CompareExpr>(std::move(expr), line);
      cmp->ops.emplace_back(*op, parse_math1());
      line = cur().line;
    }
    if (!cmp) return expr;
    cmp->line = line;
    return cmp;
  }

  ExprPtr parse_math1() {
    int line = cur().line;
    ExprPtr left = parse_concat();
    while (is(Tok::kAdd) || is(Tok::kSub)) {
      BinaryOp op = next().type == Tok::kAdd ? BinaryOp::kAdd : BinaryOp::kSub;
      left = std::make_unique<BinaryExpr>(ExprKind::kBinary, op, std::move(left), parse_concat(), line);
      line = cur().line;
    }
    return left;
  }

  ExprPtr parse_concat() {
    int line = cur().line;
    ExprPtr first = parse_math2();
    if (!is(Tok::kTilde)) return first;
    auto node = std::make_unique<ConcatExpr>(line);
    node->items.push_back(std::move(first));
    while (skip_if(Tok::kTilde)) node->items.push_back(parse_math2());
    return node;
  }

  ExprPtr parse_math2() {
    int line = cur().line;
    ExprPtr left = parse_pow();
    while (is(Tok::kMul) || is(Tok::kDiv) || is(Tok::kFloorDiv) || is(Tok::kMod)) {
      Tok t = next().type;
      BinaryOp op = t == Tok::kMul ? BinaryOp::kMul : t == Tok::kDiv ? BinaryOp::kDiv
                    : t == Tok::kFloorDiv ? BinaryOp::kFloorDiv : BinaryOp::kMod;
      left = std::make_unique<BinaryExpr>(ExprKind::kBinary, op, std::move(left), parse_pow(), line);
      line = cur().line;
    }
    return left;
  }

  ExprPtr parse_pow() {
    int line = cur().line;
    ExprPtr left = parse_unary(true);
    while (skip_if(Tok::kPow)) {
      left = std::make_unique<BinaryExpr>(ExprKind::kBinary, BinaryOp::kPow, std::move(left), parse_unary(true), line);
      line = cur().line;
    }
    return left;
  }

  ExprPtr parse_unary(bool with_filter) {
    Depth depth(*this);
    int line = cur().line;
    ExprPtr node;
    if (skip_if(Tok::kSub)) node = std::make_unique<UnaryExpr>(ExprKind::kNeg, parse_unary(false), line);
    else if (skip_if(Tok::kAdd)) node = std::make_unique<UnaryExpr>(ExprKind::kPos, parse_unary(false), line);
    else node = parse_primary();
    node = parse_postfix(std::move(node));
    if (with_filter) node = parse_filter_expr(std::move(node));
    return node;
  }

  ExprPtr parse_primary() {
    Depth depth(*this);
    const Token& tok = cur();
    const int line = tok.line;
    if (tok.type == Tok::kName) {
      ExprPtr node;
      if (tok.text == "true" || tok.text == "True") node = std::make_unique<ConstExpr>(Value::boolean(true), line);
      else if (tok.text == "false" || tok.text == "False") node = std::make_unique<ConstExpr>(Value::boolean(false), line);
      else if (tok.text == "none" || tok.text == "None") node = std::make_unique<ConstExpr>(Value::none(), line);
      else node = std::make_unique<NameExpr>(tok.text, line);
      next();
      return node;
    }
    if (tok.type == Tok::kString) {
      std::string buf = next().text;
      while (is(Tok::kString)) buf += next().text;
      return std::make_unique<ConstExpr>(Value::string(std::move(buf)), line);
    }
    if (tok.type == Tok::kInteger) return std::make_unique<ConstExpr>(Value::integer(next().integer), line);
    if (tok.type == Tok::kFloat) return std::make_unique<ConstExpr>(Value::number(next().number), line);
    if (tok.type == Tok::kLParen) {
      next();
      ExprPtr node = parse_tuple(false, true, nullptr, true);
      expect(Tok::kRParen);
      return node;
    }
    if (tok.type == Tok::kLBracket) {
      next();
      auto node = std::make_unique<SeqExpr>(ExprKind::kList, line);
      while (!is(Tok::kRBracket)) {
        if (!node->items.empty()) expect(Tok::kComma);
        if (is(Tok::kRBracket)) break;
        node->items.push_back(parse_expression(true));
      }
      expect(Tok::kRBracket);
      return node;
    }
    if (tok.type == Tok::kLBrace) {
      next();
      auto node = std::make_unique<DictExpr>(line);
      while (!is(Tok::kRBrace)) {
        if (!node->items.empty()) expect(Tok::kComma);
        if (is(Tok::kRBrace)) break;
        ExprPtr key = parse_expression(true);
        expect(Tok::kColon);
        node->items.emplace_back(std::move(key), parse_expression(true));
      }
      expect(Tok::kRBrace);
      return node;
    }
    fail("unexpected " + quoted(describe(tok)), line);
  }

  bool is_tuple_end(const char* extra_end) const {
    if (is(Tok::kVariableEnd) || is(Tok::kBlockEnd) || is(Tok::kRParen)) return true;
    return extra_end && is_name(extra_end);
  }

  ExprPtr parse_tuple(bool simplified, bool with_condexpr, const char* extra_end, bool explicit_parentheses) {
    Depth depth(*this);
    int line = cur().line;
    std::vector<ExprPtr> args;
    bool is_tuple = false;
    while (true) {
      if (!args.empty()) expect(Tok::kComma);
      if (is_tuple_end(extra_end)) break;
      args.push_back(simplified ? parse_primary() : parse_expression(with_condexpr));
      if (is(Tok::kComma)) is_tuple = true;
      else break;
      line = cur().line;
    }
    if (!is_tuple) {
      if (!args.empty()) return std::move(args[0]);
      if (!explicit_parentheses) fail("Expected an expression, got " + quoted(describe(cur())));
    }
    auto node = std::make_unique<SeqExpr>(ExprKind::kTuple, line);
    node->items = std::move(args);
    return node;
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      if (is(Tok::kDot) || is(Tok::kLBracket)) node = parse_subscript(std::move(node));
      else if (is(Tok::kLParen)) node = parse_call(std::move(node));
      else return node;
    }
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    while (true) {
      if (is(Tok::kPipe)) node = parse_filter(std::move(node), false);
      else if (is_name("is")) node = parse_test(std::move(node));
      else if (is(Tok::kLParen)) node = parse_call(std::move(node));
      else return node;
    }
  }

  ExprPtr parse_subscript(ExprPtr node) {
    Depth depth(*this);
    const Token& tok = next();
    const int line = tok.line;
    if (tok.type == Tok::kDot) {
      const Token& attr = cur();
      next();
      if (attr.type == Tok::kName) return std::make_unique<GetattrExpr>(std::move(node), attr.text, line);
      if (attr.type != Tok::kInteger) fail("expected name or number", attr.line);
      return std::make_unique<GetitemExpr>(std::move(node), std::make_unique<ConstExpr>(Value::integer(attr.integer), attr.line),
                                           line);
    }
    std::vector<ExprPtr> args;
    while (!is(Tok::kRBracket)) {
      if (!args.empty()) expect(Tok::kComma);
      args.push_back(parse_subscribed());
    }
    expect(Tok::kRBracket);
    ExprPtr arg;
    if (args.size() == 1) {
      arg = std::move(args[0]);
    } else {
      auto tuple = std::make_unique<SeqExpr>(ExprKind::kTuple, line);
      tuple->items = std::move(args);
      arg = std::move(tuple);
    }
    return std::make_unique<GetitemExpr>(std::move(node), std::move(arg), line);
  }

  ExprPtr parse_subscribed() {
    const int line = cur().line;
    auto slice = std::make_unique<SliceExpr>(line);
    if (is(Tok::kColon)) {
      next();
    } else {
      ExprPtr node = parse_expression(true);
      if (!is(Tok::kColon)) return node;
      next();
      slice->start = std::move(node);
    }
    if (!is(Tok::kColon) && !is(Tok::kRBracket) && !is(Tok::kComma)) slice->stop = parse_expression(true);
    if (is(Tok::kColon)) {
      next();
      if (!is(Tok::kRBracket) && !is(Tok::kComma)) slice->step = parse_expression(true);
    }
    return slice;
  }

  CallArgs parse_call_args() {
    const int line = expect(Tok::kLParen).line;
    CallArgs out;
    bool require_comma = false;
    auto ensure = [&](bool ok) {
      if (!ok) fail("invalid syntax for function call expression", line);
    };
    while (!is(Tok::kRParen)) {
      if (require_comma) {
        expect(Tok::kComma);
        if (is(Tok::kRParen)) break;
      }
      if (is(Tok::kMul)) {
        ensure(!out.dyn_args && !out.dyn_kwargs);
        next();
        out.dyn_args = parse_expression(true);
      } else if (is(Tok::kPow)) {
        ensure(!out.dyn_kwargs);
        next();
        out.dyn_kwargs = parse_expression(true);
      } else if (is(Tok::kName) && look().type == Tok::kAssign) {
        ensure(!out.dyn_kwargs);
        std::string key = next().text;
        next();
        out.kwargs.emplace_back(std::move(key), parse_expression(true));
      } else {
        ensure(!out.dyn_args && !out.dyn_kwargs && out.kwargs.empty());
        out.args.push_back(parse_expression(true));
      }
      require_comma = true;
    }
    expect(Tok::kRParen);
    return out;
  }

  ExprPtr parse_call(ExprPtr node) {
    Depth depth(*this);
    const int line = cur().line;
    auto call = std::make_unique<CallExpr>(std::move(node), line);
    call->args = parse_call_args();
    return call;
  }

  void check_filter(const std::string& name, int line) const {
    switch (filter_availability(name)) {
      case Availability::kImplemented: return;
      case Availability::kNotImplemented:
        throw TemplateError(ErrorKind::kUnsupported, "the '" + name + "' filter", line);
      case Availability::kUnknown: fail("No filter named '" + name + "'.", line);
    }
  }

  void check_test(const std::string& name, int line) const {
    switch (test_availability(name)) {
      case Availability::kImplemented: return;
      case Availability::kNotImplemented:
        throw TemplateError(ErrorKind::kUnsupported, "the '" + name + "' test", line);
      case Availability::kUnknown: fail("No test named '" + name + "'.", line);
    }
  }

  ExprPtr parse_filter(ExprPtr node, bool start_inline) {
    while (is(Tok::kPipe) || start_inline) {
      Depth depth(*this);
      if (!start_inline) next();
      const Token& tok = expect(Tok::kName);
      std::string name = tok.text;
      const int line = tok.line;
      while (is(Tok::kDot)) {
        next();
        name += "." + expect(Tok::kName).text;
      }
      check_filter(name, line);
      auto filter = std::make_unique<FilterExpr>(ExprKind::kFilter, std::move(node), name, line);
      if (is(Tok::kLParen)) filter->args = parse_call_args();
      node = std::move(filter);
      start_inline = false;
    }
    return node;
  }

  ExprPtr parse_test(ExprPtr node) {
    Depth depth(*this);
    const int line = next().line;
    const bool negated = skip_if_name("not");
    std::string name = expect(Tok::kName).text;
    while (is(Tok::kDot)) {
      next();
      name += "." + expect(Tok::kName).text;
    }
    check_test(name, line);
    auto test = std::make_unique<FilterExpr>(ExprKind::kTest, std::move(node), name, line);
    if (is(Tok::kLParen)) {
      test->args = parse_call_args();
    } else if ((is(Tok::kName) || is(Tok::kString) || is(Tok::kInteger) || is(Tok::kFloat) || is(Tok::kLParen) ||
                is(Tok::kLBracket) || is(Tok::kLBrace)) &&
               !is_name("else") && !is_name("or") && !is_name("and")) {
      if (is_name("is")) fail("You cannot chain multiple tests with is");
      ExprPtr arg = parse_postfix(parse_primary());
      test->args.args.push_back(std::move(arg));
    }
    if (negated) return std::make_unique<UnaryExpr>(ExprKind::kNot, std::move(test), line);
    return test;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  int max_depth_;
  int depth_ = 0;
  int loop_depth_ = 0;
  std::vector<EndTokens> end_stack_;
  std::vector<std::string> tag_stack_;
};

}  // namespace

ParsedTemplate parse(std::string_view source, int max_depth) { return Parser(tokenize(source), max_depth).run(); }

}  // namespace gauntlet::engine::jinja
