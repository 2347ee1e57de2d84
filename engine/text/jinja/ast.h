#pragma once
// The parsed template: expression and statement nodes as Jinja2's parser builds them. Each node
// records its template line for error messages. Built by parser.h, walked by interpreter.h.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/text/jinja/value.h"

namespace gauntlet::engine::jinja {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class ExprKind {
  kConst, kName, kList, kTuple, kDict, kGetattr, kGetitem, kSlice, kCall, kFilter, kTest,
  kNeg, kPos, kNot, kBinary, kAnd, kOr, kConcat, kCompare, kCondExpr,
};

enum class BinaryOp { kAdd, kSub, kMul, kDiv, kFloorDiv, kMod, kPow };
enum class CompareOp { kEq, kNe, kLt, kLtEq, kGt, kGtEq, kIn, kNotIn };

// Arguments of a call, filter or test: positional, keyword, *args, **kwargs.
struct CallArgs {
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  ExprPtr dyn_args;
  ExprPtr dyn_kwargs;
};

struct Expr {
  explicit Expr(ExprKind k, int l) : kind(k), line(l) {}
  virtual ~Expr() = default;
  ExprKind kind;
  int line;
};

struct ConstExpr : Expr {
  ConstExpr(Value v, int l) : Expr(ExprKind::kConst, l), value(std::move(v)) {}
  Value value;
};
struct NameExpr : Expr {
  NameExpr(std::string n, int l) : Expr(ExprKind::kName, l), name(std::move(n)) {}
  std::string name;
};
// kList, kTuple
struct SeqExpr : Expr {
  SeqExpr(ExprKind k, int l) : Expr(k, l) {}
  std::vector<ExprPtr> items;
};
struct DictExpr : Expr {
  explicit DictExpr(int l) : Expr(ExprKind::kDict, l) {}
  std::vector<std::pair<ExprPtr, ExprPtr>> items;
};
struct GetattrExpr : Expr {
  GetattrExpr(ExprPtr o, std::string a, int l) : Expr(ExprKind::kGetattr, l), object(std::move(o)), attr(std::move(a)) {}
  ExprPtr object;
  std::string attr;
};
struct GetitemExpr : Expr {
  GetitemExpr(ExprPtr o, ExprPtr a, int l) : Expr(ExprKind::kGetitem, l), object(std::move(o)), arg(std::move(a)) {}
  ExprPtr object;
  ExprPtr arg;  // a SliceExpr for x[a:b:c]
};
struct SliceExpr : Expr {
  explicit SliceExpr(int l) : Expr(ExprKind::kSlice, l) {}
  ExprPtr start, stop, step;  // null = omitted
};
struct CallExpr : Expr {
  CallExpr(ExprPtr c, int l) : Expr(ExprKind::kCall, l), callee(std::move(c)) {}
  ExprPtr callee;
  CallArgs args;
};
// kFilter (operand null inside {% filter %} blocks and `set x | filter` blocks), kTest
struct FilterExpr : Expr {
  FilterExpr(ExprKind k, ExprPtr o, std::string n, int l) : Expr(k, l), operand(std::move(o)), name(std::move(n)) {}
  ExprPtr operand;
  std::string name;
  CallArgs args;
};
// kNeg, kPos, kNot
struct UnaryExpr : Expr {
  UnaryExpr(ExprKind k, ExprPtr o, int l) : Expr(k, l), operand(std::move(o)) {}
  ExprPtr operand;
};
// kBinary (with op), kAnd, kOr
struct BinaryExpr : Expr {
  BinaryExpr(ExprKind k, BinaryOp o, ExprPtr a, ExprPtr b, int l)
      : Expr(k, l), op(o), left(std::move(a)), right(std::move(b)) {}
  BinaryOp op;
  ExprPtr left, right;
};
struct ConcatExpr : Expr {
  explicit ConcatExpr(int l) : Expr(ExprKind::kConcat, l) {}
  std::vector<ExprPtr> items;
};
struct CompareExpr : Expr {
  CompareExpr(ExprPtr f, int l) : Expr(ExprKind::kCompare, l), first(std::move(f)) {}
  ExprPtr first;
  std::vector<std::pair<CompareOp, ExprPtr>> ops;
};
struct CondExpr : Expr {
  CondExpr(ExprPtr t, ExprPtr a, ExprPtr b, int l)
      : Expr(ExprKind::kCondExpr, l), test(std::move(t)), then(std::move(a)), otherwise(std::move(b)) {}
  ExprPtr test, then, otherwise;  // otherwise null: undefined
};

// Assignment targets: a name, a tuple of targets, or ns.attr.
struct Target {
  enum class Kind { kName, kTuple, kNamespaceAttr } kind = Kind::kName;
  std::string name;        // kName; the namespace for kNamespaceAttr
  std::string attr;        // kNamespaceAttr
  std::vector<Target> items;  // kTuple
  int line = 0;
};

enum class StmtKind {
  kOutput, kIf, kFor, kSet, kSetBlock, kMacro, kCallBlock, kFilterBlock, kWith, kBreak, kContinue,
  kScopedBody, kUnsupported,
};

struct Stmt {
  Stmt(StmtKind k, int l) : kind(k), line(l) {}
  virtual ~Stmt() = default;
  StmtKind kind;
  int line;
};

// Template text and {{ }} expressions, in order (text entries have expr == null).
struct OutputStmt : Stmt {
  explicit OutputStmt(int l) : Stmt(StmtKind::kOutput, l) {}
  struct Item {
    std::string text;
    ExprPtr expr;
  };
  std::vector<Item> items;
};
struct IfStmt : Stmt {
  explicit IfStmt(int l) : Stmt(StmtKind::kIf, l) {}
  std::vector<std::pair<ExprPtr, Body>> branches;  // if and elifs
  Body otherwise;
};
struct ForStmt : Stmt {
  explicit ForStmt(int l) : Stmt(StmtKind::kFor, l) {}
  Target target;
  ExprPtr iter;
  ExprPtr filter;  // the `if` after the iterable, or null
  bool recursive = false;
  Body body, otherwise;
};
struct SetStmt : Stmt {
  explicit SetStmt(int l) : Stmt(StmtKind::kSet, l) {}
  Target target;
  ExprPtr value;
};
struct SetBlockStmt : Stmt {
  explicit SetBlockStmt(int l) : Stmt(StmtKind::kSetBlock, l) {}
  Target target;
  ExprPtr filter;  // FilterExpr chain with a null innermost operand, or null
  Body body;
};
struct MacroParams {
  std::vector<std::string> names;
  std::vector<ExprPtr> defaults;  // for the last defaults.size() names
};
struct MacroStmt : Stmt {
  explicit MacroStmt(int l) : Stmt(StmtKind::kMacro, l) {}
  std::string name;
  MacroParams params;
  Body body;
  bool uses_caller = false, uses_varargs = false, uses_kwargs = false;
};
struct CallBlockStmt : Stmt {
  explicit CallBlockStmt(int l) : Stmt(StmtKind::kCallBlock, l) {}
  ExprPtr call;  // a CallExpr
  MacroParams params;
  Body body;
  bool uses_caller = false, uses_varargs = false, uses_kwargs = false;
};
struct FilterBlockStmt : Stmt {
  explicit FilterBlockStmt(int l) : Stmt(StmtKind::kFilterBlock, l) {}
  ExprPtr filter;  // FilterExpr chain with a null innermost operand
  Body body;
};
struct WithStmt : Stmt {
  explicit WithStmt(int l) : Stmt(StmtKind::kWith, l) {}
  std::vector<std::pair<Target, ExprPtr>> assignments;
  Body body;
};
// The body rendered in its own scope: transformers' {% generation %} and {% block %}.
struct ScopedBodyStmt : Stmt {
  explicit ScopedBodyStmt(int l) : Stmt(StmtKind::kScopedBody, l) {}
  Body body;
};
// A tag Jinja2 parses but this renderer does not run (include, import, extends, autoescape...):
// rendering it raises kUnsupported naming the tag.
struct UnsupportedStmt : Stmt {
  UnsupportedStmt(std::string t, int l) : Stmt(StmtKind::kUnsupported, l), tag(std::move(t)) {}
  std::string tag;
};

}  // namespace gauntlet::engine::jinja
