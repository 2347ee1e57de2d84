#include "tests/support/fake_openai_server.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "tests/support/judge_script.h"
#include "tests/support/selfplay_script.h"

namespace gauntlet::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;

constexpr std::uint64_t kBodyLimit = 64ULL * 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr const char* kServerName = "gauntlet-fake-openai";
constexpr const char* kDefaultModel = "fake-model";
const std::vector<std::string> kAllFaults = {"429", "500", "stall", "malformed", "reset", "stream_cut"};
// Kinds that may be named but are not in the default mix: "context" (a 400 saying the prompt exceeds
// the model's context, as vLLM words it; not retryable).
const std::vector<std::string> kOptInFaults = {"context"};

// ---------------------------------------------------------------------------------------------
// Hashing: FNV-1a with a splitmix64 finaliser, stable across platforms and runs.

std::uint64_t fnv1a(std::string_view text, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t salted_hash(std::string_view key, std::string_view salt) {
  return mix(fnv1a(key, fnv1a(salt)));
}

// Uniform in [0, 1).
double unit_hash(std::string_view key, std::string_view salt) {
  return static_cast<double>(salted_hash(key, salt) >> 11) * 0x1.0p-53;
}

// ---------------------------------------------------------------------------------------------
// Text helpers.

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_word_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
}

// Pieces are "leading whitespace + one word", so concatenating them gives the text back (trailing
// whitespace joins the last piece). Their count is the word count.
std::vector<std::string> split_pieces(std::string_view text) {
  std::vector<std::string> pieces;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) {
      if (!pieces.empty()) pieces.back().append(text.substr(start));
      break;
    }
    while (i < text.size() && !is_space(text[i])) ++i;
    pieces.emplace_back(text.substr(start, i - start));
  }
  return pieces;
}

std::size_t count_words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    if (is_space(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

std::string join(const std::vector<std::string>& pieces) {
  std::string out;
  for (const auto& p : pieces) out += p;
  return out;
}

struct Expression {
  long long a = 0;
  char op = '+';
  long long b = 0;
  long long result = 0;
};

// Parses [-]digits at text[pos]; returns the characters consumed (0: none, or overflow).
std::size_t parse_integer(std::string_view text, std::size_t pos, long long& out) {
  std::size_t i = pos;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  const std::size_t digits_start = i;
  long long value = 0;
  while (i < text.size() && is_digit(text[i])) {
    if (__builtin_mul_overflow(value, 10LL, &value) || __builtin_add_overflow(value, text[i] - '0', &value)) {
      return 0;
    }
    ++i;
  }
  if (i == digits_start) return 0;
  out = negative ? -value : value;
  return i - pos;
}

std::optional<Expression> find_first_expression(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (!is_digit(text[pos]) || (pos > 0 && is_word_char(text[pos - 1]))) continue;
    // A leading minus belongs to A unless it follows a word (then it is a binary minus).
    std::size_t start = pos;
    if (pos > 0 && text[pos - 1] == '-' && (pos == 1 || !is_word_char(text[pos - 2]))) start = pos - 1;
    Expression e;
    std::size_t i = start;
    const std::size_t a_len = parse_integer(text, i, e.a);
    if (a_len == 0) continue;
    i += a_len;
    if (i < text.size() && text[i] == '.') continue;  // a decimal, not an integer
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size() || (text[i] != '+' && text[i] != '-' && text[i] != '*')) continue;
    e.op = text[i++];
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t b_len = parse_integer(text, i, e.b);
    if (b_len == 0) continue;
    i += b_len;
    if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) continue;
    bool overflow = false;
    switch (e.op) {
      case '+': overflow = __builtin_add_overflow(e.a, e.b, &e.result); break;
      case '-': overflow = __builtin_sub_overflow(e.a, e.b, &e.result); break;
      default: overflow = __builtin_mul_overflow(e.a, e.b, &e.result); break;
    }
    if (overflow) continue;
    return e;
  }
  return std::nullopt;
}

std::string message_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (!part.is_object()) continue;
      const auto type = part.find("type");
      const auto text = part.find("text");
      if (type == part.end() || *type != "text" || text == part.end() || !text->is_string()) continue;
      if (!out.empty()) out += "\n";
      out += text->get<std::string>();
    }
  }
  return out;
}

struct PromptInfo {
  std::string text;         // where the expression is looked for
  std::string key;          // text + "#seed=<seed>"
  std::size_t words = 0;    // prompt_tokens
  // A continuation: the assistant turn so far, which the model continues (chat: the final assistant
  // message under continue_final_message; completions: the prompt after the last assistant_marker).
  bool continuing = false;
  std::string assistant;
};

std::optional<PromptInfo> extract_prompt(const json& body, bool chat) {
  if (!body.is_object()) return std::nullopt;
  PromptInfo info;
  if (chat) {
    const auto messages = body.find("messages");
    if (messages == body.end() || !messages->is_array() || messages->empty()) return std::nullopt;
    for (const auto& message : *messages) {
      if (!message.is_object()) return std::nullopt;
      const auto content = message.find("content");
      const std::string text = content == message.end() ? std::string() : message_text(*content);
      info.words += count_words(text);
      const auto role = message.find("role");
      if (role != message.end() && *role == "user") info.text = text;
    }
    const auto cfm = body.find("continue_final_message");
    if (cfm != body.end() && cfm->is_boolean() && cfm->get<bool>()) {
      const auto& last = messages->back();
      const auto content = last.find("content");
      info.continuing = true;
      info.assistant = content == last.end() ? std::string() : message_text(*content);
    }
  } else {
    const auto prompt = body.find("prompt");
    if (prompt == body.end()) return std::nullopt;
    if (prompt->is_string()) {
      info.text = prompt->get<std::string>();
    } else if (prompt->is_array() && !prompt->empty() && prompt->front().is_string()) {
      info.text = prompt->front().get<std::string>();
    } else {
      return std::nullopt;
    }
    info.words = count_words(info.text);
  }
  info.key = info.text;
  if (chat && info.continuing) info.key += "#assistant=" + info.assistant;
  const auto seed = body.find("seed");
  if (seed != body.end() && !seed->is_null()) {
    info.key += "#seed=" + (seed->is_string() ? seed->get<std::string>() : seed->dump());
  }
  return info;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string error_body(const std::string& message, const std::string& type, const json& code) {
  return dump({{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}});
}

// ---------------------------------------------------------------------------------------------
// Options.

enum class ReasoningStyle { kTags, kReasoningContent, kReasoning, kNone };

std::optional<ReasoningStyle> parse_reasoning_style(std::string_view s) {
  if (s == "tags") return ReasoningStyle::kTags;
  if (s == "reasoning_content") return ReasoningStyle::kReasoningContent;
  if (s == "reasoning") return ReasoningStyle::kReasoning;
  if (s == "none") return ReasoningStyle::kNone;
  return std::nullopt;
}

void validate(const FakeServerOptions& o) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("FakeOpenAIServer: " + what); };
  if (o.threads < 1) fail("threads must be >= 1");
  if (!(o.fault_rate >= 0.0 && o.fault_rate <= 1.0)) fail("fault_rate must be within 0..1");
  if (!(o.wrong_rate >= 0.0 && o.wrong_rate <= 1.0)) fail("wrong_rate must be within 0..1");
  if (o.fault_attempts < 0) fail("fault_attempts must be >= 0");
  if (o.stall_ms < 0 || o.latency_ms < 0 || o.retry_after_s < 0 || o.stream_event_delay_ms < 0) fail("durations must be >= 0");
  if (o.max_concurrent < 0) fail("max_concurrent must be >= 0");
  for (const auto& f : o.faults) {
    if (std::find(kAllFaults.begin(), kAllFaults.end(), f) == kAllFaults.end() &&
        std::find(kOptInFaults.begin(), kOptInFaults.end(), f) == kOptInFaults.end()) {
      fail("unknown fault kind '" + f + "' (known: 429, 500, stall, malformed, reset, stream_cut, context)");
    }
  }
  if (o.script != "arithmetic" && o.script != "selfplay" && o.script != "judge") {
    fail("unknown script '" + o.script + "' (known: arithmetic, selfplay, judge)");
  }
  if (!parse_reasoning_style(o.reasoning_style)) {
    fail("unknown reasoning_style '" + o.reasoning_style + "' (known: tags, reasoning_content, reasoning, none)");
  }
  for (std::size_t i = 0; i < o.book.size(); ++i)
    if (o.book[i].answers.empty()) fail("book rule " + std::to_string(i) + " has no answers");
}

// ---------------------------------------------------------------------------------------------
// The model.

struct RequestContext {
  bool chat = true;
  bool stream = false;
  bool include_usage = false;
  bool logprobs = false;
  int top_logprobs = 0;
  bool token_ids = false;
  int n = 1;
  std::optional<long long> max_tokens;
  std::vector<std::string> stop;  // the body's stop strings (applied when options.apply_stop)
  bool stop_reason = false;       // options.report_stop_reason
  std::string model = kDefaultModel;
  std::string id;
  long long created = 0;
  PromptInfo prompt;
};

RequestContext make_context(const json& body, bool chat, PromptInfo prompt, std::uint64_t serial) {
  RequestContext ctx;
  ctx.chat = chat;
  ctx.prompt = std::move(prompt);
  auto flag = [&](const char* name) {
    const auto it = body.find(name);
    return it != body.end() && it->is_boolean() && it->get<bool>();
  };
  auto integer = [&](const char* name) -> std::optional<long long> {
    const auto it = body.find(name);
    if (it == body.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<long long>();
  };
  ctx.stream = flag("stream");
  if (const auto so = body.find("stream_options"); so != body.end() && so->is_object()) {
    const auto iu = so->find("include_usage");
    ctx.include_usage = iu != so->end() && iu->is_boolean() && iu->get<bool>();
  }
  if (chat) {
    ctx.logprobs = flag("logprobs");
    ctx.top_logprobs = static_cast<int>(std::clamp(integer("top_logprobs").value_or(0), 0LL, 20LL));
  } else if (const auto lp = integer("logprobs")) {  // legacy: logprobs is the top-k count
    ctx.logprobs = true;
    ctx.top_logprobs = static_cast<int>(std::clamp(*lp, 0LL, 20LL));
  } else {
    ctx.logprobs = flag("logprobs");
  }
  ctx.token_ids = flag("return_token_ids");
  if (const auto stop = body.find("stop"); stop != body.end()) {
    if (stop->is_string() && !stop->get<std::string>().empty()) ctx.stop.push_back(stop->get<std::string>());
    if (stop->is_array())
      for (const auto& s : *stop)
        if (s.is_string() && !s.get<std::string>().empty()) ctx.stop.push_back(s.get<std::string>());
  }
  ctx.n = static_cast<int>(std::clamp(integer("n").value_or(1), 1LL, 16LL));
  ctx.max_tokens = integer("max_completion_tokens");
  if (!ctx.max_tokens) ctx.max_tokens = integer("max_tokens");
  if (ctx.max_tokens && *ctx.max_tokens < 0) ctx.max_tokens.reset();
  if (const auto m = body.find("model"); m != body.end() && m->is_string() && !m->get<std::string>().empty()) {
    ctx.model = m->get<std::string>();
  }
  ctx.id = fmt::format("{}-fake{:x}{:04x}", chat ? "chatcmpl" : "cmpl", salted_hash(ctx.prompt.key, "id") >> 32,
                       serial & 0xffff);
  ctx.created = static_cast<long long>(std::time(nullptr));
  return ctx;
}

struct Generation {
  std::string content;
  std::string reasoning;               // only for a separate reasoning field
  const char* reasoning_field = nullptr;
  std::vector<std::string> pieces;     // content tokens (after truncation)
  std::vector<std::string> reasoning_pieces;
  std::string finish_reason = "stop";
  json stop_reason = nullptr;          // the stop string that ended it (vLLM's stop_reason), else null
  long long prompt_tokens = 0;
  long long completion_tokens = 0;
  long long reasoning_tokens = 0;
};

// The answer of the first book rule whose strings all occur in the prompt, or nullopt.
std::optional<ScriptedReply> book_reply(const std::vector<FakeServerOptions::BookRule>& book, const PromptInfo& prompt) {
  for (const auto& rule : book) {
    bool all = true;
    for (const auto& needle : rule.contains) all = all && prompt.text.find(needle) != std::string::npos;
    if (!all || rule.answers.empty()) continue;
    return ScriptedReply{rule.thinking, rule.answers[salted_hash(prompt.key, "book") % rule.answers.size()]};
  }
  return std::nullopt;
}

// Whether the last <think> of an assistant text is still open (no </think> after it).
bool think_open(std::string_view text) {
  const std::size_t open = text.rfind("<think>");
  if (open == std::string_view::npos) return false;
  const std::size_t close = text.rfind("</think>");
  return close == std::string_view::npos || close < open;
}

// The longest j such that `text` ends with the first j characters of `target`.
std::size_t overlap(std::string_view text, std::string_view target) {
  for (std::size_t j = std::min(text.size(), target.size()); j > 0; --j)
    if (text.substr(text.size() - j) == target.substr(0, j)) return j;
  return 0;
}

// What the model writes after the assistant turn so far (`so_far`): the rest of its full reply when
// so_far is a prefix of it; otherwise, with thinking closed (or never opened), the answer, and with
// thinking open, the thinking again, its close and the answer; in both cases minus whatever so_far
// already ends with. So a continuation from so_far + a prefix of the reply gives the rest of the reply.
std::string continue_turn(const std::string& thinking, const std::string& answer, const std::string& so_far) {
  const std::string full = thinking.empty() ? answer : "<think>\n" + thinking + "\n</think>\n\n" + answer;
  if (so_far.size() <= full.size() && full.compare(0, so_far.size(), so_far) == 0) return full.substr(so_far.size());
  const std::string target = think_open(so_far) ? "\n" + thinking + "\n</think>\n\n" + answer : answer;
  return target.substr(overlap(so_far, target));
}

Generation generate(const RequestContext& ctx, ReasoningStyle style, const FakeServerOptions& o) {
  const double wrong_rate = o.wrong_rate;
  Generation g;
  g.prompt_tokens = static_cast<long long>(ctx.prompt.words);
  std::string thinking;
  std::string answer = "I don't know.";
  std::optional<ScriptedReply> scripted = book_reply(o.book, ctx.prompt);
  if (!scripted && o.script == "selfplay") scripted = selfplay_reply(ctx.prompt.text, ctx.prompt.key);
  if (!scripted && o.script == "judge") scripted = judge_reply(ctx.prompt.text, ctx.prompt.key);
  if (scripted) {
    thinking = scripted->thinking;
    answer = scripted->answer;
  } else if (const auto e = find_first_expression(ctx.prompt.text)) {
    long long value = e->result;
    if (fake_key_is_wrong(ctx.prompt.key, wrong_rate) && __builtin_add_overflow(value, 1LL, &value)) value -= 1;
    thinking = fmt::format("working out {} {} {}", e->a, e->op, e->b);
    answer = fmt::format("The answer is \\boxed{{{}}}", value);
  }
  const long long thinking_words = static_cast<long long>(count_words(thinking));
  long long reasoning_in_content = 0;  // thinking words inside the content (tags style)
  if (ctx.prompt.continuing) {
    g.content = continue_turn(thinking, answer, ctx.prompt.assistant);  // raw text, thinking in tags
  } else if (thinking.empty() || style == ReasoningStyle::kNone) {
    g.content = answer;
  } else if (style == ReasoningStyle::kTags) {
    g.content = "<think>\n" + thinking + "\n</think>\n\n" + answer;
    reasoning_in_content = thinking_words;
  } else if (ctx.chat) {
    g.content = answer;
    g.reasoning = thinking;
    g.reasoning_field = style == ReasoningStyle::kReasoningContent ? "reasoning_content" : "reasoning";
    g.reasoning_pieces = split_pieces(thinking);
    g.reasoning_tokens = thinking_words;
  } else {
    g.content = answer;  // the completions endpoint has no reasoning field
  }
  g.pieces = split_pieces(g.content);
  if (o.apply_stop && !ctx.stop.empty()) {
    // Token by token: max_tokens first, then the earliest stop string in the text so far; the text
    // ends before it, the token holding it is consumed.
    std::string text;
    for (std::size_t i = 0; i < g.pieces.size(); ++i) {
      if (ctx.max_tokens && static_cast<long long>(i) >= *ctx.max_tokens) break;
      const std::size_t start = text.size();
      text += g.pieces[i];
      std::size_t best = std::string::npos;
      std::string which;
      for (const auto& stop : ctx.stop) {
        const std::size_t at = text.find(stop);
        if (at < best) {
          best = at;
          which = stop;
        }
      }
      if (best == std::string::npos) continue;
      g.pieces[i] = best > start ? text.substr(start, best - start) : std::string();
      g.pieces.resize(i + 1);
      g.content = join(g.pieces);
      g.stop_reason = which;
      if (style == ReasoningStyle::kTags && !ctx.prompt.continuing)
        reasoning_in_content = std::clamp(static_cast<long long>(i) - 1, 0LL, reasoning_in_content);
      break;
    }
  }
  if (ctx.max_tokens && static_cast<long long>(g.pieces.size()) > *ctx.max_tokens) {
    g.pieces.resize(static_cast<std::size_t>(*ctx.max_tokens));
    g.content = join(g.pieces);
    g.finish_reason = "length";
    // "<think>" is the first piece; the thinking words follow it.
    reasoning_in_content = std::clamp(*ctx.max_tokens - 1, 0LL, reasoning_in_content);
  }
  if (style == ReasoningStyle::kTags) g.reasoning_tokens = reasoning_in_content;
  g.completion_tokens = static_cast<long long>(g.pieces.size());
  return g;
}

json bytes_of(std::string_view s) {
  json out = json::array();
  for (unsigned char c : s) out.push_back(static_cast<int>(c));
  return out;
}

int token_id(std::string_view token) { return static_cast<int>(salted_hash(token, "token") % 1000); }

std::string alternative(int k) { return fmt::format("alt{}", k); }
double alternative_logprob(int k) { return -2.0 - k; }

json chat_logprob(const std::string& token, int top) {
  json tops = json::array();
  for (int k = 0; k < top; ++k) {
    const std::string t = k == 0 ? token : alternative(k);
    tops.push_back({{"token", t}, {"logprob", k == 0 ? -0.1 : alternative_logprob(k)}, {"bytes", bytes_of(t)}});
  }
  return {{"token", token}, {"logprob", -0.1}, {"bytes", bytes_of(token)}, {"top_logprobs", std::move(tops)}};
}

json legacy_logprobs(const std::vector<std::string>& pieces, int top, std::size_t offset) {
  json tokens = json::array(), token_logprobs = json::array(), top_logprobs = json::array(),
       text_offset = json::array();
  for (const auto& p : pieces) {
    tokens.push_back(p);
    token_logprobs.push_back(-0.1);
    json t = json::object();
    for (int k = 0; k < top; ++k) t[k == 0 ? p : alternative(k)] = k == 0 ? -0.1 : alternative_logprob(k);
    top_logprobs.push_back(std::move(t));
    text_offset.push_back(offset);
    offset += p.size();
  }
  return {{"tokens", std::move(tokens)}, {"token_logprobs", std::move(token_logprobs)},
          {"top_logprobs", std::move(top_logprobs)}, {"text_offset", std::move(text_offset)}};
}

json token_ids_of(const std::vector<std::string>& pieces) {
  json ids = json::array();
  for (const auto& p : pieces) ids.push_back(token_id(p));
  return ids;
}

json usage_json(const Generation& g, int n) {
  const long long completion = g.completion_tokens * n;
  return {{"prompt_tokens", g.prompt_tokens},
          {"completion_tokens", completion},
          {"total_tokens", g.prompt_tokens + completion},
          {"prompt_tokens_details", {{"cached_tokens", 0}}},
          {"completion_tokens_details", {{"reasoning_tokens", g.reasoning_tokens * n}}}};
}

std::string render_response(const RequestContext& ctx, const Generation& g) {
  json choices = json::array();
  for (int i = 0; i < ctx.n; ++i) {
    json choice = {{"index", i}};
    if (ctx.chat) {
      json message = {{"role", "assistant"}, {"content", g.content}};
      if (g.reasoning_field) message[g.reasoning_field] = g.reasoning;
      choice["message"] = std::move(message);
      if (ctx.logprobs) {
        json content = json::array();
        for (const auto& p : g.pieces) content.push_back(chat_logprob(p, ctx.top_logprobs));
        choice["logprobs"] = {{"content", std::move(content)}};
      } else {
        choice["logprobs"] = nullptr;
      }
    } else {
      choice["text"] = g.content;
      choice["logprobs"] = ctx.logprobs ? legacy_logprobs(g.pieces, ctx.top_logprobs, 0) : json(nullptr);
    }
    choice["finish_reason"] = g.finish_reason;
    if (ctx.stop_reason) choice["stop_reason"] = g.stop_reason;
    if (ctx.token_ids) choice["token_ids"] = token_ids_of(g.pieces);
    choices.push_back(std::move(choice));
  }
  json response = {{"id", ctx.id},
                   {"object", ctx.chat ? "chat.completion" : "text_completion"},
                   {"created", ctx.created},
                   {"model", ctx.model},
                   {"choices", std::move(choices)},
                   {"usage", usage_json(g, ctx.n)}};
  if (ctx.token_ids) response["prompt_token_ids"] = token_ids_of(split_pieces(ctx.prompt.text));
  return dump(response);
}

// The JSON payloads of the SSE events, without "data: " and without [DONE].
std::vector<std::string> render_stream(const RequestContext& ctx, const Generation& g) {
  std::vector<std::string> events;
  auto add = [&](json choice) {
    json chunk = {{"id", ctx.id},
                  {"object", ctx.chat ? "chat.completion.chunk" : "text_completion"},
                  {"created", ctx.created},
                  {"model", ctx.model},
                  {"choices", json::array({std::move(choice)})}};
    if (ctx.include_usage) chunk["usage"] = nullptr;
    if (ctx.token_ids && events.empty()) chunk["prompt_token_ids"] = token_ids_of(split_pieces(ctx.prompt.text));
    events.push_back(dump(chunk));
  };
  for (int i = 0; i < ctx.n; ++i) {
    if (ctx.chat) {
      add({{"index", i}, {"delta", {{"role", "assistant"}, {"content", ""}}}, {"logprobs", nullptr},
           {"finish_reason", nullptr}});
      if (g.reasoning_field) {
        for (const auto& p : g.reasoning_pieces) {
          add({{"index", i}, {"delta", {{g.reasoning_field, p}}}, {"logprobs", nullptr}, {"finish_reason", nullptr}});
        }
      }
    }
    std::size_t offset = 0;
    for (const auto& p : g.pieces) {
      json choice = {{"index", i}};
      if (ctx.chat) {
        choice["delta"] = {{"content", p}};
        choice["logprobs"] = ctx.logprobs ? json{{"content", json::array({chat_logprob(p, ctx.top_logprobs)})}}
                                          : json(nullptr);
      } else {
        choice["text"] = p;
        choice["logprobs"] = ctx.logprobs ? legacy_logprobs({p}, ctx.top_logprobs, offset) : json(nullptr);
      }
      choice["finish_reason"] = nullptr;
      if (ctx.token_ids) choice["token_ids"] = json::array({token_id(p)});
      add(std::move(choice));
      offset += p.size();
    }
    json last = ctx.chat ? json{{"index", i}, {"delta", json::object()}, {"logprobs", nullptr}, {"finish_reason", g.finish_reason}}
                         : json{{"index", i}, {"text", ""}, {"logprobs", nullptr}, {"finish_reason", g.finish_reason}};
    if (ctx.stop_reason) last["stop_reason"] = g.stop_reason;
    add(std::move(last));
  }
  if (ctx.include_usage) {
    events.push_back(dump({{"id", ctx.id},
                           {"object", ctx.chat ? "chat.completion.chunk" : "text_completion"},
                           {"created", ctx.created},
                           {"model", ctx.model},
                           {"choices", json::array()},
                           {"usage", usage_json(g, ctx.n)}}));
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Shared state: options and statistics.

struct PromptStats {
  long long requests = 0;
  long long completed = 0;
  long long attempts = 0;  // attempts that reached the fault decision (not concurrency-rejected)
};

class ServerState {
 public:
  explicit ServerState(FakeServerOptions options)
      : options_(std::move(options)),
        faults_(options_.faults.empty() ? kAllFaults : options_.faults),
        style_(parse_reasoning_style(options_.reasoning_style).value_or(ReasoningStyle::kTags)) {
    clear_locked();
  }

  const FakeServerOptions& options() const { return options_; }
  ReasoningStyle style() const { return style_; }
  std::uint64_t next_serial() { return serial_.fetch_add(1, std::memory_order_relaxed); }

  // A completion request arrived; returns the number in flight including it.
  int enter() {
    const int now = in_flight_.fetch_add(1) + 1;
    int seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    return now;
  }
  void leave() { in_flight_.fetch_sub(1); }

  void count_bad_request() {
    std::lock_guard lock(mu_);
    ++requests_;
    ++bad_requests_;
  }

  // Counts the request and decides its fate: "" (serve it), "concurrency" (over max_concurrent)
  // or a fault kind ("stream_cut" already mapped to "reset" for non-stream requests).
  std::string admit(const std::string& key, int in_flight_now, bool stream) {
    std::lock_guard lock(mu_);
    ++requests_;
    auto& prompt = by_prompt_[key];
    ++prompt.requests;
    if (options_.max_concurrent > 0 && in_flight_now > options_.max_concurrent) {
      ++by_fault_["429"];
      return "concurrency";
    }
    const long long attempt = prompt.attempts++;
    std::string fault;
    if (attempt < options_.fault_attempts && fake_key_is_faulted(key, options_.fault_rate)) {
      const std::uint64_t h = salted_hash(key, "kind") + static_cast<std::uint64_t>(attempt);
      fault = faults_[h % faults_.size()];
      if (fault == "stream_cut" && !stream) fault = "reset";
    }
    ++by_fault_[fault.empty() ? "none" : fault];
    return fault;
  }

  void log_request(const json& body) {
    std::lock_guard lock(mu_);
    bodies_.push_back(body);
  }
  json bodies() const {
    std::lock_guard lock(mu_);
    return bodies_;
  }

  void count_completed(const std::string& key) {
    std::lock_guard lock(mu_);
    ++completed_;
    ++by_prompt_[key].completed;
  }

  json stats() const {
    std::lock_guard lock(mu_);
    json by_prompt = json::object();
    for (const auto& [key, s] : by_prompt_) by_prompt[key] = {{"requests", s.requests}, {"completed", s.completed}};
    return {{"requests", requests_},
            {"by_fault", by_fault_},
            {"completed", completed_},
            {"by_prompt", std::move(by_prompt)},
            {"max_in_flight", max_in_flight_.load()},
            {"in_flight", in_flight_.load()},
            {"bad_requests", bad_requests_}};
  }

  void reset() {
    std::lock_guard lock(mu_);
    clear_locked();
  }

 private:
  void clear_locked() {
    requests_ = completed_ = bad_requests_ = 0;
    by_fault_.clear();
    for (const auto& f : kAllFaults) by_fault_[f] = 0;
    by_fault_["none"] = 0;
    by_prompt_.clear();
    bodies_ = json::array();
    max_in_flight_ = in_flight_.load();
  }

  const FakeServerOptions options_;
  const std::vector<std::string> faults_;
  const ReasoningStyle style_;
  std::atomic<std::uint64_t> serial_{1};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  mutable std::mutex mu_;
  long long requests_ = 0;
  long long completed_ = 0;
  long long bad_requests_ = 0;
  std::map<std::string, long long> by_fault_;
  std::map<std::string, PromptStats> by_prompt_;
  json bodies_ = json::array();
};

// ---------------------------------------------------------------------------------------------
// One connection. Everything runs on the socket's strand; requests are handled one at a time
// (HTTP/1.1 keep-alive, no pipelining).

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ServerState> state)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), state_(std::move(state)) {}
  ~Session() { leave(); }

  void start() { net::dispatch(socket_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this())); }

 private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read_header(socket_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return close_socket();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code wec, std::size_t) {
                         if (wec) return self->close_socket();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(socket_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      version_ = parser_->get().version();
      return send(http::status::payload_too_large, error_body("request body too large", "invalid_request_error", nullptr));
    }
    if (ec) return close_socket();
    handle_request();
  }

  void handle_request() {
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    std::string_view target(req.target().data(), req.target().size());
    if (const auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    const auto method = req.method();
    if (method == http::verb::post && target == "/v1/chat/completions") return handle_completion(true);
    if (method == http::verb::post && target == "/v1/completions") return handle_completion(false);
    if (method == http::verb::get && target == "/v1/models") {
      return send(http::status::ok,
                  dump({{"object", "list"},
                        {"data", json::array({{{"id", kDefaultModel}, {"object", "model"}, {"created", 0},
                                               {"owned_by", "gauntlet"}}})}}));
    }
    if (method == http::verb::get && target == "/stats") return send(http::status::ok, dump(state_->stats()));
    if (method == http::verb::post && target == "/reset-stats") {
      state_->reset();
      return send(http::status::ok, dump({{"ok", true}}));
    }
    const std::string_view method_name(req.method_string().data(), req.method_string().size());
    send(http::status::not_found,
         error_body(fmt::format("no route for {} {}", method_name, target), "invalid_request_error", "not_found"));
  }

  void handle_completion(bool chat) {
    const int in_flight_now = enter();
    const json body = json::parse(parser_->get().body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      state_->count_bad_request();
      return send(http::status::bad_request,
                  error_body("the request body is not a valid JSON object", "invalid_request_error", nullptr));
    }
    auto prompt = extract_prompt(body, chat);
    if (!prompt) {
      state_->count_bad_request();
      return send(http::status::bad_request,
                  error_body(chat ? "'messages' must be a non-empty array of message objects"
                                  : "'prompt' must be a string or an array of strings",
                             "invalid_request_error", nullptr));
    }
    const auto& opts = state_->options();
    if (chat && prompt->continuing) {
      // vLLM's contract: the final message is the assistant's, and no generation prompt follows it.
      const auto agp = body.find("add_generation_prompt");
      std::string problem;
      if (agp == body.end() || !agp->is_boolean() || agp->get<bool>())
        problem = "continue_final_message needs add_generation_prompt: false";
      else if (body["messages"].back().value("role", "") != "assistant")
        problem = "continue_final_message needs the last message to be the assistant's";
      if (!problem.empty()) {
        state_->count_bad_request();
        return send(http::status::bad_request, error_body(problem, "invalid_request_error", nullptr));
      }
    }
    if (!chat && !opts.assistant_marker.empty()) {
      const std::size_t at = prompt->text.rfind(opts.assistant_marker);
      if (at != std::string::npos && at + opts.assistant_marker.size() < prompt->text.size()) {
        prompt->continuing = true;
        prompt->assistant = prompt->text.substr(at + opts.assistant_marker.size());
      }
    }
    state_->log_request(body);
    ctx_ = make_context(body, chat, std::move(*prompt), state_->next_serial());
    ctx_.stop_reason = opts.report_stop_reason;
    const std::string fault = state_->admit(ctx_.prompt.key, in_flight_now, ctx_.stream);
    const auto& options = state_->options();
    if (fault == "concurrency") {
      return send(http::status::too_many_requests,
                  error_body(fmt::format("too many concurrent requests (limit {})", options.max_concurrent),
                             "rate_limit_error", "rate_limit_exceeded"),
                  options.retry_after_s);
    }
    if (fault == "429") {
      return send(http::status::too_many_requests,
                  error_body("rate limit reached (injected fault)", "rate_limit_error", "rate_limit_exceeded"),
                  options.retry_after_s);
    }
    if (fault == "context") {
      return send(http::status::bad_request,
                  error_body("This model's maximum context length is 4096 tokens. However, you requested 5000 tokens "
                             "(4000 in the messages, 1000 in the completion). Please reduce the length of the messages "
                             "or completion. (injected fault)",
                             "invalid_request_error", "context_length_exceeded"));
    }
    if (fault == "500") {
      return send(http::status::internal_server_error,
                  error_body("internal server error (injected fault)", "server_error", nullptr));
    }
    if (fault == "reset") return reset_socket();
    if (fault == "malformed") {
      if (ctx_.stream) {
        return send_stream({fmt::format(R"({{"id":"{}","object":"chat.completion.chunk","choices":[{{"index":0,"delta":{{"content":"The ans)",
                                        ctx_.id)},
                           /*cut=*/false, /*valid=*/false);
      }
      std::string valid = render_response(ctx_, generation());
      valid.resize(valid.size() / 2);
      return send(http::status::ok, std::move(valid));
    }
    if (fault == "stall") return after(options.stall_ms, [this] { respond(); });
    if (fault == "stream_cut") {
      return after(options.latency_ms, [this] {
        send_stream(render_stream(ctx_, generation()),
                    /*cut=*/true, /*valid=*/false);
      });
    }
    after(options.latency_ms, [this] { respond(); });
  }

  Generation generation() const {
    const auto& o = state_->options();
    return generate(ctx_, state_->style(), o);
  }

  // A successful response.
  void respond() {
    const Generation g = generation();
    if (ctx_.stream) return send_stream(render_stream(ctx_, g), /*cut=*/false, /*valid=*/true);
    std::string body = render_response(ctx_, g);
    state_->count_completed(ctx_.prompt.key);
    send(http::status::ok, std::move(body));
  }

  // Runs fn on the strand after ms milliseconds (a timer; no thread blocks).
  void after(int ms, std::function<void()> fn) {
    if (ms <= 0) return fn();
    timer_.expires_after(std::chrono::milliseconds(ms));
    timer_.async_wait([self = shared_from_this(), fn = std::move(fn)](beast::error_code ec) {
      if (!ec) fn();
    });
  }

  void send(http::status status, std::string body, int retry_after_s = -1) {
    auto res = std::make_shared<http::response<http::string_body>>(status, version_);
    res->set(http::field::server, kServerName);
    res->set(http::field::content_type, "application/json");
    if (retry_after_s >= 0) res->set(http::field::retry_after, std::to_string(retry_after_s));
    res->keep_alive(keep_alive_);
    res->body() = std::move(body);
    res->prepare_payload();
    leave();  // done before the last byte leaves, so a client's next request never overlaps it
    response_ = res;
    http::async_write(socket_, *res, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->response_.reset();
      self->after_response(ec);
    });
  }

  // An SSE response, written event by event. cut: stop halfway and close (no [DONE]).
  void send_stream(const std::vector<std::string>& events, bool cut, bool valid) {
    const bool chunked = version_ >= 11;
    if (!chunked) keep_alive_ = false;
    writes_.clear();
    writes_.push_back(fmt::format(
        "HTTP/{}.{} 200 OK\r\nServer: {}\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n{}"
        "Connection: {}\r\n\r\n",
        version_ / 10, version_ % 10, kServerName, chunked ? "Transfer-Encoding: chunked\r\n" : "",
        keep_alive_ ? "keep-alive" : "close"));
    auto frame = [chunked](const std::string& data) {
      return chunked ? fmt::format("{:x}\r\n{}\r\n", data.size(), data) : data;
    };
    const std::size_t count = cut ? std::max<std::size_t>(1, events.size() / 2) : events.size();
    for (std::size_t i = 0; i < count && i < events.size(); ++i) writes_.push_back(frame("data: " + events[i] + "\n\n"));
    if (!cut) writes_.push_back(frame("data: [DONE]\n\n") + (chunked ? "0\r\n\r\n" : ""));
    stream_cut_ = cut;
    stream_valid_ = valid;
    next_write_ = 0;
    write_next();
  }

  void write_next() {
    if (next_write_ + 1 == writes_.size()) {  // the last write
      if (stream_valid_) state_->count_completed(ctx_.prompt.key);
      leave();
    }
    net::async_write(socket_, net::buffer(writes_[next_write_]),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close_socket();
                       if (++self->next_write_ < self->writes_.size()) {
                         const int delay = self->state_->options().stream_event_delay_ms;
                         // The header goes out at once; each event after the first waits.
                         if (delay > 0 && self->next_write_ > 1) return self->after(delay, [self] { self->write_next(); });
                         return self->write_next();
                       }
                       self->writes_.clear();
                       if (self->stream_cut_) return self->close_socket();
                       self->after_response(ec);
                     });
  }

  void after_response(beast::error_code ec) {
    if (ec) return close_socket();
    if (!keep_alive_) {
      beast::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
      return close_socket();
    }
    do_read();
  }

  void close_socket() {
    leave();
    beast::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

  // Abortive close: SO_LINGER 0 makes close() send a RST, so the client sees a reset.
  void reset_socket() {
    leave();
    beast::error_code ignored;
    socket_.set_option(net::socket_base::linger(true, 0), ignored);
    socket_.close(ignored);
  }

  int enter() {
    if (!in_flight_) {
      in_flight_ = true;
      return state_->enter();
    }
    return state_->enter() - 1;  // not reached: one request at a time
  }

  void leave() {
    if (in_flight_) {
      in_flight_ = false;
      state_->leave();
    }
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  std::shared_ptr<ServerState> state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  RequestContext ctx_;
  std::vector<std::string> writes_;
  std::size_t next_write_ = 0;
  bool stream_cut_ = false;
  bool stream_valid_ = false;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool in_flight_ = false;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, std::shared_ptr<ServerState> state)
      : ioc_(ioc), acceptor_(std::move(acceptor)), retry_timer_(acceptor_.get_executor()), state_(std::move(state)) {}

  void start() { do_accept(); }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      retry_timer_.expires_after(std::chrono::milliseconds(10));
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code wec) {
        if (!wec) self->do_accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(std::move(socket), state_)->start();
    do_accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::shared_ptr<ServerState> state_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

std::optional<long long> solve_first_expression(std::string_view text) {
  if (const auto e = find_first_expression(text)) return e->result;
  return std::nullopt;
}

std::optional<std::string> fake_prompt_key(const nlohmann::json& body, bool chat) {
  if (auto info = extract_prompt(body, chat)) return std::move(info->key);
  return std::nullopt;
}

bool fake_key_is_faulted(std::string_view prompt_key, double fault_rate) {
  return fault_rate > 0.0 && unit_hash(prompt_key, "fault") < fault_rate;
}

std::uint64_t fake_hash(std::string_view key, std::string_view salt) { return salted_hash(key, salt); }
double fake_unit_hash(std::string_view key, std::string_view salt) { return unit_hash(key, salt); }

bool fake_key_is_wrong(std::string_view prompt_key, double wrong_rate) {
  return wrong_rate > 0.0 && unit_hash(prompt_key, "wrong") < wrong_rate;
}

struct FakeOpenAIServer::Impl {
  explicit Impl(FakeServerOptions o) : options(std::move(o)), state(std::make_shared<ServerState>(options)) {}

  FakeServerOptions options;
  std::shared_ptr<ServerState> state;
  std::mutex mu;  // start/stop
  std::unique_ptr<net::io_context> ioc;
  std::vector<std::thread> threads;
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> running{false};
};

FakeOpenAIServer::FakeOpenAIServer(FakeServerOptions options) {
  validate(options);
  impl_ = std::make_unique<Impl>(std::move(options));
}

FakeOpenAIServer::~FakeOpenAIServer() { stop(); }

void FakeOpenAIServer::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->running) return;
  auto ioc = std::make_unique<net::io_context>(impl_->options.threads);
  {
    tcp::acceptor acceptor(net::make_strand(*ioc));
    const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), impl_->options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    impl_->port = acceptor.local_endpoint().port();
    std::make_shared<Listener>(*ioc, std::move(acceptor), impl_->state)->start();
  }
  impl_->ioc = std::move(ioc);
  for (int i = 0; i < impl_->options.threads; ++i) {
    impl_->threads.emplace_back([ioc = impl_->ioc.get()] {
      for (;;) {
        try {
          ioc->run();
          return;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "fake_openai_server: handler threw: %s\n", e.what());
        }
      }
    });
  }
  impl_->running = true;
}

void FakeOpenAIServer::stop() {
  std::lock_guard lock(impl_->mu);
  if (!impl_->running) return;
  impl_->ioc->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  // Destroying the io_context destroys the pending handlers, and with them the listener and every
  // session: their sockets close, so clients see the connection go away.
  impl_->ioc.reset();
  impl_->running = false;
}

bool FakeOpenAIServer::running() const { return impl_->running; }

std::uint16_t FakeOpenAIServer::port() const { return impl_->port; }

std::string FakeOpenAIServer::base_url() const { return fmt::format("http://127.0.0.1:{}/v1", port()); }

const FakeServerOptions& FakeOpenAIServer::options() const { return impl_->options; }

nlohmann::json FakeOpenAIServer::stats() const { return impl_->state->stats(); }

nlohmann::json FakeOpenAIServer::request_bodies() const { return impl_->state->bodies(); }

void FakeOpenAIServer::reset_stats() { impl_->state->reset(); }

std::vector<FakeServerOptions::BookRule> load_answer_book(const std::string& path) {
  auto fail = [&](const std::string& what) { throw std::invalid_argument("answer book " + path + ": " + what); };
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  const json j = json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_array()) fail("expected a JSON array of rules");
  std::vector<FakeServerOptions::BookRule> book;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& r = j[i];
    const std::string at = "rule " + std::to_string(i) + ": ";
    if (!r.is_object() || !r.contains("contains") || !r.contains("answers") || !r["contains"].is_array() ||
        !r["answers"].is_array() || r["answers"].empty())
      fail(at + "expected {\"contains\": [strings], \"answers\": [strings, at least one]}");
    FakeServerOptions::BookRule rule;
    for (const auto& c : r["contains"]) {
      if (!c.is_string()) fail(at + "contains holds a non-string");
      rule.contains.push_back(c.get<std::string>());
    }
    for (const auto& a : r["answers"]) {
      if (!a.is_string()) fail(at + "answers holds a non-string");
      rule.answers.push_back(a.get<std::string>());
    }
    if (r.contains("thinking")) {
      if (!r["thinking"].is_string()) fail(at + "thinking must be a string");
      rule.thinking = r["thinking"].get<std::string>();
    }
    book.push_back(std::move(rule));
  }
  return book;
}

FakeServerOptions always_failing_options(const std::string& fault, const std::string& script) {
  FakeServerOptions o;
  o.fault_rate = 1.0;
  o.fault_attempts = 1 << 20;
  o.faults = {fault};
  o.script = script;
  return o;
}

}  // namespace gauntlet::testing
