#include "verifiers/math_verifier.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>
#include <vector>

#include "verifiers/answer_normalizer.h"
#include "verifiers/math_answer.h"
#include "verifiers/math_normalizer.h"

namespace gauntlet::verifiers {

namespace {

using Kind = MathAnswer::Kind;

constexpr double kExactFormTolerance = 1e-10;  // relative, between two values written exactly
constexpr double kExactFormAbsolute = 1e-12;
constexpr double kDecimalAbsolute = 1e-9;
constexpr double kDoublePrecisionLimit = 1e15;  // exact forms this large go to SymPy

enum class Decision { kEqual, kDifferent, kUnknown, kPending };

struct Outcome {
  Decision decision = Decision::kUnknown;
  MathMethod method = MathMethod::kNone;
};

Outcome equal(MathMethod m) { return {Decision::kEqual, m}; }
Outcome different(MathMethod m) { return {Decision::kDifferent, m}; }
Outcome unknown() { return {Decision::kUnknown, MathMethod::kNone}; }

MathMethod costlier(MathMethod a, MathMethod b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

std::string squeeze(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out.push_back(c);
  return out;
}

// Text answers: case-insensitive, and "(C)" is "C".
std::string text_key(std::string_view s) {
  std::string key = ascii_lower(squeeze(s));
  if (key.size() == 3 && key[0] == '(' && key[2] == ')') key = key.substr(1, 1);
  return key;
}

// A perfect matching of rows to columns over the allowed cells (Kuhn's augmenting paths).
bool perfect_matching(const std::vector<std::vector<bool>>& allowed, std::vector<int>& match_of_column) {
  std::size_t n = allowed.size();
  match_of_column.assign(n, -1);
  std::vector<bool> seen;
  std::function<bool(std::size_t)> augment = [&](std::size_t row) {
    for (std::size_t col = 0; col < n; ++col) {
      if (!allowed[row][col] || seen[col]) continue;
      seen[col] = true;
      if (match_of_column[col] < 0 || augment(static_cast<std::size_t>(match_of_column[col]))) {
        match_of_column[col] = static_cast<int>(row);
        return true;
      }
    }
    return false;
  };
  for (std::size_t row = 0; row < n; ++row) {
    seen.assign(n, false);
    if (!augment(row)) return false;
  }
  return true;
}

// One comparison of two parsed answers. It runs twice when a symbolic check is needed: the first
// pass collects the expression pairs SymPy must decide (returning kPending for them), the second
// walks the same parts in the same order and takes SymPy's verdicts in that order.
class Comparison {
 public:
  Comparison(const MathVerifierOptions& options, bool symbolic) : options_(options), symbolic_(symbolic) {}

  Outcome compare(const MathAnswer& g, const MathAnswer& p) {
    if (!g.text.empty() && squeeze(g.text) == squeeze(p.text)) return equal(MathMethod::kExact);
    if (g.kind == Kind::kSet && g.items.size() == 1) return compare(g.items[0], p);
    if (p.kind == Kind::kSet && p.items.size() == 1) return compare(g, p.items[0]);
    if (g.kind == Kind::kText || p.kind == Kind::kText) {
      return text_key(g.text) == text_key(p.text) ? equal(MathMethod::kExact) : different(MathMethod::kExact);
    }
    if (g.kind == Kind::kScalar && p.kind == Kind::kScalar) return compare_scalars(g, p);
    if (g.kind == Kind::kTuple && p.kind == Kind::kTuple) {
      if (g.open != p.open || g.close != p.close) return different(MathMethod::kExact);
      return compare_in_order(g.items, p.items);
    }
    // A point written without its parentheses: "(3, 4)" against "3, 4".
    auto bare_list = [](const MathAnswer& a) { return a.kind == Kind::kSet && a.open == 0; };
    auto point = [](const MathAnswer& a) { return a.kind == Kind::kTuple && a.open == '(' && a.close == ')'; };
    if ((point(g) && bare_list(p)) || (bare_list(g) && point(p))) return compare_in_order(g.items, p.items);
    if (g.kind == Kind::kSet && p.kind == Kind::kSet) return compare_any_order(g.items, p.items);
    return different(MathMethod::kExact);
  }

  // After the first pass: the pairs for SymPy, in the order the second pass will ask for them.
  std::vector<std::pair<MathExpr, MathExpr>>& requests() { return requests_; }
  void take_answers(const SymbolicBatch& batch) {
    answers_ = &batch;
    next_answer_ = 0;
  }
  bool needed_symbolic_while_off() const { return needed_while_off_; }
  bool symbolic_unsure() const { return symbolic_unsure_; }
  const std::string& first_detail() const { return first_detail_; }

 private:
  Outcome compare_scalars(const MathAnswer& g, const MathAnswer& p) {
    const MathExpr& a = *g.expr;
    const MathExpr& b = *p.expr;
    auto ga = evaluate_constant(a);
    auto pb = evaluate_constant(b);
    // Two different names are two different variables ("A" against "B"); no need to ask SymPy.
    if (a.kind == MathExpr::Kind::kSymbol && b.kind == MathExpr::Kind::kSymbol)
      return a.text == b.text ? equal(MathMethod::kExact) : different(MathMethod::kExact);
    if (ga && pb) {
      bool exact_forms = !has_decimal(a) && !has_decimal(b);
      double rel = exact_forms ? kExactFormTolerance : options_.tolerance;
      double absolute = exact_forms ? kExactFormAbsolute : kDecimalAbsolute;
      auto close = [&](double x, double y) { return numbers_close(x, y, rel, absolute); };
      auto verdict = [](bool same) { return same ? equal(MathMethod::kNumeric) : different(MathMethod::kNumeric); };
      if (g.percent != p.percent) {
        double pct = g.percent ? *ga : *pb;
        double plain = g.percent ? *pb : *ga;
        return verdict(close(pct, plain) || close(pct / 100.0, plain));
      }
      auto ia = integer_literal(a);
      auto ib = integer_literal(b);
      if (ia && ib) return verdict(*ia == *ib);
      bool beyond_doubles = exact_forms && std::isfinite(*ga) && std::isfinite(*pb) &&
                            std::max(std::fabs(*ga), std::fabs(*pb)) >= kDoublePrecisionLimit;
      if (!beyond_doubles || !symbolic_) return verdict(close(*ga, *pb));
    }
    return ask_symbolic(a, b);
  }

  Outcome ask_symbolic(const MathExpr& a, const MathExpr& b) {
    if (!symbolic_) {
      needed_while_off_ = true;
      return unknown();
    }
    if (!answers_) {
      requests_.emplace_back(a, b);
      return {Decision::kPending, MathMethod::kSymbolic};
    }
    std::size_t i = next_answer_++;
    if (i >= answers_->results.size()) return unknown();
    if (answers_->results[i] == SymbolicResult::kUnknown) {
      symbolic_unsure_ = true;
      if (first_detail_.empty()) first_detail_ = answers_->details[i];
    }
    switch (answers_->results[i]) {
      case SymbolicResult::kEqual: return equal(MathMethod::kSymbolic);
      case SymbolicResult::kDifferent: return different(MathMethod::kSymbolic);
      case SymbolicResult::kUnknown: return unknown();
    }
    return unknown();
  }

  Outcome compare_in_order(const std::vector<MathAnswer>& g, const std::vector<MathAnswer>& p) {
    if (g.size() != p.size()) return different(MathMethod::kExact);
    std::vector<Outcome> parts;
    for (std::size_t i = 0; i < g.size(); ++i) parts.push_back(compare(g[i], p[i]));
    for (const auto& o : parts)
      if (o.decision == Decision::kDifferent) return o;
    MathMethod method = MathMethod::kExact;
    bool pending = false, unsure = false;
    for (const auto& o : parts) {
      if (o.decision == Decision::kEqual) method = costlier(method, o.method);
      pending = pending || o.decision == Decision::kPending;
      unsure = unsure || o.decision == Decision::kUnknown;
    }
    if (unsure) return unknown();
    if (pending) return {Decision::kPending, MathMethod::kSymbolic};
    return equal(method);
  }

  Outcome compare_any_order(const std::vector<MathAnswer>& g, const std::vector<MathAnswer>& p) {
    if (g.size() != p.size()) return different(MathMethod::kExact);
    std::size_t n = g.size();
    std::vector<std::vector<Outcome>> cells(n, std::vector<Outcome>(n));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) cells[i][j] = compare(g[i], p[j]);
    auto allowed = [&](auto accept) {
      std::vector<std::vector<bool>> a(n, std::vector<bool>(n));
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) a[i][j] = accept(cells[i][j].decision);
      return a;
    };
    std::vector<int> match;
    if (perfect_matching(allowed([](Decision d) { return d == Decision::kEqual; }), match)) {
      MathMethod method = MathMethod::kExact;
      for (std::size_t col = 0; col < n; ++col) method = costlier(method, cells[match[col]][col].method);
      return equal(method);
    }
    if (perfect_matching(allowed([](Decision d) { return d != Decision::kDifferent; }), match)) {
      bool pending = false;
      for (const auto& row : cells)
        for (const auto& cell : row) pending = pending || cell.decision == Decision::kPending;
      return pending ? Outcome{Decision::kPending, MathMethod::kSymbolic} : unknown();
    }
    MathMethod method = MathMethod::kExact;
    for (const auto& row : cells)
      for (const auto& cell : row)
        if (cell.decision == Decision::kDifferent) method = costlier(method, cell.method);
    return different(method);
  }

  const MathVerifierOptions& options_;
  bool symbolic_;
  std::vector<std::pair<MathExpr, MathExpr>> requests_;
  const SymbolicBatch* answers_ = nullptr;
  std::size_t next_answer_ = 0;
  bool needed_while_off_ = false;
  bool symbolic_unsure_ = false;
  std::string first_detail_;
};

}  // namespace

const char* to_string(MathMethod method) {
  switch (method) {
    case MathMethod::kExact: return "exact";
    case MathMethod::kNumeric: return "numeric";
    case MathMethod::kSymbolic: return "symbolic";
    case MathMethod::kNone: return "none";
  }
  return "none";
}

nlohmann::ordered_json MathVerdict::to_json() const {
  nlohmann::ordered_json j;
  j["equivalent"] = equivalent;
  j["gold_norm"] = gold_norm;
  j["pred_norm"] = pred_norm;
  j["method"] = to_string(method);
  if (!note.empty()) j["note"] = note;
  return j;
}

MathVerifier::MathVerifier(MathVerifierOptions options, SymbolicChecker* checker)
    : options_(options), checker_(checker) {}

MathVerdict MathVerifier::verify(std::string_view gold, std::string_view pred) const {
  MathVerdict verdict;
  verdict.gold_norm = normalize_math_answer(gold);
  verdict.pred_norm = normalize_math_answer(pred);
  if (verdict.pred_norm.empty() || verdict.gold_norm.empty()) {
    verdict.note = verdict.pred_norm.empty() ? "no predicted answer" : "empty gold answer";
    return verdict;
  }
  MathAnswer g = parse_math_answer(verdict.gold_norm);
  MathAnswer p = parse_math_answer(verdict.pred_norm);
  Comparison comparison(options_, options_.symbolic && checker_ != nullptr);
  Outcome outcome = comparison.compare(g, p);
  SymbolicBatch batch;
  if (outcome.decision == Decision::kPending) {
    batch = checker_->compare(comparison.requests(), options_.symbolic_timeout_ms);
    comparison.take_answers(batch);
    outcome = comparison.compare(g, p);
  }
  switch (outcome.decision) {
    case Decision::kEqual:
    case Decision::kDifferent:
      verdict.equivalent = outcome.decision == Decision::kEqual;
      verdict.method = outcome.method;
      break;
    case Decision::kUnknown:
    case Decision::kPending:
      verdict.method = MathMethod::kNone;
      verdict.unavailable = batch.unavailable;
      if (!batch.error.empty()) {
        verdict.note = batch.error;
      } else if (comparison.needed_symbolic_while_off()) {
        verdict.note = "needs a symbolic check, which is off";
      } else if (comparison.symbolic_unsure()) {
        const std::string& detail = comparison.first_detail();
        verdict.note = "SymPy could not decide" + (detail.empty() ? "" : ": " + detail);
      }
      break;
  }
  return verdict;
}

}  // namespace gauntlet::verifiers
