// Entry point: tokenizer.json read by Tokenizer::from_json; a tokenizer that loads must encode and
// decode a fixed text without failing. Documented errors: TokenizerError.
#include "engine/text/tokenizer.h"
#include "engine/text/tokenizer_error.h"
#include "fuzz/support/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet;
  try {
    engine::Tokenizer tok = engine::Tokenizer::from_json(fuzz::as_text(data, size), "tokenizer.json");
    auto ids = tok.encode("<|im_start|>user\nHello, world! 12 + 30 = 42 \xC3\xA9\xE2\x82\xAC<|im_end|>");
    (void)tok.decode(ids);
  } catch (const engine::TokenizerError&) {
  }
  return 0;
}
