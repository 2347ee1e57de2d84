#include "tests/support/selfplay_script.h"

#include <cstdint>
#include <cstdlib>
#include <regex>
#include <vector>

#include <fmt/format.h>

#include "harness/selfplay/prompts.h"
#include "tests/support/fake_openai_server.h"

namespace gauntlet::testing {
namespace {

using harness::kProposeInputsTitle;
using harness::kProposeProgramTitle;
using harness::kSolveAbductionTitle;
using harness::kSolveDeductionTitle;
using harness::kSolveInductionTitle;

// The reasoning says what the script meant to do, so tests can hold the verifier to it.
const char* const kThinking = "Let me write this task.";
const char* const kSure = kScriptSolverSure;
const char* const kGuessing = kScriptSolverGuessing;
const std::vector<std::string> kWords = {"zero",  "abc",     "gauntlet", "moe",   "hello",
                                         "proof", "lattice", "kite",     "orbit", "quartz"};
const char* const kIdentityMessage = "Write a function that returns whatever you input";
const char* const kLinearMessage = "The output is a fixed linear function of the input number.";
const char* const kMirrorMessage = "The output mirrors the input text.";

struct Block {
  std::string kind, body;
};

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<Block> blocks(std::string_view text) {
  std::vector<Block> out;
  std::size_t pos = 0;
  for (;;) {
    auto open = text.find("```", pos);
    if (open == std::string_view::npos) break;
    auto nl = text.find('\n', open);
    if (nl == std::string_view::npos) break;
    auto close = text.find("```", nl);
    if (close == std::string_view::npos) break;
    out.push_back({trim(std::string(text.substr(open + 3, nl - open - 3))),
                   trim(std::string(text.substr(nl + 1, close - nl - 1)))});
    pos = close + 3;
  }
  return out;
}

std::string first(const std::vector<Block>& bs, const std::string& kind) {
  for (const auto& b : bs)
    if (b.kind == kind && b.body != "...") return b.body;
  return "";
}

std::string fence(const std::string& kind, const std::string& body) {
  return fmt::format("```{}\n{}\n```\n", kind, body);
}

ScriptedReply answer(const std::string& body, const char* thinking = kThinking) {
  return {thinking, "<answer>\n" + body + "</answer>"};
}

// The families the script knows.
enum class Family { identity, linear, mirror, unknown };
struct Program {
  Family family = Family::unknown;
  long long k = 1, c = 0;
};

Program recognise(const std::string& code) {
  static const std::regex linear(R"(def f\(x\):\s*return x \* (-?\d+) \+ (-?\d+)\s*$)");
  static const std::regex identity(R"(def f\((\w+)\):\s*return (\w+)\s*$)");
  std::smatch m;
  Program p;
  if (std::regex_match(code, m, linear)) {
    p.family = Family::linear;
    p.k = std::stoll(m[1]);
    p.c = std::stoll(m[2]);
  } else if (std::regex_match(code, m, identity) && m[1] == m[2]) {
    p.family = Family::identity;
  } else if (code == "def f(s):\n    return s[::-1] + s") {
    p.family = Family::mirror;
  }
  return p;
}

std::string linear_code(long long k, long long c) { return fmt::format("def f(x):\n    return x * {} + {}", k, c); }
const char* const kMirrorCode = "def f(s):\n    return s[::-1] + s";

std::string unquote(const std::string& s) {
  std::string t = trim(s);
  if (t.size() >= 2 && (t.front() == '\'' || t.front() == '"') && t.back() == t.front())
    return t.substr(1, t.size() - 2);
  return t;
}

std::optional<long long> integer(const std::string& s) {
  std::string t = trim(s);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  long long v = std::strtoll(t.c_str(), &end, 10);
  if (*end != '\0') return std::nullopt;
  return v;
}

ScriptedReply propose_program(std::string_view key) {
  const double u = fake_unit_hash(key, "propose");
  const std::uint64_t h = fake_hash(key, "params");
  const long long k = 2 + static_cast<long long>(h % 4), c = static_cast<long long>((h >> 8) % 19) - 9;
  const long long x = static_cast<long long>((h >> 16) % 41) - 20;
  auto program = [&](const std::string& code, const std::string& input) {
    return answer(fence("python", code) + fence("input", input));
  };
  if (u < 0.30) return program(linear_code(k, c), std::to_string(x));
  if (u < 0.40) return program(kMirrorCode, "'" + kWords[(h >> 24) % kWords.size()] + "'");
  if (u < 0.45)
    return (h & 1) ? program("import random\n\ndef f(x):\n    return x + random.randint(0, 0)", "3")
                   : program("import os\n\ndef f(x):\n    return len(os.sep) + x", "3");
  if (u < 0.50) return program("def g(x):\n    return x + 1\n\ndef f(x):\n    return g(x) * 2", "4");
  if (u < 0.55) return program("def f(x):\n    def g(y):\n        return y * 2\n    return g(x) + 1", "4");
  if (u < 0.60) return program("def f(x)\n    return x + 1", "4");
  if (u < 0.65) return program("def g(x):\n    return x * 2", "4");
  if (u < 0.71)
    return program(
        "def f(x):\n    words = {'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta'}\n"
        "    return [w for w in words][:x % 3 + 5]",
        "7");
  if (u < 0.76) return program("def f(x):\n    while True:\n        x += 1", "1");
  if (u < 0.81) return program("def f(x):\n    return x // 0", "5");
  if (u < 0.86) return program("def f(x):\n    return 'ab' * 300 + str(x)", "5");
  if (u < 0.90) return program(linear_code(k, c), "1) or (2");
  if (u < 0.95) return {kThinking, "Here is my program:\n" + fence("python", linear_code(k, c)) + fence("input", "1")};
  return {"", "<answer>\n" + fence("python", linear_code(k, c)) + fence("input", "2") + "</answer>"};
}

ScriptedReply propose_inputs(std::string_view prompt, std::string_view key) {
  const double u = fake_unit_hash(key, "inputs");
  const std::uint64_t h = fake_hash(key, "params");
  Program program = recognise(first(blocks(prompt), "python"));
  std::vector<std::string> inputs;
  const long long base = static_cast<long long>(h % 21) - 10, stride = 1 + static_cast<long long>((h >> 8) % 5);
  for (int i = 0; i < 10; ++i)
    inputs.push_back(program.family == Family::mirror ? "'" + kWords[(i + (h >> 16)) % kWords.size()] + "'"
                                                      : std::to_string(base + stride * i));
  const char* message = program.family == Family::linear   ? kLinearMessage
                        : program.family == Family::mirror ? kMirrorMessage
                                                           : kIdentityMessage;
  auto reply = [&](std::size_t count, bool with_message) {
    std::string body;
    for (std::size_t i = 0; i < count; ++i) body += fence("input", inputs[i]);
    if (with_message) body += fence("message", message);
    return answer(body);
  };
  if (u < 0.60) return reply(10, true);
  if (u < 0.72) return reply(7, true);
  if (u < 0.82) return reply(10, false);
  if (u < 0.90) {
    inputs[3] = "1) or (2";
    return reply(10, true);
  }
  return {kThinking, "I would pick the numbers one to ten."};
}

// The solver: right, wrong or unformatted, by hash.
enum class Verdict { right, wrong, unformatted };

Verdict decide(std::string_view key) {
  const double u = fake_unit_hash(key, "solve");
  if (u < kScriptSolverFormatErrorRate) return Verdict::unformatted;
  if (u < kScriptSolverFormatErrorRate + kScriptSolverWrongRate) return Verdict::wrong;
  return Verdict::right;
}

ScriptedReply solve(std::string_view prompt, std::string_view key, std::string_view title) {
  const Verdict verdict = decide(key);
  if (verdict == Verdict::unformatted) return {kGuessing, "I think the answer is 42."};
  const bool right = verdict == Verdict::right;
  const char* thinking = right ? kSure : kGuessing;
  auto bs = blocks(prompt);
  if (title == kSolveDeductionTitle) {
    Program p = recognise(first(bs, "python"));
    std::string input = first(bs, "input");
    std::string out = "None";
    if (p.family == Family::identity) out = right ? input : "'Hello'";
    if (p.family == Family::linear)
      if (auto x = integer(input)) out = std::to_string(p.k * *x + p.c + (right ? 0 : 1));
    if (p.family == Family::mirror) {
      std::string w = unquote(input);
      out = "'" + (right ? std::string(w.rbegin(), w.rend()) + w : w) + "'";
    }
    return answer(fence("output", out), thinking);
  }
  if (title == kSolveAbductionTitle) {
    Program p = recognise(first(bs, "python"));
    std::string output = first(bs, "output");
    if (!right && (fake_hash(key, "cheat") & 1)) return answer(fence("input", "0) if 0 else (" + output), thinking);
    std::string in = "None";
    if (p.family == Family::identity) in = right ? output : "'nope'";
    if (p.family == Family::linear)
      if (auto o = integer(output)) in = std::to_string((*o - p.c) / p.k + (right ? 0 : 1));
    if (p.family == Family::mirror) {
      std::string o = unquote(output);
      in = "'" + (right ? o.substr(o.size() / 2) : std::string("q")) + "'";
    }
    return answer(fence("input", in), thinking);
  }
  // Induction: the message names the family; a line is fitted through the first two examples.
  std::string code;
  if (prompt.find(kLinearMessage) != std::string_view::npos) {
    auto x1 = integer(first(bs, "input_1")), y1 = integer(first(bs, "output_1"));
    auto x2 = integer(first(bs, "input_2")), y2 = integer(first(bs, "output_2"));
    if (x1 && y1 && x2 && y2 && *x2 != *x1) {
      long long k = (*y2 - *y1) / (*x2 - *x1);
      code = linear_code(k, *y1 - k * *x1 + (right ? 0 : 1));
    } else {
      code = "def f(x):\n    return x";
    }
  } else if (prompt.find(kMirrorMessage) != std::string_view::npos) {
    code = right ? kMirrorCode : "def f(s):\n    return s + s";
  } else {
    code = right ? "def f(a):\n    return a" : "def f(a):\n    return str(a)";
  }
  return answer(fence("python", code), thinking);
}

}  // namespace

std::optional<ScriptedReply> selfplay_reply(std::string_view prompt, std::string_view key) {
  if (prompt.find(kProposeProgramTitle) != std::string_view::npos) return propose_program(key);
  if (prompt.find(kProposeInputsTitle) != std::string_view::npos) return propose_inputs(prompt, key);
  for (auto title : {kSolveDeductionTitle, kSolveAbductionTitle, kSolveInductionTitle})
    if (prompt.find(title) != std::string_view::npos) return solve(prompt, key, title);
  return std::nullopt;
}

}  // namespace gauntlet::testing
