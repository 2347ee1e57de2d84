// Scheduler: continuous batching gives every request exactly what Engine::generate gives it alone
// (batch invariance: 16 mixed requests with different prompt lengths, sampling, routing controls,
// stop strings and max_tokens, under several batch sizes); chunked prefill and prefix-cache hits
// change nothing (self-certainty included); n samples prefill once and equal n separate requests; streaming text adds up to
// the result; cancellation, admission limits and refusals; every KV block is free at the end.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <future>
#include <map>
#include <set>
#include <mutex>

#include "engine/engine.h"
#include "engine/serve/scheduler.h"
#include "tests/support/command.h"
#include "tests/support/tiny_engine_model.h"

namespace {

using namespace gauntlet::engine;
using gauntlet::testing::TempDir;

class SchedulerTest : public ::testing::Test {
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

  // 16 requests: prompts of 3 to ~70 tokens, greedy / temperature / top-k / top-p / min-p, routing
  // controls and traces, stop strings, different max_tokens.
  static std::vector<GenerationRequest> mixed_requests() {
    std::vector<GenerationRequest> out;
    for (int i = 0; i < 16; ++i) {
      GenerationRequest r;
      std::string prompt = "<|im_start|>user\n";
      for (int w = 0; w < 1 + i * 3; ++w) prompt += "word" + std::to_string((w * 7 + i) % 13) + " ";
      r.prompt = prompt + "<|im_end|>\n<|im_start|>assistant\n";
      r.max_tokens = 6 + (i * 5) % 17;
      r.sampling.seed = static_cast<std::uint64_t>(100 + i);
      r.sampling.temperature = i % 4 == 0 ? 0.0 : 0.7 + 0.1 * (i % 3);
      if (i % 4 == 1) r.sampling.top_k = 5;
      if (i % 4 == 2) r.sampling.top_p = 0.9;
      if (i % 4 == 3) r.sampling.min_p = 0.05;
      r.sampling.top_logprobs = i % 3;
      r.sampling.self_certainty = i % 2 == 1;
      r.ignore_eos = i % 2 == 0;
      if (i % 5 == 0) {
        RoutingControls c;
        c.top_k = 1;
        r.routing = c;
      } else if (i % 5 == 1) {
        RoutingControls c;
        c.mask = {{0, 1}, {1, 3}};
        r.routing = c;
      } else if (i % 5 == 2) {
        RoutingControls c;
        c.top_p = 0.5;
        r.routing = c;
      }
      r.trace_routing = i % 3 == 0;
      r.trace_prompt_routing = i % 6 == 0;
      if (i % 7 == 3) r.stop_strings = {"d3", "rd"};
      out.push_back(std::move(r));
    }
    return out;
  }

  static void expect_same(const GenerationResult& a, const GenerationResult& b, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(a.prompt_ids, b.prompt_ids);
    ASSERT_EQ(a.tokens.size(), b.tokens.size());
    for (std::size_t i = 0; i < a.tokens.size(); ++i) {
      ASSERT_EQ(a.tokens[i].id, b.tokens[i].id) << "token " << i;
      ASSERT_EQ(a.tokens[i].logprob, b.tokens[i].logprob) << "token " << i;
      ASSERT_EQ(std::isnan(a.tokens[i].self_certainty), std::isnan(b.tokens[i].self_certainty));
      if (!std::isnan(a.tokens[i].self_certainty)) {
        ASSERT_EQ(a.tokens[i].self_certainty, b.tokens[i].self_certainty) << "token " << i;
      }
      ASSERT_EQ(a.tokens[i].top.size(), b.tokens[i].top.size());
      for (std::size_t k = 0; k < a.tokens[i].top.size(); ++k) {
        EXPECT_EQ(a.tokens[i].top[k].id, b.tokens[i].top[k].id);
        EXPECT_EQ(a.tokens[i].top[k].logprob, b.tokens[i].top[k].logprob);
      }
    }
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.finish_reason, b.finish_reason);
    ASSERT_EQ(a.routing.size(), b.routing.size());
    for (std::size_t i = 0; i < a.routing.size(); ++i)
      for (std::size_t l = 0; l < a.routing[i].size(); ++l) {
        EXPECT_EQ(a.routing[i][l].experts, b.routing[i][l].experts);
        EXPECT_EQ(a.routing[i][l].weights, b.routing[i][l].weights);
      }
    EXPECT_EQ(a.prompt_routing.size(), b.prompt_routing.size());
    EXPECT_EQ(a.thinking.has_value(), b.thinking.has_value());
  }

  // Submits every request at once; returns the results in request order.
  static std::vector<ServeOutcome> run_all(Scheduler& s, const std::vector<ServeRequest>& requests) {
    std::vector<std::promise<ServeOutcome>> promises(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i)
      s.submit(requests[i], {nullptr, [&promises, i](ServeOutcome o) { promises[i].set_value(std::move(o)); }});
    std::vector<ServeOutcome> out;
    for (auto& p : promises) out.push_back(p.get_future().get());
    return out;
  }

  static std::vector<ServeRequest> one_each(const std::vector<GenerationRequest>& g) {
    std::vector<ServeRequest> out;
    for (const auto& r : g) out.push_back({r, 1});
    return out;
  }

  static TempDir* dir_;
  static Engine* engine_;
};

TempDir* SchedulerTest::dir_ = nullptr;
Engine* SchedulerTest::engine_ = nullptr;

TEST_F(SchedulerTest, SixteenMixedRequestsTogetherEqualEachAlone) {
  const auto requests = mixed_requests();
  std::vector<GenerationResult> alone;
  for (const auto& r : requests) alone.push_back(engine_->generate(r));
  for (int max_batch : {16, 5, 1}) {
    SchedulerOptions o;
    o.max_batch = max_batch;
    o.kv_blocks = 400;
    o.block_size = 4;
    o.prefill_chunk = 512;
    Scheduler s(*engine_, o);
    const auto together = run_all(s, one_each(requests));
    for (std::size_t i = 0; i < requests.size(); ++i) {
      ASSERT_TRUE(together[i].error.empty()) << together[i].error;
      ASSERT_EQ(together[i].results.size(), 1u);
      expect_same(together[i].results[0], alone[i],
                  "request " + std::to_string(i) + " max_batch " + std::to_string(max_batch));
    }
    s.drain();
    const auto st = s.stats();
    EXPECT_EQ(st.kv_blocks_used, 0);
    EXPECT_EQ(st.kv_blocks_reserved, 0);
    EXPECT_EQ(st.running_sequences, 0);
    EXPECT_EQ(st.requests_done, 16);
    if (max_batch == 16) {
      EXPECT_LT(st.decode_steps, st.generated_tokens / 2) << "sequences were batched";
    }
  }
}

TEST_F(SchedulerTest, ChunkedPrefillAndPrefixHitsDoNotChangeAResult) {
  // Chunks of 8 tokens (blocks of 4): a long prompt runs in several steps while others decode;
  // a request sharing its first chunks takes them from the prefix cache.
  auto requests = mixed_requests();
  GenerationRequest longer = requests[15];
  longer.prompt = requests[15].prompt + "more words at the end";
  longer.routing.reset();
  longer.trace_prompt_routing = false;
  GenerationRequest base = requests[15];
  base.routing.reset();
  base.trace_prompt_routing = false;
  SchedulerOptions o;
  o.kv_blocks = 400;
  o.block_size = 4;
  o.prefill_chunk = 8;
  o.prefix_cache = false;
  Scheduler cold(*engine_, o);
  const auto want = run_all(cold, one_each({base, longer}));
  cold.drain();
  ASSERT_EQ(cold.stats().prefix_hit_blocks, 0);

  o.prefix_cache = true;
  Scheduler warm(*engine_, o);
  std::vector<GenerationRequest> mix = {base, requests[0], requests[3]};
  const auto first = run_all(warm, one_each(mix));
  expect_same(first[0].results[0], want[0].results[0], "first, with others");
  const auto second = run_all(warm, one_each({longer}));
  expect_same(second[0].results[0], want[1].results[0], "the longer prompt from the prefix cache");
  warm.drain();
  const auto st = warm.stats();
  EXPECT_GT(st.prefix_hit_blocks, 0);
  EXPECT_EQ(st.kv_blocks_used, 0);
}

TEST_F(SchedulerTest, NSamplesPrefillOnceAndEqualNSeparateRequests) {
  GenerationRequest r = mixed_requests()[9];
  r.max_tokens = 12;
  r.ignore_eos = true;
  const int n = 8;
  SchedulerOptions o;
  o.kv_blocks = 300;
  o.block_size = 4;
  o.prefix_cache = false;  // separate requests each prefill: sharing comes only from n
  Scheduler s(*engine_, o);
  const auto together = run_all(s, {{r, n}});
  s.drain();
  const int prompt = static_cast<int>(together[0].results[0].prompt_ids.size());
  EXPECT_EQ(s.stats().prefill_tokens, prompt) << "the prompt ran once for the " << n << " samples";
  EXPECT_EQ(s.stats().kv_blocks_used, 0);

  std::vector<ServeRequest> separate;
  for (int i = 0; i < n; ++i) {
    GenerationRequest one = r;
    one.sampling.seed = r.sampling.seed + static_cast<std::uint64_t>(i);
    separate.push_back({one, 1});
  }
  const auto apart = run_all(s, separate);
  s.drain();
  EXPECT_EQ(s.stats().prefill_tokens, std::int64_t{prompt} * (n + 1));
  ASSERT_EQ(together[0].results.size(), static_cast<std::size_t>(n));
  std::set<std::vector<int>> distinct;
  for (int i = 0; i < n; ++i) {
    expect_same(together[0].results[static_cast<std::size_t>(i)], apart[static_cast<std::size_t>(i)].results[0],
                "sample " + std::to_string(i));
    distinct.insert(together[0].results[static_cast<std::size_t>(i)].token_ids());
  }
  EXPECT_GT(distinct.size(), 1u) << "samples differ by seed";
  EXPECT_EQ(s.stats().kv_blocks_used, 0);
}

TEST_F(SchedulerTest, StreamedTextAddsUpToTheResultStopStringsHeldBack) {
  auto requests = mixed_requests();
  for (int i : {3, 10}) {  // with stop strings, and without
    GenerationRequest r = requests[static_cast<std::size_t>(i)];
    r.max_tokens = 30;
    Scheduler s(*engine_, {});
    std::string streamed;
    int tokens = 0;
    std::promise<ServeOutcome> done;
    s.submit({r, 1}, {[&](int sample, const SampledToken&, std::string_view text) {
                        EXPECT_EQ(sample, 0);
                        streamed += text;
                        ++tokens;
                      },
                      [&](ServeOutcome o) { done.set_value(std::move(o)); }});
    const auto out = done.get_future().get();
    EXPECT_EQ(streamed, out.results[0].text);
    EXPECT_EQ(tokens, static_cast<int>(out.results[0].tokens.size()));
  }
}

// Only a tail that could still become a stop string is held back: with stop strings that never
// begin anywhere in the text, each token's streamed text is exactly what it is without them.
TEST_F(SchedulerTest, StreamingHoldsBackOnlyWhatCouldStartAStopString) {
  GenerationRequest r = mixed_requests()[10];
  r.max_tokens = 30;
  r.stop_strings.clear();
  auto chunks = [&](const std::vector<std::string>& stops) {
    GenerationRequest g = r;
    g.stop_strings = stops;
    Scheduler s(*engine_, {});
    std::vector<std::string> out;
    std::promise<ServeOutcome> done;
    s.submit({g, 1}, {[&](int, const SampledToken&, std::string_view text) { out.emplace_back(text); },
                      [&](ServeOutcome o) { done.set_value(std::move(o)); }});
    done.get_future().get();
    return out;
  };
  const auto plain = chunks({});
  ASSERT_EQ(plain.size(), 30u);
  EXPECT_EQ(chunks({"\x01never", "\x02</nor this>"}), plain);
}

TEST_F(SchedulerTest, CancellingARunningRequestFreesItsBlocks) {
  GenerationRequest r = mixed_requests()[2];
  r.max_tokens = 100000;
  r.ignore_eos = true;
  SchedulerOptions o;
  o.kv_memory_mb = 64;
  Scheduler s(*engine_, o);
  std::promise<ServeOutcome> done;
  std::atomic<int> tokens{0};
  Scheduler::RequestId id = 0;
  std::promise<void> started;
  id = s.submit({r, 2}, {[&](int, const SampledToken&, std::string_view) {
                           if (++tokens == 10) started.set_value();
                         },
                         [&](ServeOutcome out) { done.set_value(std::move(out)); }});
  started.get_future().get();
  s.cancel(id);
  const auto out = done.get_future().get();
  EXPECT_TRUE(out.cancelled);
  ASSERT_EQ(out.results.size(), 2u);
  EXPECT_EQ(out.results[0].finish_reason, "cancelled");
  EXPECT_LT(out.results[0].tokens.size(), 100000u);
  s.drain();
  EXPECT_EQ(s.stats().kv_blocks_used, 0);
  EXPECT_EQ(s.stats().requests_cancelled, 1);
}

TEST_F(SchedulerTest, AdmissionWaitsForBlocksAndRefusesWhatCanNeverFit) {
  auto requests = mixed_requests();
  SchedulerOptions o;
  o.kv_blocks = 40;  // room for one or two requests at a time
  o.block_size = 4;
  o.max_waiting = 64;
  Scheduler s(*engine_, o);
  std::vector<GenerationResult> alone;
  std::vector<ServeRequest> some;
  for (int i = 0; i < 6; ++i) {
    some.push_back({requests[static_cast<std::size_t>(i)], 1});
  }
  const auto out = run_all(s, some);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_TRUE(out[i].error.empty());
    expect_same(out[i].results[0], engine_->generate(requests[i]), "request " + std::to_string(i));
  }
  GenerationRequest huge = requests[0];
  huge.max_tokens = 1000;
  EXPECT_THROW(s.submit({huge, 1}, {}), std::invalid_argument);
  EXPECT_THROW(s.submit({requests[0], 0}, {}), std::invalid_argument);
  GenerationRequest empty;
  EXPECT_THROW(s.submit({empty, 1}, {}), std::invalid_argument);
  GenerationRequest bad_routing = requests[0];
  RoutingControls c;
  c.mask = {{0, 99}};
  bad_routing.routing = c;
  EXPECT_THROW(s.submit({bad_routing, 1}, {}), RoutingError);
  s.drain();
  EXPECT_EQ(s.stats().kv_blocks_used, 0);
}

TEST_F(SchedulerTest, AFullQueueRefusesAndShutdownCancelsWhatIsLeft) {
  GenerationRequest r = mixed_requests()[1];
  r.max_tokens = 20000;
  r.ignore_eos = true;
  std::atomic<int> cancelled{0}, finished{0};
  int accepted = 0;
  {
    SchedulerOptions o;
    o.max_batch = 1;
    o.max_waiting = 2;
    Scheduler s(*engine_, o);
    bool refused = false;
    for (int i = 0; i < 10 && !refused; ++i) {
      try {
        s.submit({r, 1}, {nullptr, [&](ServeOutcome out) { (out.cancelled ? cancelled : finished)++; }});
        ++accepted;
      } catch (const SchedulerFullError&) {
        refused = true;
      }
    }
    EXPECT_TRUE(refused);
  }  // destroyed with work in flight: every request still gets its callback
  EXPECT_GE(cancelled.load(), 1);
  EXPECT_GE(accepted, 2);
  EXPECT_EQ(cancelled + finished, accepted);
}

}  // namespace
