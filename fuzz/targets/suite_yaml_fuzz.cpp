// Entry point: a suite file read by load_suite (YAML, limits, every key checked, datasets read and
// checked against their prompt templates). The scratch directory holds data.jsonl for suites that
// name it. Documented errors: GauntletError (ConfigError, DatasetError, UsageError).
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/scratch_dir.h"
#include "harness/errors/errors.h"
#include "harness/eval/suite_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet;
  const auto& dir = fuzz::ScratchDir::instance();
  static const bool dataset = [&] {
    dir.write("data.jsonl", "{\"id\": \"a\", \"question\": \"1+1\", \"answer\": \"2\", \"choices\": [\"1\", \"2\"]}\n");
    return true;
  }();
  (void)dataset;
  const auto file = dir.write("suite.yaml", fuzz::as_text(data, size));
  try {
    (void)harness::load_suite(file);
  } catch (const harness::GauntletError&) {
  }
  return 0;
}
