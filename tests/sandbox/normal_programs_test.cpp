// Ordinary programs print exactly what a plain /usr/bin/python3 prints (run here for comparison).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sandbox/sandbox.h"
#include "tests/support/command.h"

namespace {

using gauntlet::sandbox::Job;
using gauntlet::sandbox::Sandbox;
using gauntlet::sandbox::SandboxOptions;
using gauntlet::sandbox::Status;
using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

struct Program {
  Program(const char* name, std::string code, std::string input = "")
      : name(name), code(std::move(code)), input(std::move(input)) {}
  const char* name;
  std::string code;
  std::string input;
};

std::vector<Program> programs() {
  return {
      {"recursion", "import sys\nsys.setrecursionlimit(5000)\ndef fib(n):\n    return n if n < 2 else fib(n-1) + fib(n-2)\n"
                    "def depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\nprint(fib(20), depth(3000))\n"},
      {"classes", "class Shape:\n    def area(self): raise NotImplementedError\n"
                  "class Rect(Shape):\n    def __init__(self, w, h): self.w, self.h = w, h\n"
                  "    def area(self): return self.w * self.h\n    def __repr__(self): return f'Rect({self.w}, {self.h})'\n"
                  "class Square(Rect):\n    def __init__(self, s): super().__init__(s, s)\n"
                  "shapes = sorted([Rect(2, 3), Square(2), Rect(1, 10)], key=lambda s: s.area())\n"
                  "print(shapes, [s.area() for s in shapes], isinstance(shapes[0], Shape))\n"},
      {"dataclasses", "from dataclasses import dataclass, field\n@dataclass(order=True)\nclass P:\n    x: int\n    y: int = 0\n"
                      "    tags: list = field(default_factory=list)\nprint(sorted([P(3), P(1, 2), P(1, 1)]))\n"},
      {"comprehensions", "sq = [i * i for i in range(10) if i % 2]\nd = {i: chr(97 + i) for i in range(5)}\n"
                         "s = sorted({i % 7 for i in range(100)})\ng = sum(x for x in range(1000) if x % 3 == 0)\n"
                         "m = [[r * c for c in range(4)] for r in range(3)]\nprint(sq, d, s, g, m)\n"},
      {"collections", "from collections import Counter, deque, defaultdict, OrderedDict, namedtuple\n"
                      "c = Counter('abracadabra')\nprint(c.most_common(3))\nd = deque(range(5), maxlen=3)\nd.rotate(1)\nprint(d)\n"
                      "dd = defaultdict(list)\nfor w in 'apple avocado banana cherry'.split(): dd[w[0]].append(w)\nprint(dict(dd))\n"
                      "P = namedtuple('P', 'x y')\nprint(P(1, 2), P(1, 2)._asdict(), OrderedDict(a=1, b=2))\n"},
      {"itertools", "import itertools as it\nprint(list(it.permutations('abc', 2)))\nprint(list(it.combinations(range(5), 3))[:4])\n"
                    "print([(k, len(list(g))) for k, g in it.groupby('aaabbcaa')])\nprint(list(it.accumulate([1, 2, 3, 4])))\n"
                    "print(list(it.islice(it.count(10, 5), 4)), list(it.product([0, 1], repeat=2)))\n"},
      {"math", "import math\nprint(math.factorial(30), math.gcd(1071, 462), math.isqrt(10**20 + 1), math.comb(50, 25))\n"
               "print(math.pi, math.e, math.sqrt(2), math.log(10), math.sin(1.0), 0.1 + 0.2, 1e300 * 10, 7 / 3, -7 // 2, -7 % 3)\n"
               "print(round(2.675, 2), f'{math.pi:.10f}', float('nan') != float('nan'))\n"},
      {"regex", "import re\ntext = 'alice@example.com, bob@test.org; carol at nowhere'\n"
                "print(re.findall(r'(\\w+)@(\\w+)\\.(\\w+)', text))\nprint(re.sub(r'\\d+', lambda m: str(int(m.group()) * 2), 'a1b22c333'))\n"
                "print(re.split(r'[,;]\\s*', text), bool(re.fullmatch(r'[a-z]+', 'abc')))\n"},
      {"json", "import json\ndata = {'b': [1, 2.5, None, True], 'a': {'x': 'caf\\u00e9', 'y': []}}\n"
               "s = json.dumps(data, sort_keys=True)\nprint(s)\nprint(json.loads(s) == data, json.dumps(data, indent=2, ensure_ascii=False))\n"},
      {"functools", "from functools import lru_cache, reduce, partial, cmp_to_key\n@lru_cache(maxsize=None)\n"
                    "def ways(n): return 1 if n <= 1 else ways(n - 1) + ways(n - 2)\nprint(ways(200), ways.cache_info().hits)\n"
                    "print(reduce(lambda a, b: a * b, range(1, 15)), partial(int, base=2)('101101'))\n"
                    "print(sorted([3, 1, 2], key=cmp_to_key(lambda a, b: b - a)))\n"},
      {"big_integers", "x = 2 ** 1000\nprint(x)\nprint(len(str(3 ** 5000)), pow(3, 10**6, 10**9 + 7), (10**50 + 7) // 13, -(2**100) % 97)\n"},
      {"strings", "s = 'The quick brown fox'\nprint(s.upper(), s[::-1], s.split(), '-'.join(sorted(s.lower().split())))\n"
                  "print(f'{12345.678:,.2f}|{42:08b}|{\"x\":>5}|{3.0:g}', 'ß'.upper(), 'naïve'.encode())\n"},
      {"generators_exceptions", "def gen(n):\n    for i in range(n):\n        yield i * i\n"
                                "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print('caught', e)\n"
                                "try:\n    raise ValueError('bad')\nexcept Exception as e:\n    print(type(e).__name__, e)\nfinally:\n    print('finally')\n"
                                "print(list(gen(6)), next(iter(gen(3))))\n"},
      {"heapq_bisect", "import heapq, bisect\nh = [5, 1, 8, 3, 9, 2]\nheapq.heapify(h)\nprint([heapq.heappop(h) for _ in range(3)], heapq.nlargest(2, [4, 7, 1]))\n"
                       "a = [1, 3, 5, 7]\nbisect.insort(a, 4)\nprint(a, bisect.bisect_left(a, 5))\n"},
      {"fractions_decimal", "from fractions import Fraction\nfrom decimal import Decimal, getcontext\ngetcontext().prec = 30\n"
                            "print(Fraction(1, 3) + Fraction(1, 6), Decimal(1) / Decimal(7), sum(Fraction(1, n) for n in range(1, 11)))\n"},
      {"stdin_program", "import sys\nnums = [int(x) for x in sys.stdin.read().split()]\nprint(sum(nums), max(nums), sorted(nums))\n",
       "5 3 9\n1 7\n"},
      {"input_builtin", "n = int(input())\nfor _ in range(n):\n    a, b = map(int, input().split())\n    print(a + b)\n", "3\n1 2\n3 4\n10 20\n"},
  };
}

TEST(SandboxNormalPrograms, OutputEqualsPlainPython) {
  auto list = programs();
  std::vector<Job> jobs;
  for (const auto& p : list) {
    Job job;
    job.id = p.name;
    job.code = p.code;
    job.input = p.input;
    job.timeout_ms = 5000;
    jobs.push_back(job);
  }
  SandboxOptions options;
  options.lanes = 2;
  Sandbox box(options);
  auto results = box.run_batch(jobs);
  ASSERT_EQ(results.size(), list.size());
  TempDir dir;
  for (size_t i = 0; i < list.size(); ++i) {
    dir.write("prog.py", list[i].code);
    dir.write("input.txt", list[i].input);
    auto plain = run_command("/usr/bin/python3 -I -S " + dir.file("prog.py") + " < " + dir.file("input.txt"));
    ASSERT_EQ(plain.exit_code, 0) << list[i].name << ": " << plain.err;
    EXPECT_EQ(results[i].id, list[i].name);
    EXPECT_EQ(results[i].status, Status::ok) << list[i].name << ": " << results[i].error_type << " "
                                             << results[i].error_message << results[i].stderr_text;
    EXPECT_EQ(results[i].stdout_text, plain.out) << list[i].name;
    EXPECT_EQ(results[i].stderr_text, "") << list[i].name;
    EXPECT_EQ(results[i].exit_code, 0);
  }
}

}  // namespace
