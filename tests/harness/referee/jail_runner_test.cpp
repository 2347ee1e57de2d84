// PyJail runs in the sandbox: the flag reaches the program only through its environment, outputs
// follow ZeroSumEval's shape, and hostile defender programs and attacker inputs (escapes, reading
// the flag or the evaluator's environment from outside, endless loops, fork bombs, memory and
// output floods, writes to host files, killing the parent) are contained: each ends in its status,
// the host is untouched and the sandbox keeps serving.
#include "harness/referee/jail_runner.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "sandbox/sandbox.h"
#include "tests/support/command.h"

namespace gauntlet::harness {
namespace {

namespace fs = std::filesystem;

class JailRunner : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv("GAUNTLET_EVALUATOR_SECRET", "evaluator-secret-77", 1);
    sandbox::SandboxOptions options;
    options.lanes = 1;
    box_ = std::make_unique<sandbox::Sandbox>(options);
  }
  static void TearDownTestSuite() {
    box_.reset();
    unsetenv("GAUNTLET_EVALUATOR_SECRET");
  }
  static RefereeAnswer run(const std::string& code, const std::string& input, const std::string& flag = "f1a9f1a9",
                           int time_limit_ms = 1000) {
    nlohmann::json in = {{"code", code}, {"input", input}, {"time_limit_ms", time_limit_ms}, {"memory_mb", 128}};
    return run_jail(*box_, in, {{"FLAG", flag}});
  }
  static std::unique_ptr<sandbox::Sandbox> box_;
};
std::unique_ptr<sandbox::Sandbox> JailRunner::box_;

TEST_F(JailRunner, TheFlagArrivesOnlyThroughTheEnvironment) {
  const std::string jail = "import os\n\ndef jail(user_input):\n    print('checking', user_input)\n"
                           "    return os.environ.get('FLAG', 'none') if user_input == 'open' else 'closed'\n";
  auto opened = run(jail, "open");
  EXPECT_EQ(opened.result["status"], "ok");
  EXPECT_EQ(opened.result["output"], "checking open\nf1a9f1a9");  // printed text, then the return value
  EXPECT_EQ(run(jail, "knock").result["output"], "checking knock\nclosed");
  nlohmann::json no_secret = {{"code", jail}, {"input", "open"}, {"time_limit_ms", 1000}, {"memory_mb", 128}};
  EXPECT_EQ(run_jail(*box_, no_secret, {}).result["output"], "checking open\nnone");
  // Multi-line input arrives whole on stdin.
  EXPECT_EQ(run("def jail(s):\n    return repr(s)\n", "a\nb ").result["output"], "'a\\nb '");
}

TEST_F(JailRunner, ErrorsAndStopsAreShownLikeZeroSumEval) {
  auto raised = run("def jail(s):\n    raise ValueError('nope ' + s)\n", "x");
  EXPECT_EQ(raised.result["status"], "error");
  EXPECT_EQ(raised.result["output"], "Raised exception: ValueError: nope x");
  auto missing = run("def prison(s):\n    return s\n", "x");
  EXPECT_EQ(missing.result["status"], "error");
  EXPECT_NE(missing.result["output"].get<std::string>().find("NameError"), std::string::npos);
  auto slow = run("def jail(s):\n    while True:\n        pass\n", "x", "f", 300);
  EXPECT_EQ(slow.result["status"], "timeout_cpu");
  EXPECT_EQ(slow.result["output"], "[stopped: over the 300 ms time limit]");
}

TEST_F(JailRunner, HostileProgramsAreContained) {
  testing::TempDir dir;
  const std::string canary = dir.file("canary.txt");
  { std::ofstream(canary) << "untouched"; }
  const std::string created = dir.file("created.txt");
  struct Hostile {
    const char* name;
    std::string code;
    std::string input;
    const char* status;
  };
  const std::string echo = "\ndef jail(s):\n    return s\n";
  const std::string eval_jail = "def jail(s):\n    return str(eval(s))\n";
  const Hostile cases[] = {
      {"shell at import", "import os\nos.system('touch " + created + "')" + echo, "x", "forbidden_syscall"},
      {"fork bomb", "import os\nwhile True:\n    os.fork()" + echo, "x", "forbidden_syscall"},
      {"subprocess", "import subprocess\nsubprocess.run(['id'])" + echo, "x", "forbidden_syscall"},
      {"socket", "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=1)" + echo, "x", "forbidden_syscall"},
      {"kill the parent", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)" + echo, "x", "forbidden_syscall"},
      // The host's files are not in the sandbox's filesystem at all: the open fails inside it.
      {"overwrite a host file", "open('" + canary + "', 'w').write('pwned')" + echo, "x", "error"},
      {"overwrite a system file", "open('/etc/passwd', 'a').write('pwned')" + echo, "x", "error"},
      {"memory bomb", "blob = bytearray(10 ** 10)" + echo, "x", "memory"},
      {"output flood", "def jail(s):\n    return 'A' * 10 ** 7\n", "x", "output_limit"},
      {"endless loop", "while True:\n    pass" + echo, "x", "timeout_cpu"},
      {"attacker shell", eval_jail, "__import__('os').system('touch " + created + "')", "forbidden_syscall"},
      {"attacker fork", eval_jail, "__import__('os').fork()", "forbidden_syscall"},
      {"attacker writes", eval_jail, "open('" + created + "', 'w').write('x')", "error"},
  };
  for (const auto& h : cases) {
    auto a = run(h.code, h.input);
    EXPECT_EQ(a.result["status"], h.status) << h.name << ": " << a.result["output"];
    const std::string output = a.result["output"].get<std::string>();
    if (std::string(h.status) == "error")  // the program's own exception, as ZeroSumEval shows it
      EXPECT_EQ(output.rfind("Raised exception: ", 0), 0u) << h.name << ": " << output;
    else
      EXPECT_NE(output.find("[stopped"), std::string::npos) << h.name << ": " << output;
  }
  EXPECT_FALSE(fs::exists(created));
  std::ifstream in(canary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "untouched");
  EXPECT_STREQ(getenv("GAUNTLET_EVALUATOR_SECRET"), "evaluator-secret-77");
  // Still serving.
  EXPECT_EQ(run("def jail(s):\n    return s.upper()\n", "ok").result["output"], "OK");
}

TEST_F(JailRunner, NothingOutsideTheProgramHoldsTheFlagOrTheEvaluatorsSecrets) {
  // An attacker input evaluated by a naive jail looks for the flag and the evaluator's environment
  // everywhere but the program's own environment.
  const std::string eval_jail = "def jail(s):\n    return str(eval(s))\n";
  const std::string files =
      "[open(p, 'rb').read() for p in ['/proc/self/environ', '/proc/1/environ', '/proc/1/cmdline'] "
      "if __import__('os').path.exists(p)]";
  auto read = run(eval_jail, files);
  EXPECT_EQ(read.result["output"].get<std::string>().find("evaluator-secret-77"), std::string::npos)
      << read.result["output"];
  auto env = run(eval_jail, "sorted(__import__('os').environ.items())");
  EXPECT_EQ(env.result["status"], "ok");
  const std::string seen = env.result["output"];
  EXPECT_EQ(seen.find("evaluator-secret-77"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("GAUNTLET_EVALUATOR_SECRET"), std::string::npos) << seen;
  EXPECT_NE(seen.find("('FLAG', 'f1a9f1a9')"), std::string::npos) << seen;  // the game's own secret, as intended
  // The run's details carry no output (the game keeps it, masked).
  EXPECT_FALSE(env.details.contains("output"));
}

}  // namespace
}  // namespace gauntlet::harness
