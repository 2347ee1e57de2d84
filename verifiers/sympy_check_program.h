#pragma once
// The Python side of the symbolic check (symbolic_checker.h): the program each SymPy sandbox
// worker loads once, and the job that calls it.
namespace gauntlet::verifiers {

// Warm-up code for the sandbox pool: defines and registers the module `gauntlet_sympy_check`.
extern const char* const kSympyCheckProgram;
// The code of each job: reads the request from stdin, prints the verdicts.
extern const char* const kSympyCheckJob;

}  // namespace gauntlet::verifiers
