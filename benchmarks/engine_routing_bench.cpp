// Cost of the engine's routing controls: decode tokens/s on one random bf16 qwen3_moe checkpoint
// (hidden 512, 4 layers, 64 experts top-8, moe_ff 256; written once to a temp dir) with every
// control off, with dynamic top-p routing (p 0.7, at most 8 experts), with RICE before_topk on two
// experts, and with routing tracing on. "Off" must not be slower than before the controls existed
// (the router is the same function either way) and tracing must cost little.
//
//   engine_routing_bench [--benchmark_min_time=...]
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <unistd.h>

#include "engine/model/checkpoint_writer.h"
#include "engine/engine.h"
#include "engine/text/tokenizer_writer.h"

namespace {

using namespace gauntlet::engine;

struct Model {
  std::filesystem::path dir;
  std::unique_ptr<Engine> engine;
  Model() {
    dir = std::filesystem::temp_directory_path() / ("gauntlet_routing_bench_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    write_default_tokenizer(dir);
    RandomCheckpointSpec s;
    s.vocab_size = Tokenizer::load(dir).vocab_size();
    s.hidden_size = 512;
    s.num_layers = 4;
    s.num_heads = 8;
    s.num_kv_heads = 2;
    s.head_dim = 64;
    s.num_experts = 64;
    s.num_experts_per_tok = 8;
    s.moe_intermediate_size = 256;
    s.dtype = DType::kBF16;
    s.seed = 1;
    write_random_checkpoint(s, dir);
    engine = std::make_unique<Engine>(dir);
  }
  ~Model() {
    engine.reset();
    std::filesystem::remove_all(dir);
  }
};

Model& model() {
  static Model m;
  return m;
}

void decode(benchmark::State& state, std::optional<RoutingControls> routing, bool trace) {
  Engine& engine = *model().engine;
  GenerationRequest r;
  r.prompt_ids = {1, 2, 3, 4, 5, 6, 7, 8};
  r.max_tokens = 64;
  r.ignore_eos = true;
  r.sampling.temperature = 0;
  r.routing = routing;
  r.trace_routing = trace;
  int tokens = 0;
  double seconds = 0;
  for (auto _ : state) {
    auto out = engine.generate(r);
    tokens += out.timing.decode_tokens;
    seconds += out.timing.decode_seconds;
    benchmark::DoNotOptimize(out.tokens.data());
  }
  state.counters["decode_tok_per_s"] = seconds > 0 ? tokens / seconds : 0;
}

void BM_DecodeControlsOff(benchmark::State& state) { decode(state, std::nullopt, false); }
void BM_DecodeTopP07(benchmark::State& state) {
  RoutingControls c;
  c.top_p = 0.7;
  c.max_experts = 8;
  decode(state, c, false);
}
void BM_DecodeRiceBeforeTopK(benchmark::State& state) {
  RoutingControls c;
  c.rice = {{1, 3}, {3, 17}};
  c.rice_beta = 64;
  c.rice_mode = RiceMode::kBeforeTopK;
  decode(state, c, false);
}
void BM_DecodeTracingOn(benchmark::State& state) { decode(state, std::nullopt, true); }

BENCHMARK(BM_DecodeControlsOff)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeTopP07)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeRiceBeforeTopK)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeTracingOn)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
