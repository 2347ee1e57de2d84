// Entry point: a tournament file read by load_tournament. Documented errors: GauntletError.
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/scratch_dir.h"
#include "harness/errors/errors.h"
#include "harness/tournament/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet;
  const auto file = fuzz::ScratchDir::instance().write("tournament.yaml", fuzz::as_text(data, size));
  try {
    (void)harness::load_tournament(file);
  } catch (const harness::GauntletError&) {
  }
  return 0;
}
