// Entry point: a dataset file read by load_dataset (JSON Lines, one row per line), with the answer
// in "answer" and ids in "id". Documented errors: GauntletError (DatasetError).
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/scratch_dir.h"
#include "harness/errors/errors.h"
#include "harness/eval/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet;
  const auto file = fuzz::ScratchDir::instance().write("data.jsonl", fuzz::as_text(data, size));
  for (const char* id_field : {"id", ""}) {
    try {
      for (const auto& item : harness::load_dataset(file, "answer", id_field)) (void)item.fields.dump();
    } catch (const harness::GauntletError&) {
    }
  }
  return 0;
}
