#include "verifiers/sympy_check_program.h"

namespace gauntlet::verifiers {

// Runs once per sandbox worker as its warm-up (after `import sympy`), so every job forks with it
// loaded and with SymPy's lazy imports and caches already paid for by warm().
//
// Request on stdin: {"pairs": [[gold_tree, pred_tree], ...]} with trees as math_expression.h's
// to_sympy_tree() writes them. Reply on stdout: [["equal"|"different"|"unknown", detail], ...] in order.
// Symbols are real. Deciding one pair, cheapest first: an undefined side (1/0) is unknown; structural
// equality; infinities; a non-zero constant difference; expand(a - b) == 0 or cancel(a - b) == 0; a
// clear difference at one of 8 seeded random rational points (|a - b| > 1e-9 max(1, |a|, |b|));
// simplify(a - b) == 0; agreement at those points (4 or more evaluable); a.equals(b). Equations are equal when their sides'
// differences are non-zero constant multiples of each other.
const char* const kSympyCheckProgram = R"PY(import json, random, sys, types
import sympy
from sympy import Abs, Add, E, I, Integer, Mul, Pow, Rational, Symbol, binomial, factorial, log, nan, oo, pi, root, simplify, sqrt, zoo

FUNCTIONS = {"sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc,
             "cot": sympy.cot, "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "sinh": sympy.sinh,
             "cosh": sympy.cosh, "tanh": sympy.tanh, "exp": sympy.exp}
CONSTANTS = {"pi": pi, "e": E, "inf": oo, "i": I}


class Equation:
    def __init__(self, left, right):
        self.difference = left - right


def build(t):
    tag = t[0]
    if tag == "int":
        return Integer(t[1])
    if tag == "dec":
        return Rational(t[1])
    if tag == "sym":
        return Symbol(t[1], real=True)
    if tag == "const":
        return CONSTANTS[t[1]]
    if tag == "fn":
        return FUNCTIONS[t[1]](build(t[2]))
    args = [build(a) for a in t[1:]]
    if tag == "eq":
        return Equation(args[0], args[1])
    if any(isinstance(a, Equation) for a in args):
        raise ValueError("an equation inside an expression")
    if tag == "add":
        return Add(*args)
    if tag == "mul":
        return Mul(*args)
    if tag == "div":
        return args[0] / args[1]
    if tag == "neg":
        return -args[0]
    if tag == "pow":
        return Pow(args[0], args[1])
    if tag == "root":
        return sqrt(args[0]) if args[1] == 2 else root(args[0], args[1])
    if tag == "log":
        return log(*args)
    if tag == "fact":
        return factorial(args[0])
    if tag == "binom":
        return binomial(args[0], args[1])
    if tag == "abs":
        return Abs(args[0])
    raise ValueError("unknown node %r" % (tag,))


def sample_points(symbols, rng, count):
    for _ in range(count):
        yield {s: Rational(rng.randint(-300, 300), rng.randint(7, 97)) for s in symbols}


def numerically_equal(a, b):
    """True when a and b agree at 8 seeded random points (4 or more of them evaluable), False when
    they clearly differ at one, None when too few points could be evaluated."""
    rng = random.Random(1234567)
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    evaluated = 0
    for point in sample_points(symbols, rng, 8):
        try:
            va = complex(a.evalf(30, subs=point))
            vb = complex(b.evalf(30, subs=point))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
        if va != va or vb != vb or abs(va) == float("inf") or abs(vb) == float("inf"):
            continue
        evaluated += 1
        if abs(va - vb) > 1e-9 * max(1.0, abs(va), abs(vb)):
            return False
    return True if evaluated >= 4 else None


def same(a, b):
    if isinstance(a, Equation) or isinstance(b, Equation):
        if not (isinstance(a, Equation) and isinstance(b, Equation)):
            return "different", "an equation against an expression"
        da, db = a.difference, b.difference
        if da == 0 or db == 0:
            return ("equal" if simplify(da) == 0 and simplify(db) == 0 else "different"), ""
        ratio = simplify(da / db)
        if not ratio.free_symbols and ratio.is_finite and ratio != 0:
            return "equal", ""
        return "different", "the sides do not differ by a constant factor"
    if a.has(zoo, nan) or b.has(zoo, nan):
        return "unknown", "undefined value (division by zero)"
    if a == b:
        return "equal", ""
    if a.has(oo, -oo) or b.has(oo, -oo):
        return "different", "infinities differ"
    difference = a - b
    if difference == 0:
        return "equal", ""
    if not difference.free_symbols:
        value = difference.evalf(50)
        if value.is_number and value.is_comparable and abs(value) > sympy.Float("1e-40"):
            return "different", ""
    # Cheap identities first: polynomials, then rational functions.
    if sympy.expand(difference) == 0 or sympy.cancel(difference) == 0:
        return "equal", ""
    numeric = numerically_equal(a, b)
    if numeric is False:
        return "different", ""
    if simplify(difference) == 0:
        return "equal", ""
    if numeric is True:
        return "equal", "agree at random points"
    verdict = a.equals(b)
    if verdict is True:
        return "equal", ""
    if verdict is False:
        return "different", ""
    return "unknown", ""


def main():
    request = json.loads(sys.stdin.read())
    results = []
    for gold, pred in request["pairs"]:
        try:
            results.append(list(same(build(gold), build(pred))))
        except Exception as e:
            results.append(["unknown", "%s: %s" % (type(e).__name__, e)])
    sys.stdout.write(json.dumps(results))


def warm():
    x = Symbol("x", real=True)
    same(build(["pow", ["add", ["sym", "x"], ["int", "1"]], ["int", "2"]]),
         build(["add", ["pow", ["sym", "x"], ["int", "2"]], ["mul", ["int", "2"], ["sym", "x"]], ["int", "1"]]))
    same(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, Integer(1))
    same(sqrt(12), 2 * sqrt(3))
    same(x / 2, Rational("0.5") * x)
    same(Equation(x + 1, Integer(2)), Equation(2 * x, Integer(2)))
    numerically_equal(x ** 2, x * x)


# Registered as a module so each job (forked from the warm worker) only imports and calls it.
_module = types.ModuleType("gauntlet_sympy_check")
_module.main = main
_module.same = same
_module.build = build
sys.modules["gauntlet_sympy_check"] = _module
warm()
)PY";

const char* const kSympyCheckJob = "import gauntlet_sympy_check\ngauntlet_sympy_check.main()\n";

}  // namespace gauntlet::verifiers
