// Entry point: the body of a request to `gauntlet serve` (/v1/chat/completions and /v1/completions),
// parsed and validated by parse_api_request against a tiny random model (its tokenizer and chat
// template render the messages). Documented errors: ApiError.
#include "engine/engine.h"
#include "engine/model/checkpoint_writer.h"
#include "engine/text/tokenizer.h"
#include "engine/text/tokenizer_writer.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/scratch_dir.h"
#include "harness/server/api_request.h"

namespace {

const gauntlet::engine::Engine& tiny_engine() {
  using namespace gauntlet::engine;
  static const Engine engine = [] {
    const auto dir = gauntlet::fuzz::ScratchDir::instance().path() / "model";
    write_default_tokenizer(dir.string());
    RandomCheckpointSpec s;
    s.vocab_size = Tokenizer::load(dir.string()).vocab_size();
    s.hidden_size = 16;
    s.num_layers = 1;
    s.num_heads = 2;
    s.num_kv_heads = 1;
    s.head_dim = 8;
    s.num_experts = 4;
    s.moe_intermediate_size = 8;
    s.max_position_embeddings = 512;
    write_random_checkpoint(s, dir.string());
    EngineOptions options;
    options.threads = 1;
    return Engine(dir.string(), options);
  }();
  return engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gauntlet::harness;
  const std::string body(gauntlet::fuzz::as_text(data, size));
  for (ApiEndpoint endpoint : {ApiEndpoint::kChat, ApiEndpoint::kCompletions}) {
    try {
      (void)parse_api_request(body, endpoint, tiny_engine());
    } catch (const ApiError&) {
    }
  }
  return 0;
}
