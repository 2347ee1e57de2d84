// The dependency directions of the source tree, checked on every #include "…". The rules are data:
// a new folder is one line in kRules. A rule applies to every file under `from` (except `unless`):
// kOnly lists the only folders it may include, kNever the folders it must not include.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

enum class Kind { kOnly, kNever };

struct Rule {
  std::string from;                  // folder the rule applies to (path prefix, relative to the repo)
  Kind kind;
  std::vector<std::string> folders;  // kOnly: allowed targets; kNever: forbidden targets
  std::string why;
  std::vector<std::string> unless = {};  // files or folders under `from` the rule does not cover
};

const std::vector<Rule> kRules = {
    {"engine/", Kind::kOnly, {"engine/"}, "the engine depends on no other part"},
    {"games/", Kind::kOnly, {"games/"}, "games depend on no other part"},
    {"sandbox/", Kind::kOnly, {"sandbox/"}, "the sandbox depends on no other part"},
    {"verifiers/", Kind::kOnly, {"verifiers/", "sandbox/"}, "verifiers use only the sandbox"},
    {"harness/clients/", Kind::kNever, {"harness/eval/", "harness/tournament/", "harness/selfplay/", "harness/cli/"},
     "model clients sit below the runners and the CLI"},
    {"harness/", Kind::kNever, {"harness/cli/"}, "only the CLI and main.cpp use the CLI",
     {"harness/cli/", "harness/main.cpp"}},
    {"harness/eval/", Kind::kNever, {"harness/tournament/", "harness/selfplay/"}, "the runners never include each other"},
    {"harness/tournament/", Kind::kNever, {"harness/eval/", "harness/selfplay/"}, "the runners never include each other"},
    {"harness/selfplay/", Kind::kNever, {"harness/eval/", "harness/tournament/"}, "the runners never include each other"},
    {"harness/judges/", Kind::kNever, {"harness/eval/", "harness/tournament/", "harness/selfplay/", "harness/referee/"},
     "judges serve games and suites alike, below every runner"},
    {"harness/server/", Kind::kNever, {"harness/eval/", "harness/tournament/", "harness/selfplay/", "harness/judges/", "harness/referee/"},
     "the HTTP server fronts the engine, below every runner"},
    {"harness/budgets/", Kind::kNever, {"harness/eval/", "harness/tournament/", "harness/selfplay/"},
     "budget policies decorate model clients, below every runner"},
    {"harness/referee/", Kind::kNever, {"harness/eval/", "harness/tournament/", "harness/selfplay/"},
     "the referee answers games' checks below the tournament runner"},
};

const std::vector<std::string> kParts = {"engine", "games", "sandbox", "verifiers", "harness"};

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

bool is_source(const fs::path& p) {
  static const std::vector<std::string> kExtensions = {".h", ".hpp", ".cpp", ".cc", ".cu", ".cuh", ".inc"};
  for (const auto& e : kExtensions)
    if (p.extension() == e) return true;
  return false;
}

// Why `file` (relative path) may not include `target`; empty when it may.
std::string broken_rule(const std::string& file, const std::string& target) {
  for (const Rule& r : kRules) {
    if (!starts_with(file, r.from)) continue;
    bool excepted = false;
    for (const auto& u : r.unless) excepted = excepted || starts_with(file, u);
    if (excepted) continue;
    std::string listed;  // the folder of r.folders that `target` is in, if any
    for (const auto& f : r.folders)
      if (starts_with(target, f)) listed = f;
    if (r.kind == Kind::kOnly && listed.empty()) return r.from + " includes only " + [&] {
      std::string s;
      for (const auto& f : r.folders) s += (s.empty() ? "" : ", ") + f;
      return s;
    }() + " (" + r.why + ")";
    if (r.kind == Kind::kNever && !listed.empty()) return r.from + " never includes " + listed + " (" + r.why + ")";
  }
  return "";
}

// Every broken rule under `root`, one line each: "file:line: includes "target": rule".
std::vector<std::string> violations(const fs::path& root) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*"([^"]+)\")");
  std::vector<std::string> found;
  for (const auto& part : kParts) {
    if (!fs::exists(root / part)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(root / part))
      if (entry.is_regular_file() && is_source(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      const std::string file = fs::relative(path, root).generic_string();
      std::ifstream in(path);
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        std::smatch m;
        if (!std::regex_search(line, m, kInclude)) continue;
        const std::string target = m[1];
        if (target.find('/') == std::string::npos) continue;  // a sibling by bare name: same folder
        if (const std::string why = broken_rule(file, target); !why.empty())
          found.push_back(file + ":" + std::to_string(number) + ": includes \"" + target + "\": " + why);
      }
    }
  }
  return found;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

TEST(Architecture, EveryIncludePointsTheRightWay) {
  const fs::path root = GAUNTLET_SOURCE_DIR;
  ASSERT_TRUE(fs::exists(root / "harness" / "main.cpp")) << root;
  const auto found = violations(root);
  EXPECT_TRUE(found.empty()) << found.size() << " include(s) against the dependency rules:\n" << joined(found);
}

// The checker itself, on a small tree with one broken rule of each kind.
TEST(Architecture, CheckerNamesFileLineAndRule) {
  const fs::path root = fs::temp_directory_path() / ("gauntlet_arch_" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto write = [&](const std::string& file, const std::string& text) {
    fs::create_directories((root / file).parent_path());
    std::ofstream(root / file) << text;
  };
  write("engine/a.cpp", "#include \"engine/b.h\"\n#include <vector>\n  #  include \"harness/store/store.h\"\n");
  write("verifiers/v.cpp", "#include \"sandbox/sandbox.h\"\n#include \"engine/engine.h\"\n");
  write("harness/clients/c.cpp", "#include \"harness/run/shard.h\"\n#include \"harness/eval/suite_config.h\"\n");
  write("harness/report/r.cpp", "#include \"harness/cli/command.h\"\n");
  write("harness/cli/ok.cpp", "#include \"harness/cli/command.h\"\n#include \"harness/eval/suite_runner.h\"\n");
  write("harness/main.cpp", "#include \"harness/cli/cli.h\"\n");
  write("harness/selfplay/s.cpp", "#include \"harness/tournament/runner.h\"\n");
  write("games/g.cpp", "// #include \"harness/x.h\" is only a comment\n#include \"local.h\"\n");
  const auto found = violations(root);
  fs::remove_all(root);
  const std::vector<std::string> expected = {
      "engine/a.cpp:3: includes \"harness/store/store.h\": engine/ includes only engine/ (the engine depends on no other part)",
      "verifiers/v.cpp:2: includes \"engine/engine.h\": verifiers/ includes only verifiers/, sandbox/ (verifiers use "
      "only the sandbox)",
      "harness/clients/c.cpp:2: includes \"harness/eval/suite_config.h\": harness/clients/ never includes harness/eval/ "
      "(model clients sit below the runners and the CLI)",
      "harness/report/r.cpp:1: includes \"harness/cli/command.h\": harness/ never includes harness/cli/ (only the CLI "
      "and main.cpp use the CLI)",
      "harness/selfplay/s.cpp:1: includes \"harness/tournament/runner.h\": harness/selfplay/ never includes "
      "harness/tournament/ (the runners never include each other)",
  };
  EXPECT_EQ(found, expected) << joined(found);
}

}  // namespace
