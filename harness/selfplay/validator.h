#pragma once
// ProposalValidator: whether a proposed program and its inputs make a valid Absolute Zero task,
// decided in the sandbox. In order, each failure naming its reason:
//   syntax_error       the program does not parse;
//   forbidden_import   an import (or __import__("…")) of a banned module, checked on the syntax tree:
//                      an entry matches the imported dotted name, any name under it ("os" matches
//                      "os.path"), and, for undotted entries, any component of it (as AZR splits
//                      names on "."); the default list is AZR's plus os and sys;
//   no_function_f      no top-level function named f;
//   multiple_functions another top-level function besides f;
//   nested_function    a def anywhere else (inside f, inside a class);
//   bad_input          f(<input>) is not exactly one call of f;
//   then f(<input>) runs for every input, in parallel on every lane:
//   timeout | error | memory | output_limit | forbidden_syscall | crash | no_result
//                      a run failed (the first failing input decides);
//   then, for proposals whose runs all returned, each runs again in a second pool whose workers
//   have another hash seed (so dependence on str hashing, e.g. set order, shows), and
//   nondeterministic   the two runs differ (sandbox::same_outcome: return value, stdout, error);
//   output_too_long    repr of the result is longer than max_output_chars.
// Failing programs run once only, so an endless loop costs one time limit, not two.
// Parse-level reasons (format, input_count, missing_message) come from selfplay/parse.h.
// The syntax-tree checks run in one job of our own code for all proposals (the programs are
// parsed there, never executed); only the runs execute proposed code.
#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace gauntlet::harness {

// AZR's banned_words (logging, random, multiprocessing, pebble, subprocess, threading, datetime,
// time, hashlib, hmac, bcrypt, os.sys, os.path, sys.exit, os.environ, calendar) plus os and sys.
const std::vector<std::string>& default_banned_imports();

struct ValidationLimits {
  int timeout_ms = 10000;  // CPU per run (AZR: 10 s)
  int memory_mb = 512;
  std::size_t max_output_chars = 400;  // AZR truncates at 400; here a longer repr is rejected
  std::vector<std::string> banned_imports = default_banned_imports();
};

struct ProposalCheck {
  std::string program;
  std::vector<std::string> inputs;
  // false for induction proposals, whose program comes from the buffer (already validated): only
  // the new inputs are checked and run.
  bool check_program = true;
};

struct ValidationResult {
  bool valid = false;
  std::string reason;                // "" when valid
  std::string detail;                // what exactly was wrong
  std::vector<std::string> outputs;  // repr(f(input)) for each input, when valid
};

class ProposalValidator {
 public:
  // `other_seed` must use another hash seed than `sandbox` (std::invalid_argument otherwise).
  ProposalValidator(sandbox::Sandbox& sandbox, sandbox::Sandbox& other_seed, ValidationLimits limits);

  // One result per proposal, in order. Runs use every lane of the sandbox.
  std::vector<ValidationResult> validate(const std::vector<ProposalCheck>& proposals);

  long executions() const { return executions_.load(); }
  const ValidationLimits& limits() const { return limits_; }

 private:
  sandbox::Sandbox& sandbox_;
  sandbox::Sandbox& other_seed_;
  ValidationLimits limits_;
  std::atomic<long> executions_{0};
};

}  // namespace gauntlet::harness
