#pragma once
// The gauntlet command line: eval, report, export, merge. Returns the process exit code:
// 0 success, 1 runtime failure (or samples that failed after retries), 2 usage/config error,
// 130 interrupted.
namespace gauntlet::harness {

int run_cli(int argc, char** argv);

}  // namespace gauntlet::harness
