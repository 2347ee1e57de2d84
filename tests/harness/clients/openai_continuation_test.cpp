// Continuing an assistant turn over HTTP (OpenAIClient as a ContinuableClient) against the
// fault-injecting test server, through both methods: /v1/completions with the prompt our chat
// template renders, and /v1/chat/completions with continue_final_message. Streams aborted by the
// observer keep exactly what it was handed; the next request carries prompt + prefix + turn +
// appended text; faults mid-stream are retried as continuations without duplicating text; the
// prefill policies send the right bodies; config errors; approximate self-certainty; rewind()
// drops whole streamed pieces from what the next request carries.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "harness/budgets/budget_client.h"
#include "harness/budgets/trimr_policy.h"
#include "harness/clients/client_factory.h"
#include "harness/clients/model_spec_reader.h"
#include "harness/clients/openai_client.h"
#include "harness/clients/openai_continuation.h"
#include "harness/clients/openai_self_certainty.h"
#include "harness/digest/fingerprint.h"
#include "harness/errors/errors.h"
#include "tests/support/command.h"
#include "tests/support/fake_openai_server.h"

namespace gauntlet::harness {
namespace {

using gauntlet::testing::FakeOpenAIServer;
using gauntlet::testing::FakeServerOptions;
using gauntlet::testing::TempDir;
using nlohmann::json;

const char* kTemplate =
    "{%- for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}"
    "{%- if add_generation_prompt %}<|assistant|>{% if enable_thinking is defined and not enable_thinking %}"
    "<nothink>{% endif %}{% endif %}";
const std::string kRendered = "<|user|>What is 2+3?\n<|assistant|>";
const std::string kReply = "<think>\nworking out 2 + 3\n</think>\n\nThe answer is \\boxed{5}";
const std::string kThinking = "<think>\nworking out 2 + 3\n";
const std::string kAnswer = "The answer is \\boxed{5}";

FakeServerOptions continuing_options() {
  FakeServerOptions o;
  o.assistant_marker = "<|assistant|>";
  o.apply_stop = true;
  return o;
}

struct Fixture {
  TempDir dir;
  Fixture() {
    std::filesystem::create_directories(dir.file("t"));
    dir.write("t/tokenizer_config.json", json({{"chat_template", kTemplate}, {"eos_token", "</s>"}}).dump());
  }
  ModelSpec read(const std::string& yaml) const {
    dir.write("suite.yaml", yaml);
    return read_model_spec(YAML::Load(yaml), dir.file("suite.yaml"), "models[0]");
  }
  std::string error_of(const std::string& yaml) const {
    try {
      read(yaml);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no error)";
  }
  // method: "completions" (endpoint completions + our template) or "continue_final_message" (chat).
  ModelSpec model(const std::string& url, const std::string& method, const std::string& extra = "") const {
    std::string yaml = "name: m\nbase_url: " + url +
                       "\nmax_retries: 20\nbackoff_initial: 0.01\nbackoff_max: 0.02\nendpoint_cooldown: 0\n";
    yaml += method == "completions" ? "endpoint: completions\nchat_template: t\n" : "endpoint: chat\n";
    return read(yaml + extra);
  }
};

ChatRequest question() {
  ChatRequest r;
  r.messages = {{"user", "What is 2+3?"}};
  return r;
}

// The assistant text a continuation request carried (completions: after the rendered prompt).
std::string assistant_text_of(const json& body, const std::string& method) {
  if (method == "completions") {
    const std::string prompt = body.at("prompt").get<std::string>();
    EXPECT_EQ(prompt.rfind(kRendered, 0), 0u) << prompt;
    return prompt.substr(kRendered.size());
  }
  const auto& messages = body.at("messages");
  if (messages.back().at("role") != "assistant") return "";
  EXPECT_EQ(body.value("continue_final_message", false), true) << body.dump();
  EXPECT_EQ(body.value("add_generation_prompt", true), false) << body.dump();
  return messages.back().at("content").get<std::string>();
}

// The fake model's token count of a text: whitespace-separated words.
std::size_t split_words(const std::string& text) {
  std::size_t words = 0;
  bool in = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (!space && !in) ++words;
    in = !space;
  }
  return words;
}

class Continuations : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(BothMethods, Continuations, ::testing::Values("completions", "continue_final_message"));

TEST_P(Continuations, AbortKeepsWhatTheObserverSawAndTheNextRequestCarriesEverything) {
  const std::string method = GetParam();
  Fixture f;
  FakeServerOptions o = continuing_options();
  o.stream_event_delay_ms = 50;  // the whole reply would take > 500 ms
  FakeOpenAIServer server(o);
  server.start();
  OpenAIClient client(f.model(server.base_url(), method));
  ChatRequest request = question();
  request.assistant_prefix = "<think>\n";
  auto turn = client.open(request);
  EXPECT_EQ(turn->method(), method);

  std::string seen;
  SegmentLimits limits;
  limits.max_tokens = 100;
  const auto start = std::chrono::steady_clock::now();
  SegmentResult first = turn->segment("", limits, [&](std::string_view text, int tokens) {
    seen += text;
    return tokens < 2;  // stop after the second token
  });
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_EQ(first.finish, "aborted");
  EXPECT_EQ(first.tokens, 2);
  EXPECT_EQ(first.text, "working out");  // after the prefix "<think>\n" the model goes on "working out 2 + 3 ..."
  EXPECT_EQ(first.text, seen);
  EXPECT_EQ(turn->turn_text(), first.text);
  EXPECT_LT(took, 0.4) << "the stream was not closed when the observer said stop";

  SegmentResult second = turn->segment(" 7 + 1, no:", limits);
  ASSERT_TRUE(second.ok()) << second.error;
  const json bodies = server.request_bodies();
  ASSERT_EQ(bodies.size(), 2u) << bodies.dump();
  EXPECT_EQ(assistant_text_of(bodies[0], method), "<think>\n");
  EXPECT_EQ(assistant_text_of(bodies[1], method), "<think>\nworking out 7 + 1, no:");
  EXPECT_EQ(bodies[1].value("stream", false), true);
  EXPECT_EQ(bodies[1].at("max_tokens"), 100);
  // Thinking still open and off the reply: the model thinks again, closes, answers.
  EXPECT_EQ(second.text, "\nworking out 2 + 3\n</think>\n\n" + kAnswer);
  EXPECT_EQ(second.finish, "stop");
  EXPECT_EQ(turn->turn_text(), first.text + " 7 + 1, no:" + second.text);
}

// rewind() keeps whole streamed pieces up to the byte asked for; the next request carries only
// what was kept (plus the appended text). Once per segment, never before the first.
TEST_P(Continuations, RewindDropsWholePiecesAndTheNextRequestCarriesTheRest) {
  const std::string method = GetParam();
  Fixture f;
  FakeServerOptions o = continuing_options();
  o.stream_event_delay_ms = 20;
  FakeOpenAIServer server(o);
  server.start();
  OpenAIClient client(f.model(server.base_url(), method));
  ChatRequest request = question();
  request.assistant_prefix = "<think>\n";
  auto turn = client.open(request);
  EXPECT_THROW(turn->rewind(0), std::logic_error) << "nothing generated yet";
  SegmentLimits limits;
  limits.max_tokens = 100;
  SegmentResult first = turn->segment("", limits, [&](std::string_view, int tokens) { return tokens < 4; });
  ASSERT_TRUE(first.ok()) << first.error;
  ASSERT_EQ(first.text, "working out 2 +");
  // Byte 12 falls inside " 2" (bytes 11-12): it goes with " +".
  const Rewound r = turn->rewind(12);
  EXPECT_EQ(r.tokens, 2);
  EXPECT_EQ(r.bytes, 4u);
  EXPECT_EQ(turn->turn_text(), "working out");
  EXPECT_THROW(turn->rewind(0), std::logic_error) << "once per segment";
  SegmentResult second = turn->segment(" 7 + 1, no:", limits);
  ASSERT_TRUE(second.ok()) << second.error;
  const json bodies = server.request_bodies();
  ASSERT_EQ(bodies.size(), 2u) << bodies.dump();
  EXPECT_EQ(assistant_text_of(bodies[1], method), "<think>\nworking out 7 + 1, no:");
  EXPECT_EQ(turn->turn_text(), "working out 7 + 1, no:" + second.text);
}

TEST_P(Continuations, ThinkCloseThenCueThenAnswer) {
  const std::string method = GetParam();
  for (bool stop_reason : {true, false}) {
    SCOPED_TRACE(stop_reason ? "server names the stop string" : "plain OpenAI finish_reason only");
    Fixture f;
    FakeServerOptions o = continuing_options();
    o.report_stop_reason = stop_reason;
    FakeOpenAIServer server(o);
    server.start();
    OpenAIClient client(f.model(server.base_url(), method));
    auto turn = client.open(question());
    SegmentLimits thinking;
    thinking.max_tokens = 50;
    thinking.stop_at_think_close = true;
    SegmentResult a = turn->segment("", thinking);
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_EQ(a.text, kThinking);
    EXPECT_EQ(a.finish, "think_close");
    EXPECT_EQ(a.tokens, 7);  // usage: "<think>", "\nworking", " out", " 2", " +", " 3", "\n</think>" consumed
    SegmentLimits answer;
    answer.max_tokens = 50;
    answer.stop_at_think_close = true;  // thinking is closed now: a plain stop is a stop
    SegmentResult b = turn->segment("</think>\n\nFinal Answer: ", answer);
    ASSERT_TRUE(b.ok()) << b.error;
    EXPECT_EQ(b.text, kAnswer);
    EXPECT_EQ(b.finish, "stop");
    const json bodies = server.request_bodies();
    ASSERT_EQ(bodies.size(), 2u);
    EXPECT_EQ(assistant_text_of(bodies[1], method), kThinking + "</think>\n\nFinal Answer: ");
    EXPECT_EQ(bodies[0].at("stop"), json::array({"</think>"}));
    EXPECT_EQ(turn->turn_text(), kThinking + "</think>\n\nFinal Answer: " + kAnswer);

    // A length cut.
    auto capped = client.open(question());
    SegmentLimits three;
    three.max_tokens = 3;
    SegmentResult c = capped->segment("", three);
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.text, "<think>\nworking out");
    EXPECT_EQ(c.finish, "length");
    EXPECT_EQ(c.tokens, 3);
  }
}

TEST_P(Continuations, FaultsMidStreamAreRetriedWithoutDuplicatingText) {
  const std::string method = GetParam();
  for (const std::vector<std::string>& faults :
       {std::vector<std::string>{"stream_cut"}, std::vector<std::string>{"stream_cut", "500", "reset", "malformed", "429"}}) {
    Fixture f;
    FakeServerOptions o = continuing_options();
    o.fault_rate = 1.0;  // every new request (each continuation is a new prompt key) fails once
    o.faults = faults;
    o.retry_after_s = 0;
    FakeOpenAIServer server(o);
    server.start();
    OpenAIClient client(f.model(server.base_url(), method));
    auto turn = client.open(question());
    std::string seen;
    SegmentLimits limits;
    limits.max_tokens = 50;
    SegmentResult r = turn->segment("", limits, [&](std::string_view text, int) {
      seen += text;
      return true;
    });
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.text, kReply);
    EXPECT_EQ(seen, kReply);
    EXPECT_EQ(r.finish, "stop");
    EXPECT_EQ(r.tokens, 11);
    EXPECT_GT(r.retries, 0);
    // Every retry continued from exactly what had arrived: each request's assistant text is a prefix
    // of the reply, and max_tokens shrank by the tokens received.
    const json bodies = server.request_bodies();
    ASSERT_GE(bodies.size(), 2u);
    for (const auto& body : bodies) {
      const std::string sent = assistant_text_of(body, method);
      EXPECT_EQ(kReply.rfind(sent, 0), 0u) << sent;
      EXPECT_EQ(body.at("max_tokens").get<int>() + static_cast<int>(split_words(sent)), 50) << body.dump();
    }
    if (faults.size() == 1) {  // only cuts: several continuations, each from a longer received text
      EXPECT_GT(server.stats()["by_fault"]["stream_cut"].get<int>(), 1) << server.stats().dump();
      EXPECT_GT(bodies.size(), 3u);
    }

    // The same after an appended cue (a continuation, not the first segment).
    auto cued = client.open(question());
    SegmentResult head = cued->segment("", [] {
      SegmentLimits l;
      l.max_tokens = 2;
      return l;
    }());
    ASSERT_TRUE(head.ok()) << head.error;
    SegmentResult tail = cued->segment("\n</think>\n\n", limits);
    ASSERT_TRUE(tail.ok()) << tail.error;
    EXPECT_EQ(tail.text, kAnswer);
    EXPECT_EQ(cued->turn_text(), head.text + "\n</think>\n\n" + kAnswer);
  }
}

TEST_P(Continuations, NothinkingAndEmptyThinkSendTheRightBodies) {
  const std::string method = GetParam();
  Fixture f;
  FakeOpenAIServer server(continuing_options());
  server.start();
  const ModelSpec spec =
      f.model(server.base_url(), method, "chat_template_kwargs: {custom: 1}\nbudget: nothinking\n");
  BudgetClient nothinking(std::make_unique<OpenAIClient>(spec), spec.budget);
  ChatResult got = nothinking.submit(question()).get();
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.choices.at(0).text, kAnswer);
  EXPECT_EQ(got.choices.at(0).reasoning, "");
  EXPECT_EQ(got.choices.at(0).budget["method"], method);
  json body = server.request_bodies().back();
  const std::string prefill = "<think>\nOkay, I think I have finished thinking.\n</think>\n\n";
  if (method == "completions") {
    EXPECT_EQ(body.at("prompt"), kRendered + prefill);
    EXPECT_FALSE(body.contains("chat_template_kwargs"));
    EXPECT_FALSE(body.contains("messages"));
  } else {
    EXPECT_EQ(body.at("messages"), json::array({{{"role", "user"}, {"content", "What is 2+3?"}},
                                                {{"role", "assistant"}, {"content", prefill}}}));
    EXPECT_EQ(body.at("continue_final_message"), true);
    EXPECT_EQ(body.at("add_generation_prompt"), false);
    EXPECT_EQ(body.at("chat_template_kwargs"), json({{"custom", 1}}));
  }

  server.reset_stats();
  const ModelSpec empty =
      f.model(server.base_url(), method, "chat_template_kwargs: {custom: 1, enable_thinking: true}\nbudget: empty_think\n");
  BudgetClient empty_think(std::make_unique<OpenAIClient>(empty), empty.budget);
  got = empty_think.submit(question()).get();
  ASSERT_TRUE(got.ok()) << got.error;
  body = server.request_bodies().back();
  if (method == "completions") {
    EXPECT_EQ(body.at("prompt"), kRendered + "<nothink>");  // our template's own switch
    EXPECT_EQ(got.choices.at(0).text, kAnswer);
  } else {
    EXPECT_EQ(body.at("chat_template_kwargs"), json({{"custom", 1}, {"enable_thinking", false}}));
    EXPECT_FALSE(body.contains("continue_final_message"));
  }
  // The policy's record, but no prefix: no continuation method involved.
  EXPECT_EQ(got.choices.at(0).budget["policy"], "empty_think");
  EXPECT_FALSE(got.choices.at(0).budget.contains("method"));

  // A streamed model sends the same prefill, streamed.
  server.reset_stats();
  const ModelSpec streamed = f.model(server.base_url(), method, "stream: true\nbudget: nothinking\n");
  BudgetClient streaming(std::make_unique<OpenAIClient>(streamed), streamed.budget);
  got = streaming.submit(question()).get();
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.choices.at(0).text, kAnswer);
  EXPECT_EQ(got.choices.at(0).budget["method"], method);
  body = server.request_bodies().back();
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(assistant_text_of(body, method), prefill);
}

// The policies that continue turns, over HTTP through make_client: an s1 cap closes thinking and
// the next request carries the capped turn and the close; TrimR cuts a reflecting model at the end
// of the thought that completed the run (rewound: the next request carries the thinking up to
// there, the conclude prompt and the close); parallel samples carry approximate self-certainty
// (plain requests and capped turns) and the chosen one.
TEST_P(Continuations, BudgetTrimRAndParallelRunOverHttp) {
  const std::string method = GetParam();
  Fixture f;
  FakeServerOptions o = continuing_options();
  const std::string thinking = "2 plus 3, so the answer is 5\nWait, again: the answer is 5\nWait, once more: 5";
  o.book = {{{"2+3"}, {kAnswer}, thinking}};
  FakeOpenAIServer server(o);
  server.start();
  auto last_assistant_text = [&] { return assistant_text_of(server.request_bodies().back(), method); };
  {
    SCOPED_TRACE("budget cap");
    const ModelSpec spec = f.model(server.base_url(), method, "budget: \"budget:3\"\n");
    auto client = make_client(spec);
    const ChatResult got = client->submit(question()).get();
    ASSERT_TRUE(got.ok()) << got.error;
    const Choice& c = got.choices.at(0);
    EXPECT_EQ(c.budget["cut_reason"], "cap");
    EXPECT_EQ(c.budget["thinking_tokens"], 3);
    EXPECT_EQ(c.budget["method"], method);
    EXPECT_EQ(c.text, kAnswer);
    EXPECT_EQ(last_assistant_text(), "<think>\n2 plus\n</think>\n\n");
  }
  {
    SCOPED_TRACE("trimr");
    server.reset_stats();
    const ModelSpec spec = f.model(server.base_url(), method,
                                   "budget: {policy: trimr, thinking_tokens: 100, verifier: {kind: extract, pattern: "
                                   "\"answer is (\\\\d+)\"}}\n");
    auto client = make_client(spec);
    const ChatResult got = client->submit(question()).get();
    ASSERT_TRUE(got.ok()) << got.error;
    const Choice& c = got.choices.at(0);
    EXPECT_EQ(c.budget["cut_reason"], "converged") << c.budget.dump();
    EXPECT_EQ(c.budget["rewound_tokens"], 1) << "the piece \"\\nWait,\" (a whole word: the decision came with it)";
    EXPECT_EQ(c.text, kAnswer);
    EXPECT_EQ(last_assistant_text(), "<think>\n2 plus 3, so the answer is 5\nWait, again: the answer is 5" +
                                         std::string(kTrimRConcludePrompt) + kTrimRClose);
    EXPECT_EQ(c.budget["thinking_tokens"], 15);  // "<think>", "\\n2", " plus", ... " 5": words
  }
  {
    SCOPED_TRACE("parallel");
    server.reset_stats();
    for (const std::string of : {"none", "\"budget:3\""}) {
      SCOPED_TRACE(of);
      const ModelSpec spec = f.model(server.base_url(), method,
                                     "vocab_size: 1000\nbudget: {policy: parallel, n: 3, of: " + of +
                                         ", select: self_certainty}\n");
      auto client = make_client(spec);
      const ChatResult got = client->submit(question()).get();
      ASSERT_TRUE(got.ok()) << got.error;
      const Choice& c = got.choices.at(0);
      ASSERT_EQ(c.budget["samples"].size(), 3u) << c.budget.dump();
      for (const auto& sample : c.budget["samples"]) {
        EXPECT_TRUE(sample["self_certainty"].is_number()) << sample.dump();
      }
      EXPECT_TRUE(c.budget["chosen"].is_number()) << c.budget.dump();
      EXPECT_EQ(c.budget["self_certainty_approximate"], true);
      EXPECT_EQ(c.text, kAnswer);
      EXPECT_TRUE(c.logprobs.empty()) << "logprobs asked for self-certainty only are not returned";
      for (const auto& body : server.request_bodies())  // the legacy completions field holds the count
        EXPECT_EQ(method == "completions" ? body.at("logprobs") : body.at("top_logprobs"), 20) << body.dump();
    }
  }
}

TEST_P(Continuations, SelfCertaintyFromTopLogprobs) {
  const std::string method = GetParam();
  Fixture f;
  FakeOpenAIServer server(continuing_options());
  server.start();
  OpenAIClient client(f.model(server.base_url(), method, "vocab_size: 1000\n"));
  ChatRequest request = question();
  request.params.top_logprobs = 3;
  request.params.logprobs = true;
  auto turn = client.open(request);
  SegmentLimits limits;
  limits.max_tokens = 4;
  SegmentResult r = turn->segment("", limits);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.tokens, 4);
  EXPECT_TRUE(r.self_certainty_approximate);
  // The server gives each token logprob -0.1 and alternatives at -3 and -4.
  TokenLogprob token{"x", -0.1, {}, {{"x", -0.1}, {"alt1", -3.0}, {"alt2", -4.0}}};
  EXPECT_NEAR(r.self_certainty_sum, 4 * approximate_self_certainty(token, 1000), 1e-9);

  OpenAIClient unknown(f.model(server.base_url(), method));
  SegmentResult n = unknown.open(request)->segment("", limits);
  ASSERT_TRUE(n.ok()) << n.error;
  EXPECT_TRUE(n.self_certainty_approximate);
  EXPECT_TRUE(std::isnan(n.self_certainty_sum));
}

TEST(OpenAISelfCertainty, MatchesAHandComputation) {
  // V = 4, shown: a (0.5), b (0.25); the other two share 0.25: 0.125 each.
  TokenLogprob t{"a", std::log(0.5), {}, {{"a", std::log(0.5)}, {"b", std::log(0.25)}}};
  const double expected = -0.25 * (std::log(4 * 0.5) + std::log(4 * 0.25) + 2 * std::log(4 * 0.125));
  EXPECT_NEAR(approximate_self_certainty(t, 4), expected, 1e-12);
  // The sampled token outside the top list counts as shown: a .5, b .25, c .125; d .125.
  TokenLogprob c{"c", std::log(0.125), {}, {{"a", std::log(0.5)}, {"b", std::log(0.25)}}};
  EXPECT_NEAR(approximate_self_certainty(c, 4), expected, 1e-12);
  // Everything shown: exact.
  TokenLogprob all{"a", std::log(0.7), {}, {{"a", std::log(0.7)}, {"b", std::log(0.3)}}};
  EXPECT_NEAR(approximate_self_certainty(all, 2), -0.5 * (std::log(1.4) + std::log(0.6)), 1e-12);
  // A uniform distribution has self-certainty 0.
  TokenLogprob uniform{"a", std::log(0.25), {}, {{"a", std::log(0.25)}}};
  EXPECT_NEAR(approximate_self_certainty(uniform, 4), 0.0, 1e-12);
  EXPECT_TRUE(std::isnan(approximate_self_certainty(t, 0)));
  EXPECT_TRUE(std::isnan(approximate_self_certainty(t, 1)));  // more shown than the vocabulary
  EXPECT_TRUE(std::isnan(approximate_self_certainty(TokenLogprob{"a", -0.1, {}, {}}, 10)));
  // The shown mass rounding to one does not give infinity.
  TokenLogprob sure{"a", 0.0, {}, {{"a", 0.0}}};
  EXPECT_TRUE(std::isfinite(approximate_self_certainty(sure, 100)));
}

TEST(OpenAIContinuationRules, FinishStopsAndBodies) {
  EXPECT_EQ(segment_finish("length", nullptr, true, "<think>x"), "length");
  EXPECT_EQ(segment_finish("stop", "</think>", true, "x</think>"), "think_close");
  EXPECT_EQ(segment_finish("stop", "Question:", true, "<think>x"), "stop");
  EXPECT_EQ(segment_finish("stop", nullptr, true, "<think>x"), "think_close");
  EXPECT_EQ(segment_finish("stop", nullptr, true, "x"), "think_close");  // the template opened <think>
  EXPECT_EQ(segment_finish("stop", nullptr, true, "<think>x</think>y"), "stop");
  EXPECT_EQ(segment_finish("stop", 151645, true, "x</think>y"), "stop");
  EXPECT_EQ(segment_finish("stop", nullptr, false, "<think>x"), "stop");
  EXPECT_EQ(segment_finish("abort", nullptr, true, "<think>x"), "stop");
  EXPECT_TRUE(thinking_closed("a</think>b"));
  EXPECT_FALSE(thinking_closed("a</think>b<think>c"));
  EXPECT_FALSE(thinking_closed("abc"));
  SegmentLimits l;
  l.stop = {"Q:", "</think>"};
  l.stop_at_think_close = true;
  EXPECT_EQ(segment_stop_strings({"\n\n", "Q:"}, l), (std::vector<std::string>{"\n\n", "Q:", "</think>"}));

  ContinuationBase chat;
  chat.method = ContinuationMethod::kContinueFinalMessage;
  chat.messages = {{"user", "hi"}};
  ChatRequest r;
  r.params.temperature = 0.5;
  r.params.stop = {"ignored"};
  WireOptions wire;
  wire.model = "m";
  json plain = continuation_body(chat, r, wire, "", 7, {"</think>"}, true);
  EXPECT_FALSE(plain.contains("continue_final_message"));
  EXPECT_EQ(plain.at("messages").size(), 1u);
  EXPECT_EQ(plain.at("stop"), json::array({"</think>"}));
  EXPECT_EQ(plain.at("max_tokens"), 7);
  EXPECT_EQ(plain.at("temperature"), 0.5);
  EXPECT_EQ(plain.at("stream"), true);
}

TEST(OpenAIContinuationConfig, KeysDefaultsErrorsAndFingerprints) {
  Fixture f;
  const std::string chat = "name: m\nbase_url: http://h/v1\n";
  const std::string completions = chat + "endpoint: completions\n";
  EXPECT_EQ(f.read(chat).openai().continuation, ContinuationMethod::kContinueFinalMessage);
  EXPECT_EQ(f.read(completions).openai().continuation, ContinuationMethod::kCompletions);
  EXPECT_EQ(f.read(completions + "chat_template: t\n").openai().continuation, ContinuationMethod::kCompletions);
  EXPECT_EQ(f.read(completions + "chat_template: t\ncontinuation: continue_final_message\n").openai().continuation,
            ContinuationMethod::kContinueFinalMessage);
  // On endpoint: chat a template may render the prompts of completions continuations.
  const ModelSpec mixed = f.read(chat + "continuation: completions\nchat_template: t\n");
  EXPECT_EQ(mixed.openai().continuation, ContinuationMethod::kCompletions);
  EXPECT_EQ(mixed.endpoint, Endpoint::kChat);

  auto has = [](const std::string& error, const std::string& what) {
    EXPECT_NE(error.find(what), std::string::npos) << error;
  };
  std::string e = f.error_of(chat + "continuation: sideways\n");
  has(e, "models[0].continuation");
  has(e, "suite.yaml:");
  has(e, "'sideways' is not completions or continue_final_message");
  has(f.error_of(chat + "continuation: completions\n"), "needs chat_template:");
  has(f.error_of(completions + "continuation: continue_final_message\n"), "needs the conversation's messages");
  has(f.error_of("name: m\nprovider: toy\ncontinuation: completions\n"), "is for the openai provider");
  has(f.error_of(chat + "chat_template: t\n"), "endpoint: completions");
  has(f.error_of(chat + "vocab_size: 0\n"), "models[0].vocab_size");
  has(f.error_of("name: m\nprovider: toy\nbudget: nothinking\n"), "engine or openai provider");
  has(f.error_of(completions + "budget: empty_think\n"), "needs endpoint: chat or chat_template:");
  EXPECT_EQ(f.read(completions + "budget: nothinking\n").budget.kind, BudgetKind::kNoThinking);
  EXPECT_EQ(f.read(chat + "budget: empty_think\n").budget.kind, BudgetKind::kEmptyThink);
  // The policies that continue turns run over HTTP too (either method).
  EXPECT_EQ(f.read(chat + "budget: \"budget:8\"\n").budget.kind, BudgetKind::kBudget);
  EXPECT_EQ(f.read(completions + "chat_template: t\nbudget: {policy: trimr, thinking_tokens: 50}\n").budget.kind,
            BudgetKind::kTrimR);
  EXPECT_EQ(f.read(chat + "budget: {policy: parallel, n: 2, of: \"budget:8\"}\n").budget.kind, BudgetKind::kParallel);

  // Fingerprints: a model without a policy keeps its old one, whatever continuation: says; with a
  // policy the method is part of it.
  EXPECT_FALSE(f.read(chat).fingerprint_json().contains("continuation"));
  EXPECT_EQ(fingerprint(f.read(completions + "chat_template: t\n").fingerprint_json()),
            fingerprint(f.read(completions + "chat_template: t\ncontinuation: completions\n").fingerprint_json()));
  EXPECT_EQ(fingerprint(f.read(chat + "vocab_size: 5\n").fingerprint_json()), fingerprint(f.read(chat).fingerprint_json()));
  const auto a = f.read(completions + "chat_template: t\nbudget: nothinking\n").fingerprint_json();
  const auto b =
      f.read(completions + "chat_template: t\nbudget: nothinking\ncontinuation: continue_final_message\n").fingerprint_json();
  EXPECT_EQ(a["continuation"], "completions");
  EXPECT_EQ(b["continuation"], "continue_final_message");
  EXPECT_NE(fingerprint(a), fingerprint(b));
}

TEST(OpenAIContinuationConfig, OpenRefusesWhatItCannotContinue) {
  Fixture f;
  FakeOpenAIServer server(continuing_options());
  server.start();
  OpenAIClient client(f.model(server.base_url(), "completions"));
  ChatRequest many = question();
  many.n = 2;
  EXPECT_THROW(client.open(many), std::runtime_error);
  OpenAIClient chat(f.model(server.base_url(), "continue_final_message"));
  ChatRequest raw;
  raw.prompt = "2+3=";
  EXPECT_THROW(chat.open(raw), std::runtime_error);
}

}  // namespace
}  // namespace gauntlet::harness
