// Every way a job can leave, with and without a call, and the one status each gets (the table in
// sandbox/job.h): a call that never returned is no_result with no return value, whichever way the
// job left (sys.exit(0), sys.exit(None), raise SystemExit, os._exit(0), non-zero codes); a program
// without a call ends like any process (status 0 ok, anything else error).
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "sandbox/sandbox.h"

namespace {

using gauntlet::sandbox::ExecResult;
using gauntlet::sandbox::Job;
using gauntlet::sandbox::Sandbox;
using gauntlet::sandbox::SandboxOptions;
using gauntlet::sandbox::Status;

struct ExitPath {
  const char* name;
  const char* statement;  // how the job leaves, as one Python statement (imports included)
  int exit_code;          // the process's exit status
  const char* error_type; // what the program (no call) reports
};

const ExitPath kPaths[] = {
    {"sys_exit_0", "import sys; sys.exit(0)", 0, ""},
    {"sys_exit_none", "import sys; sys.exit(None)", 0, ""},
    {"sys_exit_no_argument", "import sys; sys.exit()", 0, ""},
    {"raise_system_exit", "raise SystemExit", 0, ""},
    {"raise_system_exit_0", "raise SystemExit(0)", 0, ""},
    {"os_exit_0", "import os; os._exit(0)", 0, ""},
    {"builtin_exit_0", "exit(0)", -1, nullptr},  // site's exit() is absent (-S): a NameError
    {"sys_exit_3", "import sys; sys.exit(3)", 3, "SystemExit"},
    {"raise_system_exit_3", "raise SystemExit(3)", 3, "SystemExit"},
    {"sys_exit_message", "import sys; sys.exit('bad input')", 1, "SystemExit"},
    {"sys_exit_256_wraps", "import sys; sys.exit(256)", 0, ""},
    {"os_exit_3", "import os; os._exit(3)", 3, ""},
};

class ExitPaths : public ::testing::TestWithParam<ExitPath> {
 protected:
  static void SetUpTestSuite() {
    SandboxOptions options;
    options.lanes = 2;
    box_ = std::make_unique<Sandbox>(options);
  }
  static void TearDownTestSuite() { box_.reset(); }
  static std::unique_ptr<Sandbox> box_;
};
std::unique_ptr<Sandbox> ExitPaths::box_;

TEST_P(ExitPaths, InsideTheCalledFunctionTheCallNeverReturned) {
  const ExitPath& p = GetParam();
  Job job;
  job.code = std::string("def f(x):\n    print('before', flush=True)\n    ") + p.statement + "\n    return x * 2\n";
  job.call = "f(21)";
  ExecResult r = box_->run(job);
  if (p.error_type == nullptr) {  // not an exit at all: an exception
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(r.error_type, "NameError");
    EXPECT_FALSE(r.return_repr.has_value());
    return;
  }
  EXPECT_EQ(to_string(r.status), std::string("no_result")) << r.error_message;
  EXPECT_FALSE(r.return_repr.has_value()) << "a call that never returned must not carry a return value";
  EXPECT_EQ(r.exit_code, p.exit_code);
  EXPECT_NE(r.error_message.find("before the call returned"), std::string::npos) << r.error_message;
  EXPECT_EQ(r.stdout_text, "before\n");
  EXPECT_EQ(r.to_json()["return"], nullptr);
}

TEST_P(ExitPaths, InTheProgramBeforeTheCallTheCallNeverReturned) {
  const ExitPath& p = GetParam();
  Job job;
  job.code = std::string("def f(x):\n    return x * 2\n") + p.statement + "\n";
  job.call = "f(21)";
  ExecResult r = box_->run(job);
  if (p.error_type == nullptr) {  // not an exit at all: the program raised before the call
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(r.error_type, "NameError");
    EXPECT_FALSE(r.return_repr.has_value());
    return;
  }
  EXPECT_EQ(r.status, Status::no_result) << r.error_message;
  EXPECT_FALSE(r.return_repr.has_value());
  EXPECT_EQ(r.exit_code, p.exit_code);
}

TEST_P(ExitPaths, AProgramWithoutACallEndsLikeAProcess) {
  const ExitPath& p = GetParam();
  Job job;
  job.code = std::string("print('out', flush=True)\n") + p.statement + "\nprint('never')\n";
  ExecResult r = box_->run(job);
  EXPECT_EQ(r.stdout_text, "out\n");
  EXPECT_FALSE(r.return_repr.has_value());
  if (p.error_type == nullptr) {
    EXPECT_EQ(r.status, Status::error);
    return;
  }
  EXPECT_EQ(r.exit_code, p.exit_code);
  EXPECT_EQ(r.status, p.exit_code == 0 ? Status::ok : Status::error) << r.error_message;
  EXPECT_EQ(r.error_type, p.error_type);
  if (p.exit_code != 0) {
    EXPECT_FALSE(r.error_message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Sandbox, ExitPaths, ::testing::ValuesIn(kPaths),
                         [](const ::testing::TestParamInfo<ExitPath>& info) { return std::string(info.param.name); });

TEST(ExitPathsReturn, ACallThatReturnsIsOkWithItsValue) {
  SandboxOptions options;
  options.lanes = 1;
  Sandbox box(options);
  Job job;
  job.code = "import sys\ndef f(x):\n    if x < 0:\n        sys.exit(0)\n    return x * 2\n";
  job.call = "f(21)";
  auto r = box.run(job);
  EXPECT_EQ(r.status, Status::ok);
  ASSERT_TRUE(r.return_repr.has_value());
  EXPECT_EQ(*r.return_repr, "42");
  job.call = "f(-1)";
  r = box.run(job);
  EXPECT_EQ(r.status, Status::no_result);
  EXPECT_FALSE(r.return_repr.has_value());
  // A call whose value is the empty string is still a return, distinct from an exit.
  job.call = "''";
  r = box.run(job);
  EXPECT_EQ(r.status, Status::ok);
  ASSERT_TRUE(r.return_repr.has_value());
  EXPECT_EQ(*r.return_repr, "''");
}

}  // namespace
