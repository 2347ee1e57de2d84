// `gauntlet tournament` and `gauntlet selfplay` against `gauntlet serve` through the openai provider
// give, turn for turn and rollout for rollout, the outputs (and in self-play the token ids) the
// in-process engine provider gives on the same checkpoint with the same seeds (a tournament turn is
// compared when its conversation is the same: see the note on U+FFFD below).
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/served_model.h"
#include "tests/support/tiny_engine_model.h"

namespace {

using gauntlet::testing::run_command;
using gauntlet::testing::TempDir;
using json = nlohmann::json;

const std::string kBinary = GAUNTLET_BINARY;
const std::string kParams = "{max_tokens: 12, temperature: 0.8, seed: 5}";

// The JSON lines `gauntlet export --db db <what> -` writes.
std::vector<json> exported(const std::string& db, const std::string& what) {
  const auto r = run_command(kBinary + " export --db " + db + " " + what + " -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) out.push_back(json::parse(line));
  return out;
}

// Whether an assistant message of a conversation holds U+FFFD (bytes that were not UTF-8).
bool has_replaced_reply(const json& messages) {
  for (const auto& m : messages)
    if (m["role"] == "assistant" && m["content"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos)
      return true;
  return false;
}

class ServeGames : public ::testing::Test {
 protected:
  void SetUp() override {
    gauntlet::testing::write_tiny_engine_model(dir_.file("model"), 6);
    server_ = std::make_unique<gauntlet::testing::ServedModel>(kBinary, dir_.file("model"), dir_.path(),
                                                               std::vector<std::string>{"--threads", "1", "--name", "tiny"});
    ASSERT_FALSE(server_->port().empty());
  }
  void TearDown() override {
    const auto exit = server_->stop();
    EXPECT_TRUE(exit.exited && exit.code == 0) << server_->stderr_text();
  }
  // A model block (YAML flow mapping) for the engine provider or for the server.
  std::string engine_model() const { return "{provider: engine, path: model, params: " + kParams + "}"; }
  std::string served_model() const {
    return "{base_url: \"" + server_->base_url() + "/v1\", model: tiny, params: " + kParams +
           ", extra_body: {return_token_ids: true}}";
  }

  TempDir dir_;
  std::unique_ptr<gauntlet::testing::ServedModel> server_;
};

TEST_F(ServeGames, ATournamentThroughTheServerPlaysTheInProcessTurns) {
  auto run = [&](const std::string& model, const std::string& db) {
    dir_.write(db + ".yaml", "name: served\nconcurrency: 2\nplayers:\n  - {name: random, bot: random}\n"
                             "  - name: llm\n    model: " + model + "\n"
                             "games:\n  - game: liars_dice\n    rounds: 3\n");
    const auto r = run_command(kBinary + " tournament " + dir_.file(db + ".yaml") + " --db " + dir_.file(db) +
                               " --no-progress");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, json> by_id;
    for (auto& m : exported(dir_.file(db), "--matches")) by_id[m["id"].get<std::string>()] = m;
    return by_id;
  };
  const auto local = run(engine_model(), "local.db");
  const auto served = run(served_model(), "served.db");
  ASSERT_EQ(local.size(), 6u);
  ASSERT_EQ(served.size(), local.size());
  for (const auto& [id, l] : local) {
    ASSERT_TRUE(served.count(id)) << id;
    const json& s = served.at(id);
    EXPECT_EQ(s["seed"], l["seed"]) << id;
    EXPECT_EQ(s["status"], l["status"]) << id;
    EXPECT_EQ(s["scores"], l["scores"]) << id;
    ASSERT_EQ(s["turns"].size(), l["turns"].size()) << id;
    int model_turns = 0;
    for (std::size_t t = 0; t < l["turns"].size(); ++t) {
      const json& lt = l["turns"][t];
      const json& st = s["turns"][t];
      EXPECT_TRUE(st["error"].is_null()) << st["error"];
      EXPECT_EQ(st["player"], lt["player"]);
      // A random checkpoint writes bytes that are not UTF-8; JSON on the wire (and the store) carries
      // them as U+FFFD, so once such a reply is in the history the next prompt differs from the
      // in-process one, whose history keeps the bytes. Turns without one must give the same output.
      if (lt["player"] != "llm" || has_replaced_reply(lt["messages"])) continue;
      EXPECT_EQ(st["messages"], lt["messages"]) << id << " turn " << t;
      ++model_turns;
      for (const char* k : {"raw_output", "reasoning", "parsed_move", "legal", "usage"})
        EXPECT_EQ(st[k], lt[k]) << id << " turn " << t << " " << k;
    }
    EXPECT_GE(model_turns, 1) << id;  // at least the model's first turn of each match
  }
}

TEST_F(ServeGames, SelfPlayThroughTheServerGivesTheInProcessRollouts) {
  auto run = [&](const std::string& model_fields, const std::string& db) {
    dir_.write(db + ".yaml", "name: azr\nseed: 5\nsteps: 2\nbatch: 4\nsolver_samples: 2\nproposer:\n  name: llm\n" +
                                 model_fields + "  concurrency: 4\n  params: {temperature: 1.0, seed: 11, max_tokens: 24}\n"
                                 "limits:\n  timeout_ms: 300\n");
    const auto r = run_command(kBinary + " selfplay " + dir_.file(db + ".yaml") + " --db " + dir_.file(db) +
                               " --no-progress");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, json> by_key;
    for (auto& x : exported(dir_.file(db), "--rollouts"))
      by_key[x["uid"].get<std::string>() + "/" + x["task_id"].get<std::string>() + "#" + x["sample"].dump()] = x;
    return by_key;
  };
  const auto local = run("  provider: engine\n  path: model\n", "local.db");
  const auto served = run("  base_url: \"" + server_->base_url() + "/v1\"\n  model: tiny\n"
                          "  extra_body: {return_token_ids: true}\n", "served.db");
  ASSERT_GE(local.size(), 8u);
  ASSERT_EQ(served.size(), local.size());
  for (const auto& [key, l] : local) {
    ASSERT_TRUE(served.count(key)) << key;
    const json& s = served.at(key);
    for (const char* k : {"prompt", "prompt_ids", "response_ids", "reasoning", "finish_reason", "outcome", "reward",
                          "advantage", "usage"})
      EXPECT_EQ(s[k], l[k]) << key << " " << k;
    EXPECT_EQ(s["response"], l["response"]) << key;
    ASSERT_EQ(s["response_logprobs"].size(), l["response_logprobs"].size()) << key;
    for (std::size_t i = 0; i < l["response_logprobs"].size(); ++i)
      EXPECT_NEAR(s["response_logprobs"][i].get<double>(), l["response_logprobs"][i].get<double>(), 1e-6) << key;
  }
}

}  // namespace
