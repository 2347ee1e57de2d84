// Job environment variables: they reach the job's os.environ (and only that job's), the host's
// environment never does, and malformed names or values are refused before anything runs.
#include <gtest/gtest.h>

#include <stdlib.h>

#include "sandbox/sandbox.h"
#include "sandbox/sandbox_error.h"

namespace {

using gauntlet::sandbox::Job;
using gauntlet::sandbox::Sandbox;
using gauntlet::sandbox::SandboxError;
using gauntlet::sandbox::SandboxOptions;
using gauntlet::sandbox::Status;

class JobEnv : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A secret in the evaluator's own environment, set before the workers start.
    setenv("GAUNTLET_HOST_SECRET", "host-secret-4f1c", 1);
    SandboxOptions options;
    options.lanes = 1;
    box_ = std::make_unique<Sandbox>(options);
  }
  static void TearDownTestSuite() {
    box_.reset();
    unsetenv("GAUNTLET_HOST_SECRET");
  }
  static std::unique_ptr<Sandbox> box_;
};
std::unique_ptr<Sandbox> JobEnv::box_;

TEST_F(JobEnv, VariablesReachOnlyTheirJob) {
  Job j;
  j.code = "import os\nprint(os.environ.get('FLAG'), os.getenv('OTHER'))\n";
  j.env = {{"FLAG", "0123abcd"}, {"OTHER", "x=y z"}};
  auto r = box_->run(j);
  ASSERT_EQ(r.status, Status::ok) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "0123abcd x=y z\n");
  Job next;  // the next job on the same worker starts from the worker's fixed environment
  next.code = "import os\nprint(os.environ.get('FLAG'))\n";
  auto n = box_->run(next);
  ASSERT_EQ(n.status, Status::ok) << n.stderr_text;
  EXPECT_EQ(n.stdout_text, "None\n");
}

TEST_F(JobEnv, TheHostEnvironmentIsInvisible) {
  Job j;
  j.code =
      "import os\n"
      "found = [k for k, v in os.environ.items() if 'host-secret' in v or k == 'GAUNTLET_HOST_SECRET']\n"
      "for path in ('/proc/self/environ', '/proc/1/environ', '/proc/%d/environ' % os.getppid()):\n"
      "    try:\n"
      "        with open(path, 'rb') as f:\n"
      "            if b'host-secret' in f.read():\n"
      "                found.append(path)\n"
      "    except OSError:\n"
      "        pass\n"
      "print(found)\n";
  auto r = box_->run(j);
  ASSERT_EQ(r.status, Status::ok) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "[]\n");
}

TEST_F(JobEnv, MalformedVariablesAreRefused) {
  for (auto env : std::vector<std::map<std::string, std::string>>{
           {{"", "v"}}, {{"A=B", "v"}}, {{std::string("A\0B", 3), "v"}}, {{"A", std::string("v\0w", 3)}}}) {
    Job j;
    j.code = "pass";
    j.env = env;
    EXPECT_THROW(box_->run(j), SandboxError);
  }
}

}  // namespace
