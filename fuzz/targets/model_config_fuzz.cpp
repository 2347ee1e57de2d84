// Entry point: a checkpoint's config.json (and, after a NUL byte in the input, its
// generation_config.json) read by load_model_config. Documented errors: CheckpointError.
#include "engine/model/checkpoint_error.h"
#include "engine/model/config.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/scratch_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet;
  const auto& dir = fuzz::ScratchDir::instance();
  auto [config, generation] = fuzz::split_at_nul(fuzz::as_text(data, size));
  dir.write("config.json", config);
  if (generation.empty()) dir.remove("generation_config.json");
  else dir.write("generation_config.json", generation);
  try {
    engine::ModelConfig c = engine::load_model_config(dir.path());
    for (int layer = 0; layer < c.num_layers && layer < 1000; ++layer) (void)c.is_moe_layer(layer);
  } catch (const engine::CheckpointError&) {
  }
  return 0;
}
