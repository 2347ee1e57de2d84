// Entry point: tokenizer_config.json read by ChatTemplate::load; a template that loads must render a
// conversation or fail as a template. Documented errors: TokenizerError, jinja::TemplateError.
#include "engine/text/chat_template.h"
#include "engine/text/jinja/error.h"
#include "engine/text/tokenizer_error.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/scratch_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet;
  const auto file = fuzz::ScratchDir::instance().write("tokenizer_config.json", fuzz::as_text(data, size));
  try {
    engine::ChatTemplate t = engine::ChatTemplate::load(file);
    (void)t.render({{"system", "Be brief.", std::nullopt}, {"user", "1+1?", std::nullopt},
                    {"assistant", "<think>x</think>2", std::nullopt}, {"user", "And 2+2?", std::nullopt}});
  } catch (const engine::TokenizerError&) {
  } catch (const engine::jinja::TemplateError&) {
  }
  return 0;
}
