#include "engine/text/jinja/optimizer.h"

namespace gauntlet::engine::jinja {
namespace {

// jinja2.utils has_safe_repr: what a folded constant may hold.
bool has_safe_repr(const Value& v) {
  if (v.is_none() || v.is_bool() || v.is_int() || v.is_float() || v.is_string()) return true;
  if (v.is_sequence()) {
    const Sequence& s = v.seq();
    if (s.group) return false;  // groupby's namedtuple
    if (s.kind == SeqKind::kRange) return true;
    if (s.kind != SeqKind::kList && s.kind != SeqKind::kTuple) return false;
    for (const auto& item : s.items)
      if (!has_safe_repr(item)) return false;
    return true;
  }
  if (v.is_dict()) {
    for (const auto& [k, item] : v.dict().items)
      if (!has_safe_repr(k) || !has_safe_repr(item)) return false;
    return true;
  }
  return false;
}

class Optimizer {
 public:
  explicit Optimizer(const RenderLimits& limits) : limits_(limits) {}

  void body(Body& b) {
    for (auto& s : b) stmt(*s);
  }

 private:
  void args(CallArgs& a) {
    for (auto& e : a.args) expr(e);
    for (auto& kv : a.kwargs) expr(kv.second);
    expr(a.dyn_args);
    expr(a.dyn_kwargs);
  }

  void params(MacroParams& p) {
    for (auto& e : p.defaults) expr(e);
  }

  // Children first, then the node itself (Optimizer.generic_visit).
  void expr(ExprPtr& e) {
    if (!e) return;
    switch (e->kind) {
      case ExprKind::kConst:
      case ExprKind::kName: break;
      case ExprKind::kList:
      case ExprKind::kTuple:
        for (auto& item : static_cast<SeqExpr&>(*e).items) expr(item);
        break;
      case ExprKind::kDict:
        for (auto& [k, v] : static_cast<DictExpr&>(*e).items) {
          expr(k);
          expr(v);
        }
        break;
      case ExprKind::kGetattr: expr(static_cast<GetattrExpr&>(*e).object); break;
      case ExprKind::kGetitem: {
        auto& g = static_cast<GetitemExpr&>(*e);
        expr(g.object);
        if (g.arg->kind == ExprKind::kSlice) {
          // A slice object never has a safe repr: only its bounds fold.
          auto& s = static_cast<SliceExpr&>(*g.arg);
          expr(s.start);
          expr(s.stop);
          expr(s.step);
        } else {
          expr(g.arg);
        }
        break;
      }
      case ExprKind::kSlice: return;
      case ExprKind::kCall: {
        auto& c = static_cast<CallExpr&>(*e);
        expr(c.callee);
        args(c.args);
        break;
      }
      case ExprKind::kFilter:
      case ExprKind::kTest: {
        auto& f = static_cast<FilterExpr&>(*e);
        expr(f.operand);
        args(f.args);
        break;
      }
      case ExprKind::kNeg:
      case ExprKind::kPos:
      case ExprKind::kNot: expr(static_cast<UnaryExpr&>(*e).operand); break;
      case ExprKind::kBinary:
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        auto& b = static_cast<BinaryExpr&>(*e);
        expr(b.left);
        expr(b.right);
        break;
      }
      case ExprKind::kConcat:
        for (auto& item : static_cast<ConcatExpr&>(*e).items) expr(item);
        break;
      case ExprKind::kCompare: {
        auto& c = static_cast<CompareExpr&>(*e);
        expr(c.first);
        for (auto& op : c.ops) expr(op.second);
        break;
      }
      case ExprKind::kCondExpr: {
        auto& c = static_cast<CondExpr&>(*e);
        expr(c.test);
        expr(c.then);
        expr(c.otherwise);
        break;
      }
    }
    if (e->kind == ExprKind::kConst || e->kind == ExprKind::kName) return;
    if (auto v = Interpreter::fold(*e, limits_); v && has_safe_repr(*v))
      e = std::make_unique<ConstExpr>(std::move(*v), e->line);
  }

  void stmt(Stmt& s) {
    switch (s.kind) {
      case StmtKind::kOutput:
        for (auto& item : static_cast<OutputStmt&>(s).items) {
          if (!item.expr) continue;
          expr(item.expr);
          // CodeGenerator.visit_Output: a child known at compile time is printed then (str()).
          if (auto v = Interpreter::fold(*item.expr, limits_)) {
            try {
              item.text = to_str(*v);
              item.expr.reset();
            } catch (const TemplateError&) {
            }
          }
        }
        break;
      case StmtKind::kIf: {
        auto& i = static_cast<IfStmt&>(s);
        for (auto& [test, b] : i.branches) {
          expr(test);
          body(b);
        }
        body(i.otherwise);
        break;
      }
      case StmtKind::kFor: {
        auto& f = static_cast<ForStmt&>(s);
        expr(f.iter);
        expr(f.filter);
        body(f.body);
        body(f.otherwise);
        break;
      }
      case StmtKind::kSet: expr(static_cast<SetStmt&>(s).value); break;
      case StmtKind::kSetBlock: {
        auto& b = static_cast<SetBlockStmt&>(s);
        expr(b.filter);
        body(b.body);
        break;
      }
      case StmtKind::kMacro: {
        auto& m = static_cast<MacroStmt&>(s);
        params(m.params);
        body(m.body);
        break;
      }
      case StmtKind::kCallBlock: {
        auto& c = static_cast<CallBlockStmt&>(s);
        expr(c.call);
        params(c.params);
        body(c.body);
        break;
      }
      case StmtKind::kFilterBlock: {
        auto& f = static_cast<FilterBlockStmt&>(s);
        expr(f.filter);
        body(f.body);
        break;
      }
      case StmtKind::kWith: {
        auto& w = static_cast<WithStmt&>(s);
        for (auto& a : w.assignments) expr(a.second);
        body(w.body);
        break;
      }
      case StmtKind::kScopedBody: body(static_cast<ScopedBodyStmt&>(s).body); break;
      case StmtKind::kBreak:
      case StmtKind::kContinue:
      case StmtKind::kUnsupported: break;
    }
  }

  const RenderLimits& limits_;
};

}  // namespace

void optimize(ParsedTemplate& tmpl, const RenderLimits& limits) { Optimizer(limits).body(tmpl.body); }

}  // namespace gauntlet::engine::jinja
