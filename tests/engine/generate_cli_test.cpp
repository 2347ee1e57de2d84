// `gauntlet generate --json`: --ignore-eos keeps decoding past an end-of-sequence token (what the
// llama.cpp peer test and the benchmark rely on), and the stats include tokens per CPU-second.
#include <gtest/gtest.h>

#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

const std::string kBinary = GAUNTLET_BINARY;

nlohmann::json generate(const std::string& model, const std::string& extra) {
  auto r = run_command(kBinary + " generate --model " + model + " --prompt-ids 5,17,3 --json " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(GenerateCli, IgnoreEosDecodesPastTheEndOfSequence) {
  TempDir dir;
  const std::string model = dir.file("m");
  auto r = run_command(kBinary + " make-model --out " + model + " --dtype f32 --seed 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Sampled at temperature 1 over the 297-token built-in vocabulary, some seed soon draws an
  // end-of-sequence token; the same seed with --ignore-eos must draw the same tokens and go on.
  constexpr int kMax = 300;
  for (int seed = 0; seed < 20; ++seed) {
    const std::string sampling = fmt::format("--temperature 1 --seed {} --max-tokens {}", seed, kMax);
    auto stopped = generate(model, sampling);
    if (stopped["finish_reason"] != "stop") continue;
    const auto& first = stopped["tokens"];
    ASSERT_LT(first.size(), static_cast<std::size_t>(kMax));
    auto going = generate(model, sampling + " --ignore-eos");
    EXPECT_EQ(going["finish_reason"], "length");
    ASSERT_EQ(going["tokens"].size(), static_cast<std::size_t>(kMax));
    for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(going["tokens"][i]["id"], first[i]["id"]) << i;
    EXPECT_GT(going["stats"]["decode_tokens_per_cpu_s"].get<double>(), 0.0);
    EXPECT_GT(going["stats"]["prefill_tokens_per_cpu_s"].get<double>(), 0.0);
    return;
  }
  FAIL() << "no seed in 20 drew an end-of-sequence token in " << kMax << " tokens";
}

}  // namespace
