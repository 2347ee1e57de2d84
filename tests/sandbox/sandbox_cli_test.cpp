// `gauntlet sandbox run|batch` end to end, including the refusal when namespaces are unavailable.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;

TEST(SandboxCli, RunCodeAndFile) {
  auto r = run_command(kBinary + " sandbox run --code 'print(6 * 7)'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("status: ok"), std::string::npos);
  EXPECT_NE(r.out.find("  42\n"), std::string::npos);
  TempDir dir;
  dir.write("prog.py", "def solve(n):\n    return n * 2\n");
  auto j = run_command(kBinary + " sandbox run --file " + dir.file("prog.py") + " --call 'solve(21)' --json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto result = nlohmann::json::parse(j.out);
  EXPECT_EQ(result["status"], "ok");
  EXPECT_EQ(result["return"], "42");
  EXPECT_EQ(result["isolation"], "namespaces");
  auto failed = run_command(kBinary + " sandbox run --code 'import os; os.fork()' --json");
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(failed.out)["status"], "forbidden_syscall");
  auto cpu = run_command(kBinary + " sandbox run --code 'while True: pass' --timeout-ms 200 --memory-mb 128 --json");
  EXPECT_EQ(nlohmann::json::parse(cpu.out)["status"], "timeout_cpu");
}

TEST(SandboxCli, UsageErrors) {
  auto missing = run_command(kBinary + " sandbox run --file /nonexistent/prog.py");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/prog.py"), std::string::npos);
  EXPECT_EQ(run_command(kBinary + " sandbox run").exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " sandbox run --code x --file y").exit_code, 2);
  EXPECT_EQ(run_command(kBinary + " sandbox batch --jsonl /nonexistent/jobs.jsonl").exit_code, 2);
  TempDir dir;
  dir.write("bad.jsonl", "{\"code\": \"print(1)\"}\n{\"code\": \"print(2)\"\n");
  auto bad = run_command(kBinary + " sandbox batch --jsonl " + dir.file("bad.jsonl"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find(dir.file("bad.jsonl") + ":2:"), std::string::npos) << bad.err;
  dir.write("key.jsonl", "\n{\"code\": \"print(1)\", \"timeout\": 5}\n");
  auto key = run_command(kBinary + " sandbox batch --jsonl " + dir.file("key.jsonl"));
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_NE(key.err.find(":2:"), std::string::npos) << key.err;
  EXPECT_NE(key.err.find("timeout"), std::string::npos) << key.err;
}

TEST(SandboxCli, BatchInOrder) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 12; ++i)
    lines += "{\"id\": \"j" + std::to_string(i) + "\", \"code\": \"import time\\ntime.sleep(" + std::to_string(i % 3) +
             " / 100)\\ndef f(): return " + std::to_string(i) + "\", \"call\": \"f()\", \"timeout_ms\": 2000, \"memory_mb\": 256}\n";
  lines += "{\"id\": 99, \"code\": \"import socket\\nsocket.socket()\"}\n";
  dir.write("jobs.jsonl", lines);
  auto r = run_command(kBinary + " sandbox batch --jsonl " + dir.file("jobs.jsonl") + " --lanes 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (n < 12) {
      EXPECT_EQ(j["id"], "j" + std::to_string(n));
      EXPECT_EQ(j["return"], std::to_string(n));
      EXPECT_EQ(j["status"], "ok");
    } else {
      EXPECT_EQ(j["id"], "99");
      EXPECT_EQ(j["status"], "forbidden_syscall");
    }
    ++n;
  }
  EXPECT_EQ(n, 13);
}

// A user namespace whose own limit forbids nested user namespaces stands in for an unprivileged
// container: the sandbox must refuse, and run only with --insecure-no-isolation, saying so.
TEST(SandboxCli, RefusesWithoutNamespacesUnlessInsecure) {
  if (run_command("unshare --user --map-root-user true").exit_code != 0) {
    GTEST_SKIP() << "cannot simulate";
  }
  std::string prefix = "unshare --user --map-root-user sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" \"$@\"' ";
  auto refused = run_command(prefix + kBinary + " sandbox run --code 'print(1)'");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("namespaces"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("user ("), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--insecure-no-isolation"), std::string::npos) << refused.err;
  auto insecure = run_command(prefix + kBinary + " sandbox run --code 'print(1)' --json --insecure-no-isolation");
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
  auto j = nlohmann::json::parse(insecure.out);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["stdout"], "1\n");
  EXPECT_EQ(j["isolation"], "none (--insecure-no-isolation)");
  EXPECT_NE(insecure.err.find("WITHOUT isolation"), std::string::npos);
  // Even without namespaces the seccomp filter and limits hold.
  auto fork = run_command(prefix + kBinary + " sandbox run --code 'import os; os.fork()' --json --insecure-no-isolation");
  EXPECT_EQ(nlohmann::json::parse(fork.out)["status"], "forbidden_syscall");
}

}  // namespace
