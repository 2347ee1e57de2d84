#include "tests/support/tiny_engine_model.h"

#include "engine/model/checkpoint_writer.h"
#include "engine/text/tokenizer.h"
#include "engine/text/tokenizer_writer.h"

namespace gauntlet::testing {

void write_tiny_engine_model(const std::string& dir, std::uint64_t seed, int experts, int max_position) {
  engine::write_default_tokenizer(dir);
  const auto tok = engine::Tokenizer::load(dir);
  engine::RandomCheckpointSpec s;
  s.vocab_size = tok.vocab_size();
  s.hidden_size = 32;
  s.num_layers = 2;
  s.num_heads = 4;
  s.num_kv_heads = 2;
  s.head_dim = 8;
  s.num_experts = experts;
  s.num_experts_per_tok = 2;
  s.moe_intermediate_size = 16;
  s.max_position_embeddings = max_position;
  s.eos_token_ids = {*tok.token_id("<|im_end|>")};
  s.dtype = engine::DType::kBF16;
  s.seed = seed;
  engine::write_random_checkpoint(s, dir);
}

}  // namespace gauntlet::testing
