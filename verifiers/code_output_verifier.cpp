#include "verifiers/code_output_verifier.h"

#include <fmt/format.h>

#include "verifiers/helper_batch.h"

namespace gauntlet::verifiers {
namespace {

// Reads {"mode": "compare" | "arguments", "items": [...]} on stdin and writes one JSON result per
// item on stdout. Never executes the texts: they are parsed with ast and read node by node.
const char* const kHelper = R"PY(
import ast, json, math, sys
from collections import Counter, OrderedDict, deque
from decimal import Decimal
from fractions import Fraction

CALLS = {"set": set, "frozenset": frozenset, "tuple": tuple, "list": list, "dict": dict, "Counter": Counter,
         "OrderedDict": OrderedDict, "deque": deque, "Decimal": Decimal, "Fraction": Fraction, "range": range,
         "float": float, "complex": complex, "bytes": bytes, "bytearray": bytearray}
NAMES = {"inf": math.inf, "nan": math.nan}


def value(node, extended):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(value(e, extended) for e in node.elts)
    if isinstance(node, ast.List):
        return [value(e, extended) for e in node.elts]
    if isinstance(node, ast.Set):
        return {value(e, extended) for e in node.elts}
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise ValueError("dict unpacking")
        return {value(k, extended): value(v, extended) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        v = value(node.operand, extended)
        if type(v) not in (int, float, complex):
            raise ValueError("a sign on something other than a number")
        return +v if isinstance(node.op, ast.UAdd) else -v
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        a, b = value(node.left, extended), value(node.right, extended)
        if type(a) not in (int, float) or type(b) is not complex:
            raise ValueError("arithmetic other than a complex literal")
        return a + b if isinstance(node.op, ast.Add) else a - b
    if extended and isinstance(node, ast.Name) and node.id in NAMES:
        return NAMES[node.id]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name in CALLS and (extended or (name == "set" and not node.args and not node.keywords)):
            args = [value(a, extended) for a in node.args]
            kwargs = {}
            for k in node.keywords:
                if k.arg is None:
                    raise ValueError("** arguments")
                kwargs[k.arg] = value(k.value, extended)
            return CALLS[name](*args, **kwargs)
    raise ValueError("not a literal: " + type(node).__name__)


def read(text, extended):
    return value(ast.parse(text.strip(), mode="eval").body, extended)


def same(a, b):
    try:
        if a == b:
            return True
    except Exception:
        pass
    try:
        return type(a) is type(b) and repr(a) == repr(b)
    except Exception:
        return False


def compare(pair):
    gold, pred = pair
    try:
        g = read(gold, True)
    except Exception:
        return gold.strip() == pred.strip()
    try:
        p = read(pred, True)
    except Exception:
        return False
    return same(g, p)


def arguments(text):
    try:
        call = ast.parse("f(" + text + ")", mode="eval").body
    except Exception as e:
        return "not an argument list (" + type(e).__name__ + ")"
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "f"):
        return "f(<input>) is not a single call of f"
    try:
        for a in call.args:
            value(a, False)
        for k in call.keywords:
            if k.arg is None:
                raise ValueError("** arguments")
            value(k.value, False)
    except Exception as e:
        return "the arguments must be plain literals (" + str(e)[:80] + ")"
    return ""


request = json.loads(sys.stdin.read())
handler = compare if request["mode"] == "compare" else arguments
sys.stdout.write(json.dumps([handler(item) for item in request["items"]]))
)PY";

// Predictions longer than this are not read at all (no gold output is anywhere near it).
constexpr std::size_t kMaxText = 64 * 1024;

}  // namespace

CodeOutputVerifier::CodeOutputVerifier(sandbox::Sandbox& sandbox, int timeout_ms)
    : sandbox_(sandbox), timeout_ms_(timeout_ms) {}

std::vector<std::optional<nlohmann::json>> CodeOutputVerifier::run_helper(const std::string& mode,
                                                                          const std::vector<nlohmann::json>& items) {
  HelperProgram helper;
  helper.name = "code-output-" + mode;
  helper.code = kHelper;
  helper.request = {{"mode", mode}};
  helper.timeout_ms = timeout_ms_;
  return run_helper_batch(sandbox_, helper, items, executions_);
}

bool CodeOutputVerifier::equal(const std::string& gold, const std::string& predicted) {
  return equal(std::vector<std::pair<std::string, std::string>>{{gold, predicted}}).front();
}

std::vector<bool> CodeOutputVerifier::equal(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<bool> verdicts(pairs.size(), false);
  std::vector<nlohmann::json> items;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (pairs[i].second.size() > kMaxText || pairs[i].first.size() > kMaxText) continue;
    items.push_back(nlohmann::json::array({pairs[i].first, pairs[i].second}));
    where.push_back(i);
  }
  auto results = run_helper("compare", items);
  for (std::size_t k = 0; k < where.size(); ++k)
    verdicts[where[k]] = results[k] && results[k]->is_boolean() && results[k]->get<bool>();
  return verdicts;
}

std::vector<std::string> CodeOutputVerifier::literal_arguments(const std::vector<std::string>& inputs) {
  std::vector<std::string> reasons(inputs.size());
  std::vector<nlohmann::json> items;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].size() > kMaxText) {
      reasons[i] = fmt::format("longer than {} bytes", kMaxText);
      continue;
    }
    items.push_back(inputs[i]);
    where.push_back(i);
  }
  auto results = run_helper("arguments", items);
  for (std::size_t k = 0; k < where.size(); ++k) {
    const auto& r = results[k];
    reasons[where[k]] = !r               ? "could not be read (the check itself failed)"
                        : r->is_string() ? r->get<std::string>()
                                         : "unexpected check result";
  }
  return reasons;
}

}  // namespace gauntlet::verifiers
