#pragma once
// The gauntlet command line, the single boundary where errors become exit codes. Its commands
// (registered by the groups in command.h): eval, report, export, merge, tournament, selfplay, ratings,
// verify math, sandbox run/batch, chess perft, poker rank, tokenize, detokenize, make-model,
// generate, experts npmi/super. Returns the process exit code:
// 0 success, 1 runtime failure (or samples that failed after retries), 2 usage/config error,
// 130 interrupted.
namespace gauntlet::harness {

int run_cli(int argc, char** argv);

}  // namespace gauntlet::harness
