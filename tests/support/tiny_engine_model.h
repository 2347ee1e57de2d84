#pragma once
// A tiny random checkpoint with the built-in tokenizer for tests of the engine and its users: 2
// layers, hidden 32, 4 / 2 heads of 8, `experts` experts top-2 of width 16, bf16, eos <|im_end|>.
// (gauntlet_engine_fixtures: links the engine, so only the engine's and the harness's tests use it.)
#include <cstdint>
#include <string>

namespace gauntlet::testing {

void write_tiny_engine_model(const std::string& dir, std::uint64_t seed, int experts = 4, int max_position = 4096);

}  // namespace gauntlet::testing
