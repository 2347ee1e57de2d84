// A model player whose prompt outgrows its context (or whose answer is cut off at the context end)
// forfeits with that reason in its turns, not "no move found".
#include <gtest/gtest.h>

#include "harness/tournament/config.h"
#include "harness/tournament/runner.h"
#include "tests/support/command.h"

namespace {

using namespace gauntlet::harness;
using gauntlet::testing::TempDir;

// Answers every request like a model at the end of its context.
class OverflowingClient : public ModelClient {
 public:
  explicit OverflowingClient(bool refuse) : refuse_(refuse) {}
  void submit_async(ChatRequest, Callback done) override {
    ChatResult r;
    if (refuse_) {
      r.error = "engine: context too long: the prompt has 1100 tokens and the model's context "
                "(max_position_embeddings) is 1024, which leaves no room for an answer";
      r.failure = Failure::kContext;
    } else {
      Choice c;
      c.text = "Let me think about the position: the knight on";
      c.finish_reason = "context";
      r.choices.push_back(c);
    }
    done(std::move(r));
  }
  ClientStats stats() const override { return {}; }
  void drain() override {}

 private:
  bool refuse_;
};

void expect_reason(bool refuse, const std::string& reason) {
  TempDir dir;
  dir.write("t.yaml", "name: t\nplayers:\n  - name: m\n    model: {provider: toy}\n  - name: r\n    bot: random\n"
                      "games:\n  - game: chess\n    options: {max_plies: 10}\nrules: {max_attempts_per_turn: 2}\n");
  auto config = load_tournament(dir.file("t.yaml"));
  Store store(dir.file("t.db"));
  TournamentOptions options;
  options.make_client = [&](const ModelSpec&) -> std::unique_ptr<ModelClient> {
    return std::make_unique<OverflowingClient>(refuse);
  };
  run_tournament(config, store, options);
  int seen = 0;
  for (const auto& m : store.matches("t")) {
    EXPECT_EQ(m.status, "forfeit");
    EXPECT_NE(m.result_json.find(reason), std::string::npos) << m.result_json;
    for (const auto& t : store.turns(m.id))
      if (t.player == "m") {
        EXPECT_NE(t.reason.find(reason), std::string::npos) << t.reason;
        ++seen;
      }
  }
  EXPECT_GT(seen, 0);
}

TEST(TournamentContext, APromptOverTheContextIsTheTurnsReason) {
  expect_reason(true, "no longer fits the model's context");
}

TEST(TournamentContext, AnAnswerCutOffAtTheContextEndIsTheTurnsReason) {
  expect_reason(false, "cut off at the end of the model's context");
}

}  // namespace
