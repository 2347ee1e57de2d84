#pragma once
// FakeOpenAIServer: an in-process, OpenAI-compatible HTTP/1.1 server for tests, with deterministic
// answers and deterministic fault injection (429, 500, stalls, malformed bodies, connection resets,
// streams cut short). Boost.Asio/Beast stay inside the .cpp; this header only needs nlohmann/json.
//
// With "return_token_ids": true the response carries vLLM's per-choice "token_ids" and top-level
// "prompt_token_ids" (one id per whitespace-separated word, hashed).
//
// Endpoints: POST /v1/chat/completions, POST /v1/completions, GET /v1/models, GET /stats,
// POST /reset-stats; anything else is a 404 JSON error, a body that is not a JSON object a 400.
//
// The "model" answers the first integer expression `A op B` (op one of + - *) in the prompt text.
// Everything is decided by hashing the prompt key (the last user message for chat, the prompt for
// completions, plus "#seed=<seed>" when the body has a seed), never by randomness.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gauntlet::testing {

struct FakeServerOptions {
  std::uint16_t port = 0;   // 0: an ephemeral port, read it back with port()
  int threads = 2;          // io_context threads

  // Fraction (0..1) of distinct prompt keys that are faulted, chosen by hash.
  double fault_rate = 0.0;
  // How many consecutive attempts of a faulted prompt key fail before one succeeds (attempts are
  // counted per prompt key, and cleared by reset_stats()).
  int fault_attempts = 1;
  // Kinds to cycle through: "429", "500", "stall", "malformed", "reset", "stream_cut". The kind for
  // attempt i of a key is faults[(hash(key) + i) % size]. Empty means all of them.
  // "stream_cut" on a non-stream request behaves (and is counted) as "reset". "context" (only when
  // named; not in the default mix): a 400 whose message says the prompt exceeds the context.
  std::vector<std::string> faults = {"429", "500", "stall", "malformed", "reset", "stream_cut"};
  int stall_ms = 5000;      // a "stall" waits this long (on a timer), then sends a valid response
  int retry_after_s = 1;    // Retry-After header value on 429s
  int latency_ms = 0;       // timer delay before each successful response (stream: before the first byte)

  double wrong_rate = 0.0;  // fraction of prompt keys (by hash) answered result+1
  // "tags" (<think>…</think> in the content), "reasoning_content" or "reasoning" (the thinking goes
  // in that message field), "none" (no thinking at all).
  std::string reasoning_style = "tags";

  // "arithmetic": answer the first `A op B` of the prompt (above). "selfplay": answer Gauntlet's
  // self-play prompts with the scripted mix of tests/support/selfplay_script.h (other prompts as
  // "arithmetic"; wrong_rate does not apply to self-play prompts). "judge": answer Gauntlet's judge
  // prompts as tests/support/judge_script.h says (other prompts as "arithmetic").
  std::string script = "arithmetic";

  // The answer book: prompts that contain every string of a rule's `contains` (the first such rule)
  // are answered with one of its `answers`, chosen by a hash of the prompt key (so samples with
  // different seeds get different answers, and reruns the same), before any script. Lets offline
  // suites script realistic answers: code in fences, a judge's grades.
  struct BookRule {
    std::vector<std::string> contains = {};
    std::vector<std::string> answers = {};  // non-empty
    std::string thinking = "";              // the reply's thinking (reasoning_style decides where it goes)
  };
  std::vector<BookRule> book = {};

  // Continuations (the budget policies' HTTP paths). A chat request with continue_final_message: true
  // (and add_generation_prompt: false, else 400; the last message must be the assistant's) continues
  // that message; a completions prompt continues the text after the last `assistant_marker` when
  // the marker is set and text follows it. The continued turn is raw text (thinking in <think> tags,
  // whatever reasoning_style says): the rest of the full reply when the turn so far is a prefix of it;
  // else, thinking closed (or never opened), the answer; thinking open, the thinking again, "</think>"
  // and the answer; minus what the turn already ends with. So a continuation from a turn plus a prefix
  // of what it got gives the rest. Chat continuations add "#assistant=<turn>" to the prompt key.
  std::string assistant_marker = "";
  // Stop strings: applied token by token when set (the text ends before the first match, the token
  // holding it is consumed, finish_reason "stop"); otherwise the body's "stop" is ignored.
  bool apply_stop = false;
  // Each choice carries vLLM's "stop_reason": the stop string that ended it, or null.
  bool report_stop_reason = false;
  // A stream waits this long between events (so a client can abort mid-stream).
  int stream_event_delay_ms = 0;

  // 0: unlimited. Otherwise a completion request arriving while this many are already being
  // processed gets a 429 with Retry-After (counted in by_fault["429"]).
  int max_concurrent = 0;
};

class FakeOpenAIServer {
 public:
  // Throws std::invalid_argument on bad options (unknown fault kind or reasoning style, a rate
  // outside 0..1, threads < 1, negative durations or counts).
  explicit FakeOpenAIServer(FakeServerOptions options = {});
  ~FakeOpenAIServer();  // stop()s
  FakeOpenAIServer(const FakeOpenAIServer&) = delete;
  FakeOpenAIServer& operator=(const FakeOpenAIServer&) = delete;

  // Binds 127.0.0.1:options.port (boost::system::system_error, a std::runtime_error, on failure) and
  // starts the threads. No-op when running. Stats survive stop()/start().
  void start();
  // Closes the listener and every connection, joins the threads. Idempotent.
  void stop();
  bool running() const;

  std::uint16_t port() const;   // the bound port; 0 before start()
  std::string base_url() const; // "http://127.0.0.1:<port>/v1"
  const FakeServerOptions& options() const;

  // Same JSON as GET /stats:
  // {"requests":n, "by_fault":{"429":n,"500":n,"stall":n,"malformed":n,"reset":n,"stream_cut":n,
  //  "none":n}, "completed":n, "by_prompt":{"<key>":{"requests":n,"completed":n}},
  //  "max_in_flight":n, "in_flight":n, "bad_requests":n}
  nlohmann::json stats() const;
  void reset_stats();  // same as POST /reset-stats (also clears request_bodies())
  // The JSON bodies of the completion requests received (both endpoints), in arrival order.
  nlohmann::json request_bodies() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads an answer book: a JSON array of {"contains": [strings], "answers": [strings, at least one],
// "thinking": string (optional)}.
// Throws std::invalid_argument naming the file and the rule.
std::vector<FakeServerOptions::BookRule> load_answer_book(const std::string& path);

// Options for a server that fails every attempt of every prompt with `fault` (e.g. "500",
// "context"), answering the rest of its settings as `script` would.
FakeServerOptions always_failing_options(const std::string& fault, const std::string& script = "arithmetic");

// Pure helpers the server uses, exposed so tests can compute what it will do.

// The result of the first `A op B` in text (integers, op one of + - *), or nullopt.
std::optional<long long> solve_first_expression(std::string_view text);
// The prompt key of a request body (see above); nullopt when the body has no usable prompt.
std::optional<std::string> fake_prompt_key(const nlohmann::json& body, bool chat);
// Whether a prompt key is among the fault_rate / wrong_rate fraction chosen by hash.
bool fake_key_is_faulted(std::string_view prompt_key, double fault_rate);
// The hashes behind those choices: 64 bits, and uniform in [0, 1), of a key under a salt.
std::uint64_t fake_hash(std::string_view key, std::string_view salt);
double fake_unit_hash(std::string_view key, std::string_view salt);
bool fake_key_is_wrong(std::string_view prompt_key, double wrong_rate);

}  // namespace gauntlet::testing
