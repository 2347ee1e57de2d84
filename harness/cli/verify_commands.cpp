// `gauntlet verify math`: is a predicted answer equivalent to the gold one (verifiers/math_verifier.h)?
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/cli/command.h"
#include "harness/errors/errors.h"
#include "verifiers/math_extraction.h"
#include "verifiers/math_verifier.h"
#include "verifiers/symbolic_checker.h"

namespace gauntlet::harness {
namespace {

struct MathArgs {
  std::string gold, pred;
  bool json = false;
  double tolerance = 1e-6;
  bool no_symbolic = false;
  int symbolic_timeout_ms = 5000;
  std::string fallback = "none";
  bool insecure = false;
};

int cmd_math(const MathArgs& a) {
  if (a.tolerance < 0) throw UsageError("--tolerance must not be negative");
  if (a.symbolic_timeout_ms <= 0) throw UsageError("--symbolic-timeout-ms must be positive");
  verifiers::MathFallback fallback =
      a.fallback == "last_number" ? verifiers::MathFallback::kLastNumber : verifiers::MathFallback::kNone;
  // Either side may be a whole solution: its boxed or stated answer is used, else the text itself.
  std::string gold = verifiers::math_reference_answer(a.gold);
  std::string pred = verifiers::extract_math_answer(a.pred, fallback).value_or(a.pred);

  verifiers::SymbolicCheckerOptions checker_options;
  checker_options.lanes = 1;
  checker_options.allow_insecure_no_isolation = a.insecure;
  verifiers::SymbolicChecker checker(checker_options);
  verifiers::MathVerifierOptions options;
  options.tolerance = a.tolerance;
  options.symbolic = !a.no_symbolic;
  options.symbolic_timeout_ms = a.symbolic_timeout_ms;
  verifiers::MathVerifier verifier(options, &checker);
  verifiers::MathVerdict verdict = verifier.verify(gold, pred);

  if (a.json) {
    std::cout << verdict.to_json().dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    std::cout << fmt::format("equivalent: {} ({})\ngold: {}\npred: {}\n", verdict.equivalent ? "true" : "false",
                             verifiers::to_string(verdict.method), verdict.gold_norm, verdict.pred_norm);
    if (!verdict.note.empty()) std::cout << "note: " << verdict.note << "\n";
  }
  if (checker.isolated() == false)
    std::cerr << "gauntlet: sandbox: the symbolic check ran WITHOUT isolation (--insecure-no-isolation)\n";
  if (verdict.unavailable) {
    std::cerr << "gauntlet: error: " << verdict.note << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void add_verify_commands(CLI::App& app, CliCommands& commands) {
  auto* group = app.add_subcommand("verify", "Check a model's answer against the gold answer");
  group->require_subcommand(1);

  auto args = std::make_shared<MathArgs>();
  auto* math = group->add_subcommand("math", "Is the predicted math answer equivalent to the gold one?");
  math->add_option("--gold", args->gold, "Gold answer (or a solution with \\boxed{} / ####)")->required();
  math->add_option("--pred", args->pred, "Predicted answer (or a completion: its final answer is extracted)")
      ->required();
  math->add_flag("--json", args->json, "Print {\"equivalent\",\"gold_norm\",\"pred_norm\",\"method\"} as JSON");
  math->add_option("--tolerance", args->tolerance, "Relative tolerance for numbers written with decimals")
      ->capture_default_str();
  math->add_flag("--no-symbolic", args->no_symbolic, "Never run SymPy (answers that need it are not equivalent)");
  math->add_option("--symbolic-timeout-ms", args->symbolic_timeout_ms, "CPU limit of the SymPy check")
      ->capture_default_str();
  math->add_option("--fallback", args->fallback, "Without a boxed or stated answer: none or last_number")
      ->check(CLI::IsMember({"none", "last_number"}))
      ->capture_default_str();
  math->add_flag("--insecure-no-isolation", args->insecure,
                 "Run SymPy even where namespaces cannot be created (UNSAFE)");
  commands.push_back({math, [args] { return cmd_math(*args); }});
}

}  // namespace gauntlet::harness
