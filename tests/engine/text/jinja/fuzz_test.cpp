// Fuzz: random token soups, truncated real chat templates and byte-level mutations of them never
// crash the renderer: each either renders or throws TemplateError (any other exception, a crash
// or a hang fails). Seeded, so a failure reproduces.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "engine/text/jinja/json.h"
#include "engine/text/jinja/template.h"
#include "tests/support/command.h"

namespace gauntlet::engine::jinja {
namespace {

Dict chat_variables() {
  auto v = value_from_json(nlohmann::ordered_json::parse(R"({
    "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"},
                 {"role": "assistant", "content": "<think>r</think>ok", "tool_calls": [
                   {"type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]},
                 {"role": "tool", "content": "42"}, {"role": "user", "content": [{"type": "text", "text": "p"}]}],
    "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}],
    "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>", "enable_thinking": false})"));
  return v.dict();
}

// Renders `source`; returns false (with a test failure) on anything but success or TemplateError.
bool survives(const std::string& source, const Dict& vars) {
  RenderLimits limits;
  limits.max_steps = 200'000;
  limits.max_output_bytes = 1 << 20;
  try {
    Template t(source, "fuzz", limits);
    t.render(vars);
  } catch (const TemplateError&) {
  } catch (const std::exception& e) {
    ADD_FAILURE() << "non-template exception " << e.what() << " for: " << source;
    return false;
  }
  return true;
}

std::vector<std::string> real_templates() {
  std::vector<std::string> out;
  const std::filesystem::path dir = std::string(GAUNTLET_SOURCE_DIR) + "/tests/engine/text/chat_templates";
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".jinja") out.push_back(gauntlet::testing::read_file(entry.path().string()));
  return out;
}

TEST(JinjaFuzz, RandomTokenSoupsNeverCrash) {
  const std::vector<std::string> pieces = {
      "{{", "}}", "{%", "%}", "{#", "#}", "{{-", "-}}", "{%-", "-%}", "{%+", "if", "elif", "else", "endif", "for",
      "in", "endfor", "set", "endset", "macro", "endmacro", "call", "endcall", "filter", "endfilter", "raw",
      "endraw", "with", "endwith", "break", "continue", "recursive", "loop", "loop.index", "loop(", "caller()",
      "namespace(", "ns.x", "=", "==", "!=", "<", ">", "+", "-", "*", "**", "/", "//", "%", "~", "|", "is", "not",
      "and", "or", "(", ")", "[", "]", "{", "}", ",", ":", ".", "'", "\"", "'s'", "1", "1.5", "1e400", "-0",
      "none", "true", "messages", "message", "m", "x", "tools", "[::-1]", "[1:]", "|tojson", "|length", "|join",
      "|map(attribute='role')", "|select", "|items", "|dictsort", "|default", "|trim", "|upper", "|indent(2)",
      ".split(", ".strip()", ".format(", "raise_exception(", "range(", "dict(", " ", "\n", "\t", "\\", "é",
      "😀", "\xff", "\x00"};
  std::mt19937 rng(1234);
  const Dict vars = chat_variables();
  int rendered = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string s;
    const int n = 1 + static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) s += pieces[rng() % pieces.size()] + (rng() % 3 ? " " : "");
    if (!survives(s, vars)) return;
    ++rendered;
  }
  EXPECT_EQ(rendered, 10000);
}

TEST(JinjaFuzz, TruncatedAndMutatedChatTemplatesNeverCrash) {
  std::mt19937 rng(99);
  const Dict vars = chat_variables();
  const auto templates = real_templates();
  ASSERT_GE(templates.size(), 8u);
  for (const auto& t : templates) {
    for (std::size_t cut = 0; cut < t.size(); cut += 1 + t.size() / 150)
      if (!survives(t.substr(0, cut), vars)) return;
    for (int i = 0; i < 150; ++i) {
      std::string m = t;
      for (int k = 0; k < 3; ++k) {
        const std::size_t at = rng() % m.size();
        switch (rng() % 3) {
          case 0: m.erase(at, 1 + rng() % 8); break;
          case 1: m.insert(at, 1, "{}%#-+()[]'\"|.\\\n"[rng() % 16]); break;
          default: m[at] = static_cast<char>(rng() % 256); break;
        }
        if (m.empty()) m = "x";
      }
      if (!survives(m, vars)) return;
    }
  }
}

}  // namespace
}  // namespace gauntlet::engine::jinja
