#include "harness/clients/openai_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>

#include <fmt/format.h>

#include "engine/json/json_input.h"
#include "engine/text/chat_template.h"
#include "engine/text/jinja/error.h"
#include "harness/run/concurrency_limiter.h"
#include "harness/errors/errors.h"
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

  std::string url_for(std::size_t endpoint) const {
    return endpoints[endpoint].url + (config.endpoint == Endpoint::kChat ? "/chat/completions" : "/completions");
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

  void start_transfer(std::unique_ptr<Job> job, double t) {
    auto tr = std::make_unique<Transfer>();
    tr->owner = this;
    tr->endpoint = pick_endpoint(t);
    ++job->attempts;
    job->last_url = endpoints[tr->endpoint].url;
    tr->job = std::move(job);
    if (config.openai().stream) tr->stream = std::make_unique<StreamAccumulator>(config.endpoint);
    CURL* e = curl_easy_init();
    tr->easy = e;
    tr->headers = curl_slist_append(tr->headers, "Content-Type: application/json");
    tr->headers = curl_slist_append(tr->headers, "Expect:");
    if (config.openai().stream) tr->headers = curl_slist_append(tr->headers, "Accept: text/event-stream");
    if (!auth_header.empty()) tr->headers = curl_slist_append(tr->headers, auth_header.c_str());
    const std::string url = url_for(tr->endpoint);
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
      result = tr->stream ? tr->stream->finish() : parse_response(tr->response, config.endpoint);
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

void OpenAIClient::submit_async(ChatRequest request, Callback done) {
  auto job = std::make_unique<Impl::Job>();
  if (!request.assistant_prefix.empty() || !request.chat_template_kwargs.is_null())
    job->render_error = "budget policies (assistant_prefix, chat_template_kwargs) are not built for HTTP yet";
  else if (impl_->config.chat_template && request.prompt.empty() && !request.messages.empty()) {
    // The completions endpoint gets the messages as the model's own template renders them.
    engine::ChatInput chat;
    for (const auto& m : request.messages) chat.messages.push_back({{"role", m.role}, {"content", m.content}});
    if (impl_->config.chat_template_kwargs.is_object())
      chat.kwargs = nlohmann::ordered_json::parse(impl_->config.chat_template_kwargs.dump());
    try {
      request.prompt = impl_->config.chat_template->render(chat);
      request.messages.clear();
    } catch (const engine::jinja::TemplateError& e) {
      job->render_error = std::string("chat template: ") + e.what();
    }
  }
  job->body = dump_json(build_request_body(request, impl_->wire));
  job->request = std::move(request);
  job->done = std::move(done);
  job->submitted = Clock::now();
  {
    std::lock_guard lock(impl_->mutex);
    ++impl_->outstanding;
    job->seq = impl_->submitted_seq++;
    impl_->incoming.push_back(std::move(job));
  }
  curl_multi_wakeup(impl_->multi);
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
