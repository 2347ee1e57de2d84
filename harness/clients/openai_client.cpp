#include "harness/clients/openai_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "engine/json/json_input.h"
#include "engine/text/chat_template.h"
#include "engine/text/jinja/error.h"
#include "harness/run/concurrency_limiter.h"
#include "harness/errors/errors.h"
#include "harness/clients/openai_continuation.h"
#include "harness/clients/openai_self_certainty.h"
#include "harness/clients/openai_wire.h"
#include "harness/run/version.h"

namespace gauntlet::harness {
namespace {

using Clock = std::chrono::steady_clock;

void global_curl_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string trim_body(const std::string& body) {
  std::string s = body.substr(0, 300);
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// The "message" of an OpenAI-style error body, or the start of the body.
std::string error_message(const std::string& body) {
  try {
    auto j = engine::parse_json_input(body, "");
    if (j.contains("error")) {
      const auto& e = j["error"];
      if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
      if (e.is_string()) return e.get<std::string>();
    }
    if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
  } catch (const std::exception&) {
  }
  return trim_body(body);
}

// One segment of a continued turn while it is in flight. The I/O thread feeds it stream events
// (received text and tokens of every attempt so far) and hands each delta to the caller's thread,
// which runs the observer; a retry continues from everything received (nothing is sent twice).
struct SegmentJob {
  // Fixed for the segment.
  ContinuationBase base;
  ChatRequest request;         // sampling params, extra_body
  WireOptions wire;
  std::string assistant_text;  // assistant_prefix + turn so far + appended text
  int max_tokens = 1;
  std::vector<std::string> stop;
  // I/O thread only.
  std::string received;
  int received_tokens = 0;
  int attempt_start_tokens = 0;  // received_tokens when the latest attempt started
  // Shared with the caller (mutex).
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<StreamDelta> deltas;
  std::string server_finish;     // the latest attempt's finish_reason and stop_reason
  nlohmann::json stop_reason;
  bool done = false;
  ChatResult final;
  std::atomic<bool> abort{false};

  Endpoint endpoint() const {
    return base.method == ContinuationMethod::kCompletions ? Endpoint::kCompletions : Endpoint::kChat;
  }
  std::string body() const {
    return dump_json(continuation_body(base, request, wire, assistant_text + received, max_tokens - received_tokens,
                                       stop, /*stream=*/true));
  }
  void on_event(const nlohmann::json& event) {
    auto d = stream_delta(event, endpoint());
    if (!d) return;
    received += d->text;
    received_tokens += d->tokens;
    std::lock_guard lock(mutex);
    if (!d->finish_reason.empty()) {
      server_finish = d->finish_reason;
      stop_reason = d->stop_reason;
    }
    if (!d->text.empty() || d->tokens > 0) {
      deltas.push_back(std::move(*d));
      changed.notify_all();
    }
  }
};

}  // namespace

struct OpenAIClient::Impl {
  struct Job {
    ChatRequest request;
    Callback done;
    std::uint64_t seq = 0;  // submission order: cancel_pending() cancels those before its mark
    std::string body;
    int attempts = 0;
    Clock::time_point submitted;
    std::string last_error;
    int last_status = 0;
    std::string last_url;
    std::string render_error;  // the model's chat_template refused the messages: fails unsent
    Endpoint endpoint = Endpoint::kChat;   // where it goes (a prefill may go elsewhere than the model's)
    std::string budget_method;             // set: record it in each choice's budget["method"]
    std::shared_ptr<SegmentJob> segment;   // set: one segment of a continued turn (always streamed)
  };

  struct Transfer {
    Impl* owner = nullptr;
    std::unique_ptr<Job> job;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::size_t endpoint = 0;
    std::string response;
    std::unique_ptr<StreamAccumulator> stream;
    double retry_after_s = -1.0;
    char errbuf[CURL_ERROR_SIZE] = {};
  };

  struct EndpointState {
    std::string url;
    int in_flight = 0;
    double cooldown_until = 0.0;
    int refused = 0;  // consecutive attempts that could not connect (refused, unresolvable)
  };

  ModelSpec config;
  WireOptions wire;
  std::string auth_header;
  ConcurrencyLimiter limiter;
  Clock::time_point start = Clock::now();
  CURLM* multi = nullptr;

  mutable std::mutex mutex;
  std::condition_variable idle;
  std::deque<std::unique_ptr<Job>> incoming;  // guarded by mutex
  long outstanding = 0;                       // guarded by mutex
  bool stopping = false;                      // guarded by mutex
  std::uint64_t submitted_seq = 0;            // guarded by mutex
  std::uint64_t cancel_below = 0;             // guarded by mutex: jobs with seq < this are cancelled
  std::string last_error;                     // guarded by mutex
  std::vector<std::pair<double, int>> history_copy;  // guarded by mutex

  // Owned by the I/O thread.
  std::deque<std::unique_ptr<Job>> ready;
  std::deque<std::unique_ptr<Job>> unsendable;  // failed before sending (chat_template refused)
  std::multimap<double, std::unique_ptr<Job>> delayed;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::vector<EndpointState> endpoints;
  std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t cancelled_below = 0;  // the latest cancel_pending() mark acted on
  bool reached = false;      // some attempt got an HTTP response from some URL
  std::string unreachable;   // set once no URL accepted a connection: every request fails at once with it

  std::atomic<int> in_flight{0};
  std::atomic<int> limit{0};
  std::atomic<long> retries{0};
  std::atomic<long> errors{0};
  std::thread thread;

  Impl(const ModelSpec& c, double debounce) : config(c), limiter(c.openai().min_concurrency, c.concurrency, debounce) {
    global_curl_init();
    wire.model = c.model_id;
    wire.endpoint = c.endpoint;
    wire.stream = c.openai().stream;
    wire.use_max_completion_tokens = c.openai().use_max_completion_tokens;
    wire.chat_template_kwargs = c.chat_template_kwargs;
    wire.extra_body = c.extra_body;
    if (!c.openai().api_key_env.empty()) {
      const char* key = std::getenv(c.openai().api_key_env.c_str());
      if (!key || !*key)
        throw ConfigError(fmt::format("model '{}': environment variable {} (api_key_env) is not set", c.name,
                                      c.openai().api_key_env));
      auth_header = std::string("Authorization: Bearer ") + key;
    }
    for (const auto& url : c.openai().base_urls) endpoints.push_back({url, 0, 0.0});
    limit = limiter.limit();
    multi = curl_multi_init();
    thread = std::thread([this] { run(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    curl_multi_wakeup(multi);
    thread.join();
    curl_multi_cleanup(multi);
  }

  double now() const { return std::chrono::duration<double>(Clock::now() - start).count(); }

  std::string url_for(std::size_t endpoint, Endpoint kind) const {
    return endpoints[endpoint].url + (kind == Endpoint::kChat ? "/chat/completions" : "/completions");
  }

  // Fewest in flight among endpoints not cooling down; if all are, the one that recovers first.
  std::size_t pick_endpoint(double t) const {
    std::size_t best = 0;
    bool best_ok = false;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      bool ok = endpoints[i].cooldown_until <= t;
      if (i == 0) {
        best_ok = ok;
        continue;
      }
      const auto& b = endpoints[best];
      const auto& e = endpoints[i];
      if (ok && (!best_ok || e.in_flight < b.in_flight)) {
        best = i;
        best_ok = true;
      } else if (!ok && !best_ok && e.cooldown_until < b.cooldown_until) {
        best = i;
      }
    }
    return best;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    if (t->job->segment && t->job->segment->abort) return 0;  // the observer ended the segment: close the stream
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    if (t->stream && status == 200) t->stream->feed(data, size * n);
    else t->response.append(data, size * n);
    return size * n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) t->retry_after_s = -1.0;
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.rfind("retry-after:", 0) == 0) {
      try {
        t->retry_after_s = std::stod(line.substr(12));
      } catch (const std::exception&) {
        t->retry_after_s = -1.0;  // HTTP-date form: fall back to our own backoff
      }
    }
    return size * n;
  }

  // A segment the observer ended, or one whose tokens all arrived before its stream broke: done
  // without (another) request.
  static ChatResult segment_end(const char* finish) {
    ChatResult r;
    r.choices.emplace_back();
    r.choices.back().finish_reason = finish;
    return r;
  }

  void start_transfer(std::unique_ptr<Job> job, double t) {
    if (const auto& seg = job->segment) {
      if (seg->abort) return finish(std::move(job), segment_end("aborted"));
      if (seg->max_tokens - seg->received_tokens <= 0) {
        {
          std::lock_guard lock(seg->mutex);
          seg->server_finish = "length";
          seg->stop_reason = nullptr;
        }
        return finish(std::move(job), segment_end("length"));
      }
      seg->attempt_start_tokens = seg->received_tokens;
      {
        std::lock_guard lock(seg->mutex);
        seg->server_finish.clear();
        seg->stop_reason = nullptr;
      }
      job->body = seg->body();
    }
    const bool stream = config.openai().stream || job->segment;
    auto tr = std::make_unique<Transfer>();
    tr->owner = this;
    tr->endpoint = pick_endpoint(t);
    ++job->attempts;
    job->last_url = endpoints[tr->endpoint].url;
    tr->job = std::move(job);
    if (stream) tr->stream = std::make_unique<StreamAccumulator>(tr->job->endpoint);
    if (auto seg = tr->job->segment) tr->stream->set_event_hook([seg](const nlohmann::json& event) { seg->on_event(event); });
    CURL* e = curl_easy_init();
    tr->easy = e;
    tr->headers = curl_slist_append(tr->headers, "Content-Type: application/json");
    tr->headers = curl_slist_append(tr->headers, "Expect:");
    if (stream) tr->headers = curl_slist_append(tr->headers, "Accept: text/event-stream");
    if (!auth_header.empty()) tr->headers = curl_slist_append(tr->headers, auth_header.c_str());
    const std::string url = url_for(tr->endpoint, tr->job->endpoint);
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, tr->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, tr->job->body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(tr->job->body.size()));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, tr.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, tr.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, tr->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(config.openai().timeout_s * 1000));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(config.openai().timeout_s, 30.0) * 1000));
    static const std::string user_agent = std::string("gauntlet/") + gauntlet_version();
    curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent.c_str());  // libcurl copies it
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_PRIVATE, tr.get());
    ++endpoints[tr->endpoint].in_flight;
    ++in_flight;
    curl_multi_add_handle(multi, e);
    transfers[e] = std::move(tr);
  }

  double backoff(int attempt) {
    double d = std::min(config.openai().backoff_max_s, config.openai().backoff_initial_s * std::pow(2.0, attempt - 1));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return d * jitter(rng);
  }

  void finish(std::unique_ptr<Job> job, ChatResult result) {
    result.latency_s = std::chrono::duration<double>(Clock::now() - job->submitted).count();
    result.retries = std::max(0, job->attempts - 1);
    result.endpoint_url = job->last_url;
    if (!result.ok() && result.failure == Failure::kNone) result.failure = Failure::kTransient;
    if (result.ok() && !job->budget_method.empty()) {
      for (auto& c : result.choices) {
        if (!c.budget.is_object()) c.budget = nlohmann::json::object();
        c.budget["method"] = job->budget_method;
      }
    }
    if (!result.ok() && !result.cancelled()) {
      ++errors;
      std::lock_guard lock(mutex);
      last_error = result.error;
    }
    auto done = std::move(job->done);
    job.reset();
    done(std::move(result));
    std::lock_guard lock(mutex);
    if (--outstanding == 0) idle.notify_all();
  }

  void retry_or_fail(std::unique_ptr<Job> job, const std::string& why, int status, double min_delay, double t) {
    job->last_error = why;
    job->last_status = status;
    if (job->seq < cancelled_below) {  // interrupted: no backoff, no retry
      fail_now(std::move(job), fmt::format("cancelled: the run was interrupted (last attempt: {})", why),
               Failure::kCancelled);
      return;
    }
    if (job->attempts > config.openai().max_retries) {
      ChatResult r;
      r.http_status = status;
      r.error = fmt::format("{} (gave up after {} attempts)", why, job->attempts);
      r.failure = Failure::kTransient;
      finish(std::move(job), std::move(r));
      return;
    }
    ++retries;
    double delay = std::max(min_delay, backoff(job->attempts));
    delayed.emplace(t + delay, std::move(job));
  }

  void complete_transfer(CURL* easy, CURLcode code) {
    auto node = transfers.extract(easy);
    auto tr = std::move(node.mapped());
    curl_multi_remove_handle(multi, easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(easy);
    curl_slist_free_all(tr->headers);
    --in_flight;
    auto& ep = endpoints[tr->endpoint];
    --ep.in_flight;
    const double t = now();
    auto job = std::move(tr->job);
    if (job->segment && job->segment->abort) {
      finish(std::move(job), segment_end("aborted"));
      return;
    }
    if (job->segment && code != CURLE_OK) {
      // The closing event arrived and then the connection broke: the segment is complete.
      std::string closed;
      {
        std::lock_guard lock(job->segment->mutex);
        closed = job->segment->server_finish;
      }
      if (!closed.empty()) {
        ChatResult r = segment_end(closed.c_str());
        r.http_status = static_cast<int>(status);
        finish(std::move(job), std::move(r));
        return;
      }
    }

    if (code != CURLE_OK) {
      std::string why = fmt::format("{}: {}{}", ep.url, curl_easy_strerror(code),
                                    tr->errbuf[0] ? std::string(" (") + tr->errbuf + ")" : "");
      if (endpoints.size() > 1) ep.cooldown_until = t + config.openai().endpoint_cooldown_s;
      limiter.on_transient_failure();
      const bool refused = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                           code == CURLE_COULDNT_RESOLVE_PROXY;
      ep.refused = refused ? ep.refused + 1 : 0;
      if (refused && !reached && every_url_refused()) {
        // Nothing listens on any URL of this model and nothing ever answered: end its work now
        // instead of backing off for minutes; the next run tries again.
        unreachable = fmt::format("{} (no URL of model '{}' accepts connections; its requests fail without retrying)",
                                  why, config.name);
        job->last_error = why;
        fail_now(std::move(job), unreachable);
        fail_all_queued(unreachable);
        return;
      }
      retry_or_fail(std::move(job), why, static_cast<int>(status), 0.0, t);
      return;
    }
    reached = true;
    ep.refused = 0;
    if (status == 429) {
      limiter.on_rate_limited(t, tr->retry_after_s);
      limit = limiter.limit();
      record_history();
      retry_or_fail(std::move(job), fmt::format("HTTP 429: {}", error_message(tr->response)), 429,
                    std::max(0.0, tr->retry_after_s), t);
      return;
    }
    if (status >= 500 || status == 408) {
      if (endpoints.size() > 1) ep.cooldown_until = t + config.openai().endpoint_cooldown_s;
      limiter.on_transient_failure();
      retry_or_fail(std::move(job), fmt::format("HTTP {}: {}", status, error_message(tr->response)),
                    static_cast<int>(status), std::max(0.0, tr->retry_after_s), t);
      return;
    }
    if (status != 200) {
      // 4xx other than 408/429: the request itself is wrong (bad model name, context too long); retrying won't help.
      ChatResult r;
      r.http_status = static_cast<int>(status);
      const bool context = says_context_too_long(static_cast<int>(status), tr->response);
      r.error = fmt::format("HTTP {}: {}{}", status, context ? "context too long: " : "", error_message(tr->response));
      r.failure = context ? Failure::kContext : Failure::kRejected;
      finish(std::move(job), std::move(r));
      return;
    }
    ChatResult result;
    try {
      result = tr->stream ? tr->stream->finish() : parse_response(tr->response, job->endpoint);
    } catch (const MalformedResponse& e) {
      limiter.on_transient_failure();
      retry_or_fail(std::move(job), fmt::format("malformed response: {}", e.what()), 200, 0.0, t);
      return;
    }
    result.http_status = 200;
    limiter.on_success(t);
    if (limit != limiter.limit()) {
      limit = limiter.limit();
      record_history();
    }
    finish(std::move(job), std::move(result));
  }

  bool every_url_refused() const {
    for (const auto& e : endpoints)
      if (e.refused < kRefusalsBeforeGivingUp) return false;
    return true;
  }
  static constexpr int kRefusalsBeforeGivingUp = 2;

  void fail_now(std::unique_ptr<Job> job, const std::string& why, Failure failure = Failure::kTransient) {
    ChatResult r;
    r.error = why;
    r.failure = failure;
    finish(std::move(job), std::move(r));
  }

  // Every request not in progress (queued or waiting to retry) fails now with `why`.
  void fail_all_queued(const std::string& why, Failure failure = Failure::kTransient) {
    std::vector<std::unique_ptr<Job>> jobs;
    for (auto& job : ready) jobs.push_back(std::move(job));
    ready.clear();
    for (auto& [at, job] : delayed) jobs.push_back(std::move(job));
    delayed.clear();
    for (auto& job : jobs) fail_now(std::move(job), why, failure);
  }

  // cancel_pending(): jobs submitted before the mark that are queued or waiting to retry.
  void cancel_marked(std::uint64_t below) {
    const std::string why = "cancelled: the run was interrupted before this request was answered";
    std::vector<std::unique_ptr<Job>> jobs;
    for (auto it = ready.begin(); it != ready.end();) {
      if ((*it)->seq < below) {
        jobs.push_back(std::move(*it));
        it = ready.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = delayed.begin(); it != delayed.end();) {
      if (it->second->seq < below) {
        jobs.push_back(std::move(it->second));
        it = delayed.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& job : jobs) fail_now(std::move(job), why, Failure::kCancelled);
  }

  // Segments whose observer said stop: close their streams, drop their pending retries.
  void end_aborted_segments() {
    std::vector<CURL*> streaming;
    for (auto& [easy, tr] : transfers)
      if (tr->job->segment && tr->job->segment->abort) streaming.push_back(easy);
    for (CURL* easy : streaming) complete_transfer(easy, CURLE_ABORTED_BY_CALLBACK);
    for (auto it = delayed.begin(); it != delayed.end();) {
      if (it->second->segment && it->second->segment->abort) {
        finish(std::move(it->second), segment_end("aborted"));
        it = delayed.erase(it);
      } else {
        ++it;
      }
    }
  }

  void enqueue(std::unique_ptr<Job> job) {
    {
      std::lock_guard lock(mutex);
      ++outstanding;
      job->seq = submitted_seq++;
      incoming.push_back(std::move(job));
    }
    curl_multi_wakeup(multi);
  }

  void record_history() {
    std::lock_guard lock(mutex);
    history_copy = limiter.history();
  }

  void run() {
    for (;;) {
      bool stop;
      std::uint64_t cancel = 0;
      {
        std::lock_guard lock(mutex);
        while (!incoming.empty()) {
          auto& job = incoming.front();
          (job->render_error.empty() ? ready : unsendable).push_back(std::move(job));
          incoming.pop_front();
        }
        stop = stopping;
        cancel = cancel_below;
      }
      for (auto& job : unsendable) {
        ChatResult r;
        r.error = job->render_error;
        finish(std::move(job), std::move(r));
      }
      unsendable.clear();
      if (stop) break;
      if (cancel > cancelled_below) {
        cancelled_below = cancel;
        cancel_marked(cancel);
      }
      if (!unreachable.empty()) fail_all_queued(unreachable);
      end_aborted_segments();
      double t = now();
      // Retries whose backoff has passed go ahead of new work.
      while (!delayed.empty() && delayed.begin()->first <= t) {
        ready.push_front(std::move(delayed.begin()->second));
        delayed.erase(delayed.begin());
      }
      while (!ready.empty() && static_cast<int>(transfers.size()) < limiter.limit() && t >= limiter.paused_until()) {
        auto job = std::move(ready.front());
        ready.pop_front();
        start_transfer(std::move(job), t);
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg == CURLMSG_DONE) complete_transfer(msg->easy_handle, msg->data.result);
      }
      // Sleep until I/O, a wake-up, the next retry or the end of a Retry-After pause.
      double wait = 1.0;
      if (!delayed.empty()) wait = std::min(wait, delayed.begin()->first - now());
      if (!ready.empty() && limiter.paused_until() > now()) wait = std::min(wait, limiter.paused_until() - now());
      // A transfer that just finished freed a slot: start the next queued request without sleeping.
      if (!ready.empty() && static_cast<int>(transfers.size()) < limiter.limit() && limiter.paused_until() <= now())
        wait = 0.0;
      int wait_ms = std::max(0, static_cast<int>(std::ceil(wait * 1000)));
      if (!transfers.empty() || wait_ms > 0) curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
    }
    // Shutting down: abandon transfers and fail everything still queued.
    std::vector<std::unique_ptr<Job>> abandoned;
    for (auto& [easy, tr] : transfers) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(tr->headers);
      abandoned.push_back(std::move(tr->job));
    }
    transfers.clear();
    for (auto& job : ready) abandoned.push_back(std::move(job));
    for (auto& [at, job] : delayed) abandoned.push_back(std::move(job));
    {
      std::lock_guard lock(mutex);
      for (auto& job : incoming) abandoned.push_back(std::move(job));
      incoming.clear();
    }
    for (auto& job : abandoned) {
      ChatResult r;
      r.error = "client stopped before the request finished";
      r.failure = Failure::kCancelled;
      finish(std::move(job), std::move(r));
    }
  }
};

OpenAIClient::OpenAIClient(const ModelSpec& config, double shrink_debounce_s)
    : impl_(std::make_unique<Impl>(config, shrink_debounce_s)) {}

OpenAIClient::~OpenAIClient() = default;

namespace {

// Top logprobs asked for when a request wants self-certainty and asked for none (OpenAI's maximum).
constexpr int kSelfCertaintyTopLogprobs = 20;

// Self-certainty needs top logprobs: asks for them when the request has none; true when the
// request's own logprobs were off (then the caller drops them from the answer again).
bool ask_self_certainty_logprobs(ChatRequest& request) {
  if (!request.self_certainty || request.params.top_logprobs.value_or(0) > 0) return false;
  const bool added = !request.params.logprobs;
  request.params.logprobs = true;
  request.params.top_logprobs = kSelfCertaintyTopLogprobs;
  return added;
}

}  // namespace

void OpenAIClient::submit_async(ChatRequest request, Callback done) {
  if (request.self_certainty) {
    // Each choice's budget record gets the mean approximate self-certainty of its tokens.
    const bool added = ask_self_certainty_logprobs(request);
    done = [done = std::move(done), added, vocab = impl_->config.openai().vocab_size](ChatResult r) {
      for (auto& c : r.choices) {
        double sum = 0.0;
        for (const auto& token : c.logprobs) sum += approximate_self_certainty(token, vocab);
        const std::size_t n = c.logprobs.size();
        nlohmann::json record = c.budget.is_object() ? c.budget : nlohmann::json::object();
        record["self_certainty"] = n > 0 && !std::isnan(sum) ? nlohmann::json(sum / static_cast<double>(n)) : nlohmann::json(nullptr);
        record["self_certainty_tokens"] = n;
        record["self_certainty_approximate"] = true;
        c.budget = std::move(record);
        if (added) c.logprobs.clear();
      }
      done(std::move(r));
    };
  }
  auto job = std::make_unique<Impl::Job>();
  const ModelSpec& config = impl_->config;
  job->endpoint = config.endpoint;
  WireOptions wire = impl_->wire;
  const bool kwargs = !request.chat_template_kwargs.is_null();
  std::optional<nlohmann::json> body;
  try {
    if (!request.assistant_prefix.empty()) {
      // A prefill (budget policies): the turn starts with the prefix, sent as the model continues turns.
      const ContinuationBase base = continuation_base(config, request);
      job->endpoint = base.method == ContinuationMethod::kCompletions ? Endpoint::kCompletions : Endpoint::kChat;
      job->budget_method = continuation_method_name(base.method);
      body = continuation_body(base, request, wire, request.assistant_prefix, request.params.max_tokens,
                               request.params.stop, wire.stream);
    } else if (config.chat_template && config.endpoint == Endpoint::kCompletions && request.prompt.empty() &&
               !request.messages.empty()) {
      // The completions endpoint gets the messages as the model's own template renders them.
      request.prompt = completions_prompt(config, request);
      request.messages.clear();
    } else if (kwargs) {
      if (config.endpoint != Endpoint::kChat)
        throw std::runtime_error("chat_template_kwargs need a chat template; this model sends raw prompts");
      wire.chat_template_kwargs = merged_template_kwargs(config.chat_template_kwargs, request.chat_template_kwargs);
    }
  } catch (const std::runtime_error& e) {
    job->render_error = e.what();
  }
  job->body = dump_json(body ? *body : build_request_body(request, wire));
  job->request = std::move(request);
  job->done = std::move(done);
  job->submitted = Clock::now();
  impl_->enqueue(std::move(job));
}

namespace {

// One assistant turn of an OpenAIClient, continued by requests that re-send everything so far.
class OpenAIContinuation : public Continuation {
 public:
  OpenAIContinuation(OpenAIClient::Impl& client, ContinuationBase base, ChatRequest request)
      : client_(client), base_(std::move(base)), request_(std::move(request)) {}

  SegmentResult segment(const std::string& append, const SegmentLimits& limits, const SegmentObserver& observer) override;
  Rewound rewind(std::size_t keep_bytes) override;
  const std::string& turn_text() const override { return turn_; }
  std::string method() const override { return continuation_method_name(base_.method); }

 private:
  OpenAIClient::Impl& client_;
  ContinuationBase base_;
  ChatRequest request_;
  std::string turn_;
  // The last segment's streamed pieces as (text bytes, tokens) so far, while it can be rewound.
  std::vector<std::pair<std::size_t, int>> pieces_;
  bool rewindable_ = false;
};

Rewound OpenAIContinuation::rewind(std::size_t keep_bytes) {
  if (!rewindable_) throw std::logic_error("rewind: no segment to rewind (none ran, it failed, or it was rewound)");
  rewindable_ = false;
  std::pair<std::size_t, int> kept{0, 0};
  for (const auto& piece : pieces_) {
    if (piece.first > keep_bytes) break;
    kept = piece;
  }
  const std::pair<std::size_t, int> total = pieces_.empty() ? kept : pieces_.back();
  Rewound out;
  out.bytes = total.first - kept.first;
  out.tokens = total.second - kept.second;
  turn_.resize(turn_.size() - out.bytes);
  return out;
}

}  // namespace

std::unique_ptr<Continuation> OpenAIClient::open(const ChatRequest& request) {
  if (request.n != 1) throw std::runtime_error("a continued turn is one sample (n = 1)");
  ChatRequest turn = request;
  ask_self_certainty_logprobs(turn);  // segments then sum the approximation
  return std::make_unique<OpenAIContinuation>(*impl_, continuation_base(impl_->config, turn), std::move(turn));
}

SegmentResult OpenAIContinuation::segment(const std::string& append, const SegmentLimits& limits,
                                          const SegmentObserver& observer) {
  SegmentResult out;
  rewindable_ = false;
  pieces_.clear();
  if (std::this_thread::get_id() == client_.thread.get_id()) {
    out.error = "segment() was called on the client's I/O thread (from a completion callback): it would wait forever";
    out.failure = Failure::kRejected;
    return out;
  }
  if (limits.max_tokens < 1) {
    out.error = "a segment needs max_tokens >= 1";
    out.failure = Failure::kRejected;
    return out;
  }
  const std::string before = request_.assistant_prefix + turn_ + append;
  auto seg = std::make_shared<SegmentJob>();
  seg->base = base_;
  seg->request = request_;
  seg->wire = client_.wire;
  seg->assistant_text = before;
  seg->max_tokens = limits.max_tokens;
  seg->stop = segment_stop_strings(request_.params.stop, limits);
  auto job = std::make_unique<OpenAIClient::Impl::Job>();
  job->endpoint = seg->endpoint();
  job->segment = seg;
  job->done = [seg](ChatResult result) {
    std::lock_guard lock(seg->mutex);
    seg->final = std::move(result);
    seg->done = true;
    seg->changed.notify_all();
  };
  job->submitted = Clock::now();
  client_.enqueue(std::move(job));

  // Deltas in arrival order; after the observer says stop, the rest is dropped.
  const bool want_sc = request_.params.top_logprobs.value_or(0) > 0;
  const std::int64_t vocab = client_.config.openai().vocab_size;
  double sc_sum = 0.0;
  int sc_tokens = 0;
  bool aborted = false;
  std::unique_lock lock(seg->mutex);
  for (;;) {
    seg->changed.wait(lock, [&] { return seg->done || (!aborted && !seg->deltas.empty()); });
    if (aborted) {
      if (seg->done) break;
      continue;
    }
    if (seg->deltas.empty()) break;  // done, everything taken
    StreamDelta d = std::move(seg->deltas.front());
    seg->deltas.pop_front();
    lock.unlock();
    out.text += d.text;
    out.tokens += d.tokens;
    pieces_.emplace_back(out.text.size(), out.tokens);
    out.token_ids.insert(out.token_ids.end(), d.token_ids.begin(), d.token_ids.end());
    for (const auto& token : d.logprobs) {
      sc_sum += approximate_self_certainty(token, vocab);
      ++sc_tokens;
    }
    const bool go = !observer || observer(d.text, out.tokens);
    lock.lock();
    if (!go) {
      aborted = true;
      seg->deltas.clear();
      seg->abort = true;
      curl_multi_wakeup(client_.multi);
    }
  }
  const ChatResult final = std::move(seg->final);
  const std::string server_finish = seg->server_finish;
  const nlohmann::json stop_reason = seg->stop_reason;
  const int attempt_start = seg->attempt_start_tokens;
  lock.unlock();

  out.latency_s = final.latency_s;
  out.retries = final.retries;
  if (aborted) {
    out.finish = "aborted";
  } else if (!final.ok()) {
    out.error = final.error;
    out.failure = final.failure;
    return out;  // the turn stays as it was
  } else {
    // The last attempt's usage counts its tokens exactly; earlier attempts' come from the stream.
    if (final.usage.completion_tokens > 0) out.tokens = attempt_start + static_cast<int>(final.usage.completion_tokens);
    const std::string finish =
        server_finish.empty() && !final.choices.empty() ? final.choices.front().finish_reason : server_finish;
    out.finish = segment_finish(finish, stop_reason, limits.stop_at_think_close, before + out.text);
  }
  if (want_sc) {
    out.self_certainty_approximate = true;
    out.self_certainty_sum = sc_tokens == out.tokens ? sc_sum : std::numeric_limits<double>::quiet_NaN();
  }
  turn_ += append + out.text;
  // Rewinding needs the streamed pieces to be the text (a retried attempt's usage may recount tokens).
  rewindable_ = pieces_.empty() ? out.text.empty() : pieces_.back().first == out.text.size();
  if (rewindable_ && !pieces_.empty()) pieces_.back().second = out.tokens;
  return out;
}

void OpenAIClient::cancel_pending() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->cancel_below = impl_->submitted_seq;
  }
  curl_multi_wakeup(impl_->multi);
}

ClientStats OpenAIClient::stats() const {
  return {impl_->in_flight.load(), impl_->limit.load(), impl_->retries.load(), impl_->errors.load()};
}

std::string OpenAIClient::last_error() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->last_error;
}

void OpenAIClient::drain() {
  std::unique_lock lock(impl_->mutex);
  impl_->idle.wait(lock, [&] { return impl_->outstanding == 0; });
}

std::vector<std::pair<double, int>> OpenAIClient::limit_history() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->history_copy;
}

}  // namespace gauntlet::harness
