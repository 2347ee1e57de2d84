// Scheduler hold/resume (a turn generated in segments on one held sequence): a resumed segment
// gives the tokens of a plain request whose prompt is the turn's ids concatenated (prompt, the
// segments' committed ids, the appended ids), greedy and sampled; a held sequence inside a busy
// batch gives bit-identical tokens to one alone; a hold_before id ends a segment without entering
// the turn; cancel() keeps the turn held; rewind() drops the turn's last ids (the next segment
// equals a plain request from the kept ids, the prompt's shared blocks stay intact); release frees
// every block; misuse errors cleanly.
#include <gtest/gtest.h>

#include <cmath>
#include <future>
#include <optional>

#include "engine/engine.h"
#include "engine/request_error.h"
#include "engine/serve/scheduler.h"
#include "tests/support/command.h"
#include "tests/support/tiny_engine_model.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::TempDir;

class ContinuationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    gauntlet::testing::write_tiny_engine_model(dir_->path(), 5, /*experts=*/6);
    EngineOptions options;
    options.threads = 2;
    engine_ = new Engine(dir_->path(), options);
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
  }

  static SchedulerOptions small_chunks() {
    SchedulerOptions o;
    o.block_size = 4;
    o.prefill_chunk = 8;  // prompts and appended ids span several chunks
    o.max_batch = 8;
    return o;
  }

  static std::vector<int> prompt_ids(int words) {
    std::string p = "<|im_start|>user\n";
    for (int w = 0; w < words; ++w) p += "word" + std::to_string((w * 5 + 3) % 11) + " ";
    return engine_->tokenizer().encode(p + "<|im_end|>\n<|im_start|>assistant\n");
  }

  static GenerationRequest gen(int max_tokens, double temperature, std::uint64_t seed) {
    GenerationRequest r;
    r.max_tokens = max_tokens;
    r.sampling.temperature = temperature;
    r.sampling.seed = seed;
    r.ignore_eos = true;
    return r;
  }

  static ServeOutcome wait(Scheduler&, const std::function<Scheduler::RequestId(ServeCallbacks)>& start,
                           std::function<void(int, const SampledToken&, std::string_view)> on_token = nullptr) {
    std::promise<ServeOutcome> p;
    start({std::move(on_token), [&p](ServeOutcome o) { p.set_value(std::move(o)); }});
    return p.get_future().get();
  }
  static ServeOutcome submit(Scheduler& s, ServeRequest r) {
    return wait(s, [&](ServeCallbacks cb) { return s.submit(r, std::move(cb)); });
  }
  static ServeOutcome resume(Scheduler& s, ContinuationId h, std::vector<int> appended, ServeRequest r) {
    return wait(s, [&](ServeCallbacks cb) { return s.resume(h, appended, r, std::move(cb)); });
  }
  static ServeRequest held(GenerationRequest g, std::vector<int> before = {}) {
    ServeRequest r{std::move(g), 1};
    r.hold = true;
    r.hold_before_ids = std::move(before);
    return r;
  }
  // A plain request from the concatenated ids, on a fresh scheduler with the same options.
  static GenerationResult plain(const std::vector<int>& ids, GenerationRequest g) {
    Scheduler s(*engine_, small_chunks());
    g.prompt_ids = ids;
    return submit(s, {g, 1}).results[0];
  }
  static std::vector<int> cat(std::vector<int> a, const std::vector<int>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  static TempDir* dir_;
  static Engine* engine_;
};

TempDir* ContinuationTest::dir_ = nullptr;
Engine* ContinuationTest::engine_ = nullptr;

// Segment 1 (prompt), then two resumed segments with appended ids; each segment's tokens equal a
// plain request from every id so far. Greedy: equal tokens. Sampled: the sampler draws from
// logits that may differ from the plain request's in the last float bits (the turn's generated ids
// went through decode, the plain request prefills them), so tokens agree unless a draw falls within
// that difference of a boundary (not on this model), and logprobs agree to 1e-4.
TEST_F(ContinuationTest, ResumedSegmentsEqualAPlainRequestFromTheConcatenatedIds) {
  for (double temperature : {0.0, 0.9}) {
    SCOPED_TRACE("temperature " + std::to_string(temperature));
    Scheduler s(*engine_, small_chunks());
    std::vector<int> turn = prompt_ids(9);
    GenerationRequest g1 = gen(5, temperature, 7);
    g1.prompt_ids = turn;
    auto o1 = submit(s, held(g1));
    ASSERT_TRUE(o1.error.empty()) << o1.error;
    ASSERT_NE(o1.continuation, 0u);
    EXPECT_EQ(o1.results[0].finish_reason, "length");
    const auto p1 = plain(turn, g1);
    ASSERT_EQ(o1.results[0].token_ids(), p1.token_ids());
    turn = cat(turn, o1.results[0].token_ids());
    EXPECT_EQ(s.stats().held_sequences, 1);
    EXPECT_GT(s.stats().kv_blocks_held, 0);
    EXPECT_EQ(s.stats().running_sequences, 0) << "a held sequence takes no batch slot";

    const std::vector<std::vector<int>> appended = {engine_->tokenizer().encode("\n</think>\n\nFinal Answer:"),
                                                    engine_->tokenizer().encode(" Wait")};
    for (std::size_t k = 0; k < appended.size(); ++k) {
      SCOPED_TRACE("segment " + std::to_string(k + 2));
      GenerationRequest g = gen(6 + static_cast<int>(k), temperature, 11 + k);
      const auto before = s.stats().prefill_tokens;
      auto o = resume(s, o1.continuation, appended[k], held(g));
      ASSERT_TRUE(o.error.empty()) << o.error;
      EXPECT_EQ(o.continuation, o1.continuation) << "the same handle names the turn";
      EXPECT_EQ(s.stats().prefill_tokens - before, static_cast<std::int64_t>(appended[k].size()) + 1)
          << "only the last generated id and the appended ids are prefilled";
      turn = cat(turn, appended[k]);
      EXPECT_EQ(o.results[0].prompt_ids, turn);
      const auto p = plain(turn, g);
      ASSERT_EQ(o.results[0].token_ids(), p.token_ids());
      for (std::size_t i = 0; i < p.tokens.size(); ++i)
        EXPECT_NEAR(o.results[0].tokens[i].logprob, p.tokens[i].logprob, 1e-4) << "token " << i;
      EXPECT_EQ(o.results[0].text, p.text);
      turn = cat(turn, o.results[0].token_ids());
    }
    s.release(o1.continuation);
    s.drain();
    EXPECT_EQ(s.stats().held_sequences, 0);
    EXPECT_EQ(s.stats().kv_blocks_used, 0);
    EXPECT_EQ(s.stats().kv_blocks_reserved, 0);
  }
}

TEST_F(ContinuationTest, AHeldSequenceInABusyBatchEqualsItAlone) {
  const auto close = engine_->tokenizer().encode("\n</think>\n\n");
  auto run = [&](bool busy) {
    Scheduler s(*engine_, small_chunks());
    std::vector<std::promise<ServeOutcome>> others(busy ? 6 : 0);
    auto start_others = [&](std::size_t from, std::size_t to) {
      for (std::size_t i = from; i < to; ++i) {
        GenerationRequest g = gen(12 + static_cast<int>(i), 0.8, 100 + i);
        g.prompt_ids = prompt_ids(3 + static_cast<int>(i) * 4);
        s.submit({g, 1}, {nullptr, [&others, i](ServeOutcome o) { others[i].set_value(std::move(o)); }});
      }
    };
    if (busy) start_others(0, 3);
    GenerationRequest g1 = gen(7, 0.7, 5);
    g1.prompt_ids = prompt_ids(10);
    auto o1 = submit(s, held(g1));
    if (busy) start_others(3, 6);
    auto o2 = resume(s, o1.continuation, close, held(gen(9, 0.7, 6)));
    for (auto& p : others) p.get_future().get();
    s.release(o1.continuation);
    s.drain();
    EXPECT_EQ(s.stats().kv_blocks_used, 0);
    return std::make_pair(o1.results[0], o2.results[0]);
  };
  const auto alone = run(false);
  const auto busy = run(true);
  for (const auto& [a, b] : {std::make_pair(alone.first, busy.first), std::make_pair(alone.second, busy.second)}) {
    ASSERT_EQ(a.tokens.size(), b.tokens.size());
    for (std::size_t i = 0; i < a.tokens.size(); ++i) {
      EXPECT_EQ(a.tokens[i].id, b.tokens[i].id);
      EXPECT_EQ(a.tokens[i].logprob, b.tokens[i].logprob) << "bit-identical, token " << i;
    }
  }
}

TEST_F(ContinuationTest, AHoldBeforeIdEndsTheSegmentWithoutEnteringTheTurn) {
  const auto prompt = prompt_ids(6);
  GenerationRequest g = gen(12, 0.0, 1);
  g.prompt_ids = prompt;
  const auto free_run = plain(prompt, g).token_ids();
  // The first id that has not appeared before it: the segment must stop right there.
  std::size_t at = 1;
  while (at < free_run.size() && std::find(free_run.begin(), free_run.begin() + static_cast<long>(at), free_run[at]) !=
                                     free_run.begin() + static_cast<long>(at))
    ++at;
  ASSERT_LT(at, free_run.size());
  const int stop_id = free_run[at];

  Scheduler s(*engine_, small_chunks());
  std::string streamed;
  auto o1 = wait(
      s, [&](ServeCallbacks cb) { return s.submit(held(g, {stop_id}), std::move(cb)); },
      [&](int, const SampledToken& t, std::string_view text) {
        EXPECT_NE(t.id, stop_id) << "the held id is not streamed";
        streamed += text;
      });
  ASSERT_TRUE(o1.error.empty()) << o1.error;
  EXPECT_EQ(o1.results[0].finish_reason, "stop_token_held");
  ASSERT_TRUE(o1.held_token.has_value());
  EXPECT_EQ(o1.held_token->id, stop_id);
  const std::vector<int> committed(free_run.begin(), free_run.begin() + static_cast<long>(at));
  EXPECT_EQ(o1.results[0].token_ids(), committed);
  EXPECT_EQ(o1.results[0].text, engine_->tokenizer().decode(committed));

  // The next segment continues from prompt + committed + appended: the held id is not in the KV.
  const auto appended = engine_->tokenizer().encode(" Wait");
  GenerationRequest g2 = gen(6, 0.0, 2);
  const auto before = s.stats().prefill_tokens;
  auto o2 = resume(s, o1.continuation, appended, held(g2));
  EXPECT_EQ(s.stats().prefill_tokens - before, static_cast<std::int64_t>(appended.size()))
      << "the last committed id was fed when the held id was sampled";
  const auto turn = cat(cat(prompt, committed), appended);
  EXPECT_EQ(o2.results[0].prompt_ids, turn);
  EXPECT_EQ(o2.results[0].token_ids(), plain(turn, g2).token_ids());
  auto with_held = cat(cat(cat(prompt, committed), {stop_id}), appended);
  EXPECT_NE(o2.results[0].prompt_ids, with_held);

  // Nothing to feed after a held id: resume without appended ids is refused; the turn stays held.
  std::vector<int> every_id(static_cast<std::size_t>(engine_->config().vocab_size));
  for (std::size_t i = 0; i < every_id.size(); ++i) every_id[i] = static_cast<int>(i);
  auto o3 = resume(s, o1.continuation, appended, held(gen(3, 0.0, 1), every_id));
  EXPECT_EQ(o3.results[0].finish_reason, "stop_token_held");
  EXPECT_TRUE(o3.results[0].tokens.empty());
  EXPECT_THROW(s.resume(o1.continuation, {}, held(gen(3, 0.0, 1)), {}), std::invalid_argument);
  s.release(o1.continuation);
  s.drain();
  EXPECT_EQ(s.stats().kv_blocks_used, 0);
}

TEST_F(ContinuationTest, CancelEndsASegmentAndKeepsTheTurnHeld) {
  Scheduler s(*engine_, small_chunks());
  const auto prompt = prompt_ids(5);
  GenerationRequest g = gen(200, 0.0, 3);
  g.prompt_ids = prompt;
  std::promise<ServeOutcome> done;
  Scheduler::RequestId id = 0;
  std::mutex m;
  int seen = 0;
  {
    std::lock_guard lock(m);
    id = s.submit(held(g), {[&](int, const SampledToken&, std::string_view) {
                              std::lock_guard l(m);
                              if (++seen == 4) s.cancel(id);
                            },
                            [&](ServeOutcome o) { done.set_value(std::move(o)); }});
  }
  auto o1 = done.get_future().get();
  EXPECT_TRUE(o1.cancelled);
  ASSERT_NE(o1.continuation, 0u);
  EXPECT_EQ(o1.results[0].finish_reason, "cancelled");
  const auto committed = o1.results[0].token_ids();
  ASSERT_GE(committed.size(), 4u);
  const auto appended = engine_->tokenizer().encode("\n</think>\n\n");
  GenerationRequest g2 = gen(5, 0.0, 4);
  auto o2 = resume(s, o1.continuation, appended, {g2, 1});  // not held again: freed at the end
  EXPECT_EQ(o2.continuation, 0u);
  EXPECT_EQ(o2.results[0].token_ids(), plain(cat(cat(prompt, committed), appended), g2).token_ids());
  s.drain();
  EXPECT_EQ(s.stats().held_sequences, 0);
  EXPECT_EQ(s.stats().kv_blocks_used, 0);
  EXPECT_EQ(s.stats().kv_blocks_reserved, 0);
  EXPECT_THROW(s.release(o1.continuation), std::invalid_argument);
}

// rewind(): the next segment equals a plain request from the kept ids (plus the appended ones):
// back into generated ids, back into the prompt (whose full blocks the prefix cache shares: they
// are copied before being written, so a later request with the same prompt still hits them and
// gets the plain tokens), and with nothing appended (the last kept id is computed again).
TEST_F(ContinuationTest, RewindContinuesAsAPlainRequestFromTheKeptIds) {
  for (double temperature : {0.0, 0.9}) {
    SCOPED_TRACE("temperature " + std::to_string(temperature));
    Scheduler s(*engine_, small_chunks());
    const std::vector<int> prompt = prompt_ids(9);
    GenerationRequest g1 = gen(10, temperature, 7);
    g1.prompt_ids = prompt;
    auto o1 = submit(s, held(g1));
    ASSERT_TRUE(o1.error.empty()) << o1.error;
    const ContinuationId h = o1.continuation;
    std::vector<int> turn = cat(prompt, o1.results[0].token_ids());

    auto check = [&](int drop, const std::vector<int>& appended, int max_tokens, std::uint64_t seed) {
      s.rewind(h, drop);
      turn.resize(turn.size() - static_cast<std::size_t>(drop));
      GenerationRequest g = gen(max_tokens, temperature, seed);
      const auto before = s.stats().prefill_tokens;
      auto o = resume(s, h, appended, held(g));
      ASSERT_TRUE(o.error.empty()) << o.error;
      EXPECT_EQ(o.continuation, h);
      EXPECT_EQ(s.stats().prefill_tokens - before, static_cast<std::int64_t>(appended.size()) + 1)
          << "the last kept id and the appended ids are prefilled, nothing before";
      turn = cat(turn, appended);
      EXPECT_EQ(o.results[0].prompt_ids, turn);
      const auto p = plain(turn, g);
      ASSERT_EQ(o.results[0].token_ids(), p.token_ids());
      for (std::size_t i = 0; i < p.tokens.size(); ++i)
        EXPECT_NEAR(o.results[0].tokens[i].logprob, p.tokens[i].logprob, 1e-4) << "token " << i;
      turn = cat(turn, o.results[0].token_ids());
    };
    {
      SCOPED_TRACE("into the generated ids");
      check(4, engine_->tokenizer().encode(" Wait"), 6, 11);
    }
    {
      SCOPED_TRACE("nothing appended");
      check(2, {}, 5, 12);
    }
    {
      SCOPED_TRACE("into the prompt's shared blocks");
      const int into_prompt = static_cast<int>(turn.size() - prompt.size()) + 6;
      check(into_prompt, engine_->tokenizer().encode("\n</think>\n\n"), 6, 13);
    }
    // The prompt's published blocks were copied, not overwritten: the same prompt hits them and
    // gives the plain tokens.
    const auto hits = s.stats().prefix_hit_blocks;
    GenerationRequest again = gen(6, temperature, 7);
    again.prompt_ids = prompt;
    auto o = submit(s, {again, 1});
    EXPECT_GT(s.stats().prefix_hit_blocks, hits) << "the prompt's blocks are still in the prefix cache";
    EXPECT_EQ(o.results[0].token_ids(), plain(prompt, again).token_ids());

    EXPECT_THROW(s.rewind(h, static_cast<int>(turn.size())), std::invalid_argument) << "one id must stay";
    EXPECT_THROW(s.rewind(h, -1), std::invalid_argument);
    EXPECT_THROW(s.rewind(12345, 1), std::invalid_argument);
    // A running segment (held at its first token until checked) cannot be rewound.
    std::promise<ServeOutcome> done;
    std::promise<void> checked;
    std::shared_future<void> go = checked.get_future().share();
    s.resume(h, {1, 2}, held(gen(5, temperature, 1)),
             {[go](int, const SampledToken&, std::string_view) { go.wait(); },
              [&](ServeOutcome x) { done.set_value(std::move(x)); }});
    EXPECT_THROW(s.rewind(h, 1), std::invalid_argument) << "a running segment";
    checked.set_value();
    done.get_future().get();
    s.release(h);
    s.drain();
    EXPECT_EQ(s.stats().held_sequences, 0);
    EXPECT_EQ(s.stats().kv_blocks_used, 0);
    EXPECT_EQ(s.stats().kv_blocks_reserved, 0);
  }
}

TEST_F(ContinuationTest, MisuseErrorsCleanly) {
  Scheduler s(*engine_, small_chunks());
  EXPECT_THROW(s.release(12345), std::invalid_argument);
  EXPECT_THROW(s.resume(12345, {1}, held(gen(3, 0.0, 1)), {}), std::invalid_argument);
  ServeRequest two = held(gen(3, 0.0, 1));
  two.generation.prompt_ids = prompt_ids(2);
  two.n = 2;
  EXPECT_THROW(s.submit(two, {}), std::invalid_argument) << "hold takes n = 1";
  ServeRequest before{gen(3, 0.0, 1), 1};
  before.generation.prompt_ids = prompt_ids(2);
  before.hold_before_ids = {5};
  EXPECT_THROW(s.submit(before, {}), std::invalid_argument) << "hold_before_ids needs hold";

  GenerationRequest g = gen(3, 0.0, 1);
  g.prompt_ids = prompt_ids(3);
  auto o = submit(s, held(g));
  EXPECT_THROW(s.resume(o.continuation, {1}, held(gen(0, 0.0, 1)), {}), std::invalid_argument) << "max_tokens 0";
  EXPECT_THROW(s.resume(o.continuation, {-1}, held(gen(3, 0.0, 1)), {}), RequestError);
  s.release(o.continuation);
  EXPECT_THROW(s.release(o.continuation), std::invalid_argument) << "released twice";
  EXPECT_THROW(s.resume(o.continuation, {1}, held(gen(3, 0.0, 1)), {}), std::invalid_argument) << "after release";
  s.drain();
  EXPECT_EQ(s.stats().kv_blocks_used, 0);
  EXPECT_EQ(s.stats().kv_blocks_reserved, 0);

  // A running segment cannot be resumed twice; releasing it frees the sequence when it ends.
  auto o2 = submit(s, held(g));
  std::promise<ServeOutcome> done;
  s.resume(o2.continuation, {1, 2}, held(gen(50, 0.0, 1)), {nullptr, [&](ServeOutcome x) { done.set_value(std::move(x)); }});
  EXPECT_THROW(s.resume(o2.continuation, {1}, held(gen(3, 0.0, 1)), {}), std::invalid_argument);
  s.release(o2.continuation);
  auto last = done.get_future().get();
  EXPECT_EQ(last.continuation, 0u) << "released while running: not held again";
  s.drain();
  EXPECT_EQ(s.stats().held_sequences, 0);
  EXPECT_EQ(s.stats().kv_blocks_used, 0);
  EXPECT_EQ(s.stats().kv_blocks_reserved, 0);
}

TEST_F(ContinuationTest, HeldSequencesThatFillThePoolFailARequestInsteadOfDeadlocking) {
  SchedulerOptions o = small_chunks();
  o.kv_blocks = 16;
  auto destroyed_with_held = std::make_unique<Scheduler>(*engine_, o);
  Scheduler& s = *destroyed_with_held;
  GenerationRequest g = gen(20, 0.0, 1);
  g.prompt_ids = prompt_ids(4);
  const int bs = o.block_size;
  const int prompt_blocks = (static_cast<int>(g.prompt_ids.size()) + bs - 1) / bs;
  ASSERT_LE(prompt_blocks + 20 / bs + 1, o.kv_blocks);
  auto first = submit(s, held(g));
  ASSERT_NE(first.continuation, 0u);
  const int held_blocks = s.stats().kv_blocks_held;
  EXPECT_EQ(held_blocks, (static_cast<int>(g.prompt_ids.size()) + 19 + bs - 1) / bs);
  EXPECT_EQ(s.stats().kv_blocks_reserved, held_blocks);
  // A second request cannot be admitted beside the held blocks, and nothing runs that could free any.
  ASSERT_GT(held_blocks + prompt_blocks + 20 / bs + 1, o.kv_blocks);
  auto second = submit(s, held(g));
  EXPECT_NE(second.error.find("held by continuations"), std::string::npos) << second.error;
  EXPECT_EQ(second.continuation, 0u);
  EXPECT_EQ(s.stats().kv_blocks_held, held_blocks);
  // A resume that could never fit the pool is refused up front; the turn stays held.
  EXPECT_THROW(s.resume(first.continuation, {1}, held(gen(40, 0.0, 1)), {}), std::invalid_argument);
  EXPECT_EQ(s.stats().held_sequences, 1);
  destroyed_with_held.reset();  // frees the held sequence (the pool goes with it; no leak under ASan)
}

}  // namespace
