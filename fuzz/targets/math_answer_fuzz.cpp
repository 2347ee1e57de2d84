// Entry point: LaTeX math answers, a gold answer and a model's completion (split at the input's
// first NUL byte), through MathVerifier without SymPy: extraction, normalisation, parsing and
// comparison. No exceptions are documented; the verdict must print as JSON.
#include "fuzz/support/fuzz_target.h"
#include "verifiers/math_verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::verifiers;
  auto [gold, pred] = gauntlet::fuzz::split_at_nul(gauntlet::fuzz::as_text(data, size));
  MathVerifierOptions options;
  options.symbolic = false;
  static const MathVerifier verifier(options);
  MathVerdict v = verifier.verify(gold, pred);
  (void)v.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  MathVerdict same = verifier.verify(pred, pred);
  (void)same;
  return 0;
}
