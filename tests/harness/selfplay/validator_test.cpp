// Proposal validation in the sandbox: each rule rejects what it should and names the reason;
// valid programs pass with the repr of their outputs.
#include "harness/selfplay/validator.h"

#include <memory>

#include <gtest/gtest.h>

#include "harness/selfplay/task.h"

namespace gauntlet::harness {
namespace {

class SelfPlayValidator : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sandbox::SandboxOptions options;
    options.lanes = 2;
    box_ = std::make_unique<sandbox::Sandbox>(options);
    options.hash_seed = 1;
    other_ = std::make_unique<sandbox::Sandbox>(options);
  }
  static void TearDownTestSuite() {
    box_.reset();
    other_.reset();
  }

  static ValidationLimits limits() {
    ValidationLimits l;
    l.timeout_ms = 300;
    return l;
  }

  static ValidationResult check(const std::string& program, const std::vector<std::string>& inputs,
                                ValidationLimits l = limits(), bool check_program = true) {
    ProposalValidator v(*box_, *other_, std::move(l));
    auto results = v.validate({{program, inputs, check_program}});
    EXPECT_EQ(results.size(), 1u);
    return results.front();
  }

  // Asserts a rejection for `reason` whose detail mentions `detail`.
  static void expect_reject(const std::string& program, const std::string& input, const std::string& reason,
                            const std::string& detail, ValidationLimits l = limits()) {
    auto r = check(program, {input}, std::move(l));
    EXPECT_FALSE(r.valid) << program;
    EXPECT_EQ(r.reason, reason) << program << "\ndetail: " << r.detail;
    EXPECT_NE(r.detail.find(detail), std::string::npos) << program << "\ndetail: " << r.detail;
    EXPECT_TRUE(r.outputs.empty());
  }

  static std::unique_ptr<sandbox::Sandbox> box_, other_;
};
std::unique_ptr<sandbox::Sandbox> SelfPlayValidator::box_;
std::unique_ptr<sandbox::Sandbox> SelfPlayValidator::other_;

TEST_F(SelfPlayValidator, ValidProgramsPassWithTheirOutputs) {
  auto a = check("def f(x):\n    return x * 2 + 1", {"3"});
  EXPECT_TRUE(a.valid) << a.reason << ": " << a.detail;
  EXPECT_EQ(a.outputs, (std::vector<std::string>{"7"}));
  // Imports and constants at the top, several arguments, a lambda inside f, stdout is fine.
  auto b = check(
      "import math\nfrom collections import Counter\nLIMIT = 3\n\n"
      "def f(a, b, word='abca'):\n    key = lambda c: (-c[1], c[0])\n    print('working')\n"
      "    return [math.gcd(a, b)] * LIMIT, sorted(Counter(word).items(), key=key)",
      {"12, 18", "7, 5, word='hello'"});
  EXPECT_TRUE(b.valid) << b.reason << ": " << b.detail;
  EXPECT_EQ(b.outputs, (std::vector<std::string>{"([6, 6, 6], [('a', 2), ('b', 1), ('c', 1)])",
                                                 "([1, 1, 1], [('l', 2), ('e', 1), ('h', 1), ('o', 1)])"}));
  // Ordering strings by value is deterministic even though set order is not.
  auto c = check("def f(x):\n    return sorted({'alpha', 'beta', 'gamma', 'delta'})[:x]", {"2"});
  EXPECT_TRUE(c.valid) << c.reason << ": " << c.detail;
  EXPECT_EQ(c.outputs, (std::vector<std::string>{"['alpha', 'beta']"}));
}

TEST_F(SelfPlayValidator, SeedTasksAreValidAndTheirStoredOutputsAreTheRealOnes) {
  for (TaskType type : all_task_types()) {
    CodeTask seed = seed_task(type);
    auto r = check(seed.program, seed.inputs);
    EXPECT_TRUE(r.valid) << to_string(type) << ": " << r.reason << " " << r.detail;
    EXPECT_EQ(r.outputs, seed.outputs) << to_string(type);
  }
}

TEST_F(SelfPlayValidator, SyntaxErrors) {
  expect_reject("def f(x)\n    return x", "1", "syntax_error", "SyntaxError");
  expect_reject("def f(x):\nreturn x", "1", "syntax_error", "IndentationError");
  expect_reject(std::string("def f(x):\n    return x\0", 23), "1", "syntax_error", "null bytes");
}

TEST_F(SelfPlayValidator, ForbiddenImportsOnTheSyntaxTree) {
  expect_reject("import random\ndef f(x):\n    return x", "1", "forbidden_import", "random (line 1; banned: random)");
  expect_reject("from os import path\ndef f(x):\n    return x", "1", "forbidden_import", "banned: os");
  expect_reject("import os.path\ndef f(x):\n    return x", "1", "forbidden_import", "os.path");
  expect_reject("import sys\ndef f(x):\n    return x", "1", "forbidden_import", "sys");
  expect_reject("from datetime import date\ndef f(x):\n    return x", "1", "forbidden_import", "datetime");
  expect_reject("def f(x):\n    import hashlib\n    return x", "1", "forbidden_import", "hashlib (line 2");
  expect_reject("def f(x):\n    return __import__('time').time()", "1", "forbidden_import", "banned: time");
  expect_reject("import xml.etree, threading\ndef f(x):\n    return x", "1", "forbidden_import", "threading");
  // A banned word as any component of a dotted name (AZR splits names on ".").
  expect_reject("import concurrent.futures.thread, multiprocessing.pool\ndef f(x):\n    return x", "1",
                "forbidden_import", "multiprocessing");
  // Only imports count: the word elsewhere is fine.
  auto ok = check("import collections\ndef f(time):\n    random = 'os'\n    return time + random", {"'a'"});
  EXPECT_TRUE(ok.valid) << ok.reason << ": " << ok.detail;
}

TEST_F(SelfPlayValidator, TheBannedListIsConfigurable) {
  ValidationLimits l = limits();
  l.banned_imports = {"collections", "os.path"};
  expect_reject("import collections\ndef f(x):\n    return x", "1", "forbidden_import", "collections", l);
  expect_reject("from os import path\ndef f(x):\n    return x", "1", "forbidden_import", "os.path", l);
  expect_reject("import os.path\ndef f(x):\n    return x", "1", "forbidden_import", "os.path", l);
  auto os_alone = check("import os\ndef f(x):\n    return len(os.sep) + x", {"1"}, l);
  EXPECT_TRUE(os_alone.valid) << os_alone.reason << ": " << os_alone.detail;
  auto random_ok = check("import random\ndef f(x):\n    return x", {"1"}, l);
  EXPECT_TRUE(random_ok.valid) << random_ok.reason;
}

TEST_F(SelfPlayValidator, ExactlyOneTopLevelFunctionNamedF) {
  expect_reject("def g(x):\n    return x", "1", "no_function_f", "top-level functions: g");
  expect_reject("x = 1", "1", "no_function_f", "none");
  expect_reject("def f(x):\n    return g(x)\n\ndef g(x):\n    return x", "1", "multiple_functions", "f, g");
  expect_reject("def f(x):\n    return x\n\nasync def h():\n    pass", "1", "multiple_functions", "f, h");
}

TEST_F(SelfPlayValidator, NoNestedDefinitions) {
  expect_reject("def f(x):\n    def g(y):\n        return y\n    return g(x)", "1", "nested_function", "g (line 2)");
  expect_reject("class A:\n    def get(self):\n        return 1\n\ndef f(x):\n    return A().get() + x", "1",
                "nested_function", "get (line 2)");
  expect_reject("def f(x):\n    async def g():\n        pass\n    return x", "1", "nested_function", "g");
}

TEST_F(SelfPlayValidator, TheInputMustBeOneCallOfF) {
  expect_reject("def f(x):\n    return x", "1) or (2", "bad_input", "not a single call of f");
  expect_reject("def f(x):\n    return x", "1)(2", "bad_input", "not a single call of f");
  expect_reject("def f(x):\n    return x", "1, (", "bad_input", "does not parse");
  auto r = check("def f(x):\n    return x", {"1", "2", "3)(4"}, limits(), /*check_program=*/false);
  EXPECT_EQ(r.reason, "bad_input");
  EXPECT_NE(r.detail.find("input 3"), std::string::npos) << r.detail;
}

TEST_F(SelfPlayValidator, RunsMustFinishWithinTheLimits) {
  expect_reject("def f(x):\n    while True:\n        x += 1", "1", "timeout", "CPU limit");
  expect_reject("def f(x):\n    return x // 0", "5", "error", "ZeroDivisionError");
  expect_reject("def f(x):\n    return undefined_name", "5", "error", "NameError");
  expect_reject("def f(x, y):\n    return x", "5", "error", "TypeError");
  ValidationLimits small = limits();
  small.memory_mb = 64;
  expect_reject("def f(x):\n    return len(bytearray(x))", "10**10", "memory", "memory", small);
  expect_reject("import socket\ndef f(x):\n    return socket.socket()", "1", "forbidden_syscall", "");
}

TEST_F(SelfPlayValidator, ACallThatExitsInsteadOfReturningIsRejected) {
  // Every way out of f before it returns is no_result, never a valid task with an empty output.
  ValidationLimits open = limits();
  open.banned_imports.clear();
  for (const char* leave : {"raise SystemExit", "raise SystemExit(0)", "import sys; sys.exit(0)",
                            "import sys; sys.exit(None)", "import os; os._exit(0)", "import sys; sys.exit(3)"}) {
    SCOPED_TRACE(leave);
    expect_reject(std::string("def f(x):\n    ") + leave + "\n    return x", "1", "no_result", "before the call returned",
                  open);
  }
}

TEST_F(SelfPlayValidator, TwoRunsWithDifferentHashSeedsMustAgree) {
  expect_reject("def f(x):\n    return hash('abc') % x", "1000003", "nondeterministic", "returned");
  expect_reject("def f(x):\n    return [w for w in {'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'}][:x]", "6",
                "nondeterministic", "returned");
  expect_reject("def f(x):\n    print({'alpha', 'beta', 'gamma', 'delta', 'epsilon'})\n    return x", "1",
                "nondeterministic", "printed different output");
}

TEST_F(SelfPlayValidator, OutputReprAtMostTheLimit) {
  expect_reject("def f(x):\n    return 'ab' * x", "300", "output_too_long", "602 characters, more than 400");
  auto at_limit = check("def f(x):\n    return 'a' * x", {"398"});  // 398 + 2 quotes = 400
  EXPECT_TRUE(at_limit.valid) << at_limit.reason;
  ValidationLimits wide = limits();
  wide.max_output_chars = 1000;
  EXPECT_TRUE(check("def f(x):\n    return 'ab' * x", {"300"}, wide).valid);
}

TEST_F(SelfPlayValidator, InductionInputsAllRunAndTheFirstFailureDecides) {
  auto ok = check("def f(a):\n    return a", {"1", "'x'", "dict(a=1, b=2)", "(1.5, None)"}, limits(), false);
  EXPECT_TRUE(ok.valid) << ok.reason << ": " << ok.detail;
  EXPECT_EQ(ok.outputs, (std::vector<std::string>{"1", "'x'", "{'a': 1, 'b': 2}", "(1.5, None)"}));
  auto bad = check("def f(x):\n    return 10 // x", {"1", "0", "2", "-1"}, limits(), false);
  EXPECT_FALSE(bad.valid);
  EXPECT_EQ(bad.reason, "error");
  EXPECT_NE(bad.detail.find("input 2: ZeroDivisionError"), std::string::npos) << bad.detail;
  // check_program = false skips the program rules (the program came from the buffer).
  auto skipped = check("import random\ndef f(x):\n    return x", {"1"}, limits(), false);
  EXPECT_TRUE(skipped.valid) << skipped.reason;
}

TEST_F(SelfPlayValidator, ManyProposalsAtOnceKeepTheirOrder) {
  ProposalValidator v(*box_, *other_, limits());
  std::vector<ProposalCheck> checks = {
      {"def f(x):\n    return x + 1", {"1"}, true}, {"import os\ndef f(x):\n    return x", {"1"}, true},
      {"def f(x):\n    return x * 3", {"2"}, true}, {"def f(x):\n    while True: pass", {"1"}, true},
      {"def f(x):\n    return [x]", {"'q'"}, true},
  };
  auto r = v.validate(checks);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].outputs, (std::vector<std::string>{"2"}));
  EXPECT_EQ(r[1].reason, "forbidden_import");
  EXPECT_EQ(r[2].outputs, (std::vector<std::string>{"6"}));
  EXPECT_EQ(r[3].reason, "timeout");
  EXPECT_EQ(r[4].outputs, (std::vector<std::string>{"['q']"}));
  // One inspection job for all five, one run for each of the four that passed it, a second run
  // for the three that returned (the endless loop ran once).
  EXPECT_EQ(v.executions(), 1 + 4 + 3);
}

TEST_F(SelfPlayValidator, TheTwoPoolsMustDifferInHashSeed) {
  EXPECT_THROW(ProposalValidator(*box_, *box_, limits()), std::invalid_argument);
}

}  // namespace
}  // namespace gauntlet::harness
