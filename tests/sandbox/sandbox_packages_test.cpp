// Sandbox packages, preloads and warm-up: a pool that exposes exactly the named third-party
// packages (here sympy, from Debian's python3-sympy) read-only, imports them once per worker, and
// refuses clearly when a package or a preload is missing.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "sandbox/python_packages.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_error.h"

namespace {

using gauntlet::sandbox::find_python_packages;
using gauntlet::sandbox::Job;
using gauntlet::sandbox::Sandbox;
using gauntlet::sandbox::SandboxError;
using gauntlet::sandbox::SandboxOptions;
using gauntlet::sandbox::Status;

Job job(const std::string& code) {
  Job j;
  j.code = code;
  j.memory_mb = 1024;
  j.timeout_ms = 5000;
  return j;
}

SandboxOptions sympy_options() {
  SandboxOptions options;
  options.lanes = 1;
  options.packages = {"sympy", "mpmath"};
  options.preload = {"sympy"};
  options.warmup = "import sys, sympy\nsympy.simplify(sympy.sympify('sin(x)**2 + cos(x)**2'))\nsys.gauntlet_warmed = True\n";
  return options;
}

class SandboxPackages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { box_ = std::make_unique<Sandbox>(sympy_options()); }
  static void TearDownTestSuite() { box_.reset(); }
  static std::unique_ptr<Sandbox> box_;
};
std::unique_ptr<Sandbox> SandboxPackages::box_;

TEST_F(SandboxPackages, PreloadedAndWarmBeforeTheJob) {
  auto r = box_->run(job("import sys\nprint('sympy' in sys.modules, getattr(sys, 'gauntlet_warmed', False))\n"
                         "import sympy\nx = sympy.Symbol('x')\nprint(sympy.simplify((x**2 - 1) / (x - 1)))\n"));
  ASSERT_EQ(r.status, Status::ok) << r.stderr_text << r.error_message;
  EXPECT_EQ(r.stdout_text, "True True\nx + 1\n");
  EXPECT_TRUE(r.isolated);
}

TEST_F(SandboxPackages, OnlyTheNamedPackagesAreVisible) {
  auto r = box_->run(job("import os\nprint(sorted(os.listdir('/usr/lib/gauntlet-site')))\n"
                         "print(os.path.exists('/usr/lib/python3/dist-packages'))\n"));
  ASSERT_EQ(r.status, Status::ok) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "['mpmath', 'sympy']\nFalse\n");
  // yaml lives next to sympy in dist-packages but was not asked for.
  auto yaml = box_->run(job("import yaml"));
  EXPECT_EQ(yaml.status, Status::error);
  EXPECT_EQ(yaml.error_type, "ModuleNotFoundError");
  // The packages are read-only.
  auto write = box_->run(job("open('/usr/lib/gauntlet-site/sympy/planted.py', 'w').write('x')"));
  EXPECT_EQ(write.status, Status::error);
  EXPECT_EQ(write.error_type, "OSError") << write.error_message;
}

TEST_F(SandboxPackages, ForkedJobsDoNotPayTheImport) {
  box_->run(job("pass"));
  auto started = std::chrono::steady_clock::now();
  constexpr int kJobs = 5;
  for (int i = 0; i < kJobs; ++i) {
    auto r = box_->run(job("import sympy\nprint(sympy.Rational(1, 3) + sympy.Rational(1, 6))"));
    ASSERT_EQ(r.status, Status::ok) << r.stderr_text;
    EXPECT_EQ(r.stdout_text, "1/2\n");
  }
  double per_job_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() / kJobs;
  // Importing sympy takes ~600 ms; a job forked from the warm worker takes a few ms.
  EXPECT_LT(per_job_ms, 250.0);
}

TEST(SandboxPackagesConfig, WithoutPackagesSympyIsNotImportable) {
  SandboxOptions options;
  options.lanes = 1;
  Sandbox box(options);
  auto r = box.run(job("import sympy"));
  EXPECT_EQ(r.status, Status::error);
  EXPECT_EQ(r.error_type, "ModuleNotFoundError");
}

TEST(SandboxPackagesConfig, MissingPackageIsNamed) {
  SandboxOptions options;
  options.lanes = 1;
  options.packages = {"no_such_package_gauntlet"};
  try {
    Sandbox box(options);
    FAIL() << "expected SandboxError";
  } catch (const SandboxError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("'no_such_package_gauntlet' not found"), std::string::npos) << what;
    EXPECT_NE(what.find("dist-packages"), std::string::npos) << what;
  }
  options.packages = {"os.path"};
  EXPECT_THROW(Sandbox{options}, SandboxError);
}

TEST(SandboxPackagesConfig, FailedPreloadIsNamed) {
  SandboxOptions options;
  options.lanes = 1;
  options.preload = {"sympy"};  // not exposed: packages is empty
  try {
    Sandbox box(options);
    FAIL() << "expected SandboxError";
  } catch (const SandboxError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("cannot import 'sympy'"), std::string::npos) << what;
  }
  options.preload = {"json"};
  options.warmup = "raise ValueError('broken warm-up')";
  try {
    Sandbox box(options);
    FAIL() << "expected SandboxError";
  } catch (const SandboxError& e) {
    EXPECT_NE(std::string(e.what()).find("broken warm-up"), std::string::npos) << e.what();
  }
}

TEST(PythonPackages, FindsDebianSympy) {
  auto found = find_python_packages("/usr/bin/python3", {"sympy"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name, "sympy");
  EXPECT_TRUE(found[0].is_directory);
  EXPECT_NE(found[0].host_path.find("sympy"), std::string::npos);
  EXPECT_NE(found[0].site.find("-packages"), std::string::npos) << found[0].site;
}

}  // namespace
